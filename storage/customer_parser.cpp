#include "storage/customer_parser.hpp"

#include <cmath>
#include <cstring>
#include <vector>

#include <simdjson.h>

#include "contact_policy/time_zone.hpp"
#include "storage/json_codec.hpp"

namespace troupe::storage {

namespace {

namespace od = simdjson::ondemand;

enum class field { id, text, flag, amount, count, categories, attribute };

/// What a key is, and for text fields which setter.
field field_of(std::string_view key, void (v1::Customer::**text)(const std::string&)) {
  if (key == "id")
    return field::id;
  if (key == "email")
    return *text = &v1::Customer::set_email, field::text;
  if (key == "first_name")
    return *text = &v1::Customer::set_first_name, field::text;
  if (key == "region")
    return *text = &v1::Customer::set_region, field::text;
  if (key == "last_order_date")
    return *text = &v1::Customer::set_last_order_date, field::text;
  if (key == "device")
    return *text = &v1::Customer::set_device, field::text;
  if (key == "marketing_opt_in")
    return field::flag;
  if (key == "total_order_value" || key == "engagement")
    return field::amount;
  if (key == "order_count")
    return field::count;
  if (key == "categories")
    return field::categories;
  return field::attribute;
}

/// The value of a number as customer_from_json reads it (strtod's correct
/// rounding); false where the fast path cannot promise the same double: a
/// mantissa of more than 19 digits, which simdjson rounds its own way.
bool number_of(od::value& v, double& out) {
  auto token = v.raw_json_token();
  std::size_t digits = 0;
  for (char ch : token) {
    if (ch == 'e' || ch == 'E')
      break;
    digits += ch >= '0' && ch <= '9';
  }
  return digits <= 19 && !v.get_double().get(out) && std::isfinite(out);
}

/// A list of strings into `out`; false for anything else.
bool string_list(od::value& v, google::protobuf::RepeatedPtrField<std::string>* out) {
  od::array items;
  if (v.get_array().get(items))
    return false;
  for (auto item : items) {
    std::string_view s;
    if (item.get_string().get(s))
      return false;
    out->Add(std::string{s});
  }
  return true;
}

} // namespace

struct customer_parser::impl {
  od::parser parser;
  std::vector<char> padded;            ///< the line, with simdjson's padding after it
  std::vector<std::string_view> keys;  ///< this line's keys (in the parser's buffer)

  /// The fast path: true with `c` filled for a well-formed line; false for
  /// any line it does not take whole (`c` is then garbage).
  bool read(std::string_view line, v1::Customer& c) {
    padded.resize(line.size() + simdjson::SIMDJSON_PADDING);
    std::memcpy(padded.data(), line.data(), line.size());
    od::document doc;
    if (parser.iterate(padded.data(), line.size(), padded.size()).get(doc))
      return false;
    od::object object;
    if (doc.get_object().get(object))
      return false;
    keys.clear();
    bool has_id = false;
    for (auto member : object) {
      std::string_view key;
      if (member.unescaped_key().get(key))
        return false;
      for (auto k : keys)
        if (k == key)
          return false; // the reference names the key twice
      keys.push_back(key);
      od::value v;
      if (member.value().get(v))
        return false;
      od::json_type type;
      if (v.type().get(type))
        return false;
      if (type == od::json_type::null) {
        bool null = false;
        if (v.is_null().get(null) || !null || key == "id")
          return false;
        continue; // absent
      }
      void (v1::Customer::*text)(const std::string&) = nullptr;
      switch (field_of(key, &text)) {
        case field::id: {
          std::string_view id;
          if (v.get_string().get(id) || id.empty() || id.find('\0') != std::string_view::npos)
            return false;
          c.set_id(std::string{id});
          has_id = true;
          break;
        }
        case field::text: {
          std::string_view s;
          if (v.get_string().get(s))
            return false;
          (c.*text)(std::string{s});
          break;
        }
        case field::flag: {
          bool b = false;
          if (v.get_bool().get(b))
            return false;
          c.set_marketing_opt_in(b);
          break;
        }
        case field::amount: {
          double d = 0;
          if (!number_of(v, d) || std::fabs(d) > max_customer_amount)
            return false;
          key == "engagement" ? c.set_engagement(d) : c.set_total_order_value(d);
          break;
        }
        case field::count: {
          int64_t n = 0;
          if (v.get_int64().get(n) || n < 0 || n > max_customer_count)
            return false;
          c.set_order_count(n);
          break;
        }
        case field::categories:
          if (!string_list(v, c.mutable_categories()))
            return false;
          break;
        case field::attribute: {
          if (key == contact_policy::timezone_attribute && type != od::json_type::string)
            return false; // the reference path names it
          auto& attr = (*c.mutable_attributes())[std::string{key}];
          if (type == od::json_type::string) {
            std::string_view s;
            if (v.get_string().get(s))
              return false;
            // A zone the database lacks: the reference path names it.
            if (key == contact_policy::timezone_attribute && !contact_policy::time_zone::find(s))
              return false;
            attr.set_text(std::string{s});
          } else if (type == od::json_type::boolean) {
            bool b = false;
            if (v.get_bool().get(b))
              return false;
            attr.set_flag(b);
          } else if (type == od::json_type::number) {
            double d = 0;
            if (!number_of(v, d))
              return false;
            attr.set_number(d);
          } else if (type == od::json_type::array) {
            if (!string_list(v, attr.mutable_list()->mutable_items()))
              return false;
          } else {
            return false; // an object: the reference says why not
          }
          break;
        }
      }
    }
    // Nothing after the object.
    return has_id && doc.current_location().error() == simdjson::OUT_OF_BOUNDS;
  }
};

customer_parser::customer_parser() : impl_(std::make_unique<impl>()) {}
customer_parser::~customer_parser() = default;

result<v1::Customer> customer_parser::parse(std::string_view line) {
  v1::Customer c;
  if (impl_->read(line, c)) {
    ++fast_;
    return c;
  }
  ++reference_;
  return customer_from_json(line);
}

} // namespace troupe::storage
