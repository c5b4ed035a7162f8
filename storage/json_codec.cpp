#include "storage/json_codec.hpp"
#include "storage/strict_json.hpp"

#include <cctype>
#include <cmath>
#include <cstdio>

#include <nlohmann/json.hpp>

namespace troupe::storage {

namespace {

using json = nlohmann::json;

error refuse(storage_errc code, std::string why) { return make_error(code, std::move(why)); }

result<json> parse_object(std::string_view line) {
  auto parsed = parse_strict(line);
  if (!parsed.problem.empty())
    return refuse(storage_errc::bad_json, parsed.problem);
  auto& j = parsed.value;
  if (!j.is_object())
    return refuse(storage_errc::bad_json, "not a JSON object");
  return j;
}

result<std::string> required_id(const json& j) {
  auto it = j.find("id");
  if (it == j.end())
    return refuse(storage_errc::bad_record, "missing id");
  if (!it->is_string())
    return refuse(storage_errc::bad_record, "id must be a string");
  auto id = it->get<std::string>();
  if (id.empty())
    return refuse(storage_errc::bad_record, "id is empty");
  if (id.find('\0') != std::string::npos) // NUL separates the parts of a key
    return refuse(storage_errc::bad_record, "id contains a NUL character");
  return id;
}

/// The record a line of JSON Lines holds: an object with an id, whose other
/// fields `field(record, key, value)` takes one by one (a null field is
/// absent: SQL's NULL); the first field it refuses refuses the line.
template <class Record, class Field>
result<Record> fields_of(std::string_view line, Field field) {
  auto parsed = parse_object(line);
  if (!parsed)
    return parsed.err();
  auto id = required_id(*parsed);
  if (!id)
    return id.err();
  Record r;
  r.set_id(*id);
  for (auto it = parsed->begin(); it != parsed->end(); ++it) {
    if (it.key() == "id" || it.value().is_null())
      continue;
    if (auto st = field(r, it.key(), it.value()); !st)
      return st.err();
  }
  return r;
}

error wrong_type(const std::string& field, const char* expected, const json& v) {
  return refuse(storage_errc::bad_record,
                "field '" + field + "' must be " + expected + ", not " + v.type_name());
}

status string_list(const std::string& field, const json& v,
                   google::protobuf::RepeatedPtrField<std::string>* out) {
  if (!v.is_array())
    return wrong_type(field, "a list of strings", v);
  for (const auto& item : v) {
    if (!item.is_string())
      return wrong_type(field, "a list of strings", v);
    out->Add(item.get<std::string>());
  }
  return status::success();
}

} // namespace

namespace {

/// The latest event time taken: 9999-12-31T23:59:59.999Z.
constexpr int64_t max_ts_ms = 253'402'300'799'999;

/// A whole number from `lowest` to `highest` (an integer, or a float with
/// no fraction), checked before any conversion: 2^64-1 was stored as -1,
/// and 1e300 as INT64_MIN (a float-to-int cast out of range is undefined).
result<int64_t> whole_in_range(const std::string& key, const json& v, int64_t lowest,
                               int64_t highest) {
  auto out_of_range = [&] {
    return refuse(storage_errc::bad_record, "field '" + key + "' must be a whole number from " +
                                              std::to_string(lowest) + " to " +
                                              std::to_string(highest) + ", not " + v.dump());
  };
  if (v.is_number_unsigned()) {
    auto u = v.get<uint64_t>();
    if (u > static_cast<uint64_t>(highest))
      return out_of_range();
    return static_cast<int64_t>(u);
  }
  if (v.is_number_integer()) {
    auto i = v.get<int64_t>();
    if (i < lowest || i > highest)
      return out_of_range();
    return i;
  }
  if (v.is_number_float()) {
    auto d = v.get<double>();
    if (!std::isfinite(d) || std::floor(d) != d)
      return wrong_type(key, "a whole number", v);
    if (d < static_cast<double>(lowest) || d > static_cast<double>(highest))
      return out_of_range();
    return static_cast<int64_t>(d);
  }
  return wrong_type(key, "a whole number", v);
}

/// Milliseconds since the epoch of an ISO-8601 UTC time
/// (YYYY-MM-DDTHH:MM:SS[.fff]Z, or a date alone), or an error.
result<int64_t> iso_time_ms(const std::string& text) {
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0, ms = 0;
  int used = 0;
  if (std::sscanf(text.c_str(), "%4d-%2d-%2d%n", &y, &mo, &d, &used) != 3 || used != 10)
    return refuse(storage_errc::bad_record,
                  "field 'ts' must be milliseconds or an ISO-8601 UTC time, not '" + text + "'");
  std::string rest = text.substr(10);
  if (!rest.empty()) {
    int n = 0;
    if (std::sscanf(rest.c_str(), "T%2d:%2d:%2d%n", &h, &mi, &s, &n) != 3)
      return refuse(storage_errc::bad_record, "field 'ts': bad time of day in '" + text + "'");
    rest = rest.substr(static_cast<std::size_t>(n));
    if (!rest.empty() && rest[0] == '.') {
      std::size_t i = 1;
      int digits = 0;
      for (; i < rest.size() && std::isdigit(static_cast<unsigned char>(rest[i])); ++i)
        if (digits++ < 3)
          ms = ms * 10 + (rest[i] - '0');
      for (; digits < 3; ++digits)
        ms *= 10;
      rest = rest.substr(i);
    }
    if (rest != "Z" && rest != "+00:00")
      return refuse(storage_errc::bad_record,
                    "field 'ts' must be in UTC (end with Z), not '" + text + "'");
  }
  bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  static const int month_days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (y < 1970 || mo < 1 || mo > 12 || d < 1 ||
      d > month_days[mo - 1] + (mo == 2 && leap ? 1 : 0) || h > 23 || mi > 59 || s > 60)
    return refuse(storage_errc::bad_record, "field 'ts': no such time '" + text + "'");
  // Days from the civil date (proleptic Gregorian), H. Hinnant's formula.
  y -= mo <= 2 ? 1 : 0;
  int era = (y >= 0 ? y : y - 399) / 400;
  int yoe = y - era * 400;
  int doy = (153 * (mo + (mo > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  int64_t days = static_cast<int64_t>(era) * 146097 + doe - 719468;
  return ((days * 24 + h) * 60 + mi) * 60'000 + s * 1000 + ms;
}

} // namespace

result<v1::Event> event_from_json(std::string_view line) {
  auto parsed = parse_object(line);
  if (!parsed)
    return parsed.err();
  const auto& j = *parsed;
  v1::Event e;
  for (auto it = j.begin(); it != j.end(); ++it) {
    const auto& key = it.key();
    const auto& v = it.value();
    if (key == "customer_id" || key == "campaign_id" || key == "type" || key == "id") {
      if (!v.is_string())
        return wrong_type(key, "a string", v);
      auto text = v.get<std::string>();
      if (key != "id" && text.find('\0') != std::string::npos) // NUL separates key parts
        return refuse(storage_errc::bad_record, "field '" + key + "' contains a NUL character");
      if (key == "customer_id")
        e.set_customer_id(text);
      else if (key == "campaign_id")
        e.set_campaign_id(text);
      else if (key == "type")
        e.set_type(text);
      else
        e.set_id(text);
    } else if (key == "ts") {
      if (v.is_number_integer()) {
        auto ms = whole_in_range(key, v, 0, max_ts_ms);
        if (!ms)
          return ms.err();
        e.set_ts_ms(*ms);
      } else if (v.is_string()) {
        auto ms = iso_time_ms(v.get<std::string>());
        if (!ms)
          return ms.err();
        e.set_ts_ms(*ms);
      } else {
        return wrong_type(key, "milliseconds or an ISO-8601 time", v);
      }
    } else {
      return refuse(storage_errc::bad_record, "unknown field '" + key + "'");
    }
  }
  for (const auto& [name, value] : {std::pair{"customer_id", &e.customer_id()},
                                    std::pair{"campaign_id", &e.campaign_id()},
                                    std::pair{"type", &e.type()}})
    if (value->empty())
      return refuse(storage_errc::bad_record, std::string{"missing "} + name);
  if (e.type() != "conversion" && e.type() != "open" && e.type() != "click")
    return refuse(storage_errc::bad_record,
                  "field 'type' must be conversion, open or click, not '" + e.type() + "'");
  if (!j.contains("ts"))
    return refuse(storage_errc::bad_record, "missing ts");
  return e;
}

result<v1::Customer> customer_from_json(std::string_view line) {
  return fields_of<v1::Customer>(line, [](v1::Customer& c, const std::string& key,
                                          const json& v) -> status {
    auto text = [&](void (v1::Customer::*set)(const std::string&)) -> status {
      if (!v.is_string())
        return wrong_type(key, "a string", v);
      (c.*set)(v.get<std::string>());
      return status::success();
    };
    status st;
    if (key == "email") {
      st = text(&v1::Customer::set_email);
    } else if (key == "first_name") {
      st = text(&v1::Customer::set_first_name);
    } else if (key == "region") {
      st = text(&v1::Customer::set_region);
    } else if (key == "last_order_date") {
      st = text(&v1::Customer::set_last_order_date);
    } else if (key == "device") {
      st = text(&v1::Customer::set_device);
    } else if (key == "marketing_opt_in") {
      if (!v.is_boolean())
        st = wrong_type(key, "true or false", v);
      else
        c.set_marketing_opt_in(v.get<bool>());
    } else if (key == "total_order_value" || key == "engagement") {
      if (!v.is_number())
        st = wrong_type(key, "a number", v);
      else if (!std::isfinite(v.get<double>())
               || std::fabs(v.get<double>()) > max_customer_amount)
        st = refuse(storage_errc::bad_record, "field '" + key + "' must be within ±1e15, not " +
                                                v.dump());
      else if (key == "engagement")
        c.set_engagement(v.get<double>());
      else
        c.set_total_order_value(v.get<double>());
    } else if (key == "order_count") {
      auto n = whole_in_range(key, v, 0, max_customer_count);
      if (n)
        c.set_order_count(*n);
      else
        st = n.err();
    } else if (key == "categories") {
      st = string_list(key, v, c.mutable_categories());
    } else {
      auto& attr = (*c.mutable_attributes())[key];
      if (v.is_string())
        attr.set_text(v.get<std::string>());
      else if (v.is_boolean())
        attr.set_flag(v.get<bool>());
      else if (v.is_number())
        attr.set_number(v.get<double>());
      else if (v.is_array())
        st = string_list(key, v, attr.mutable_list()->mutable_items());
      else
        st = wrong_type(key, "a string, number, boolean or list of strings", v);
    }
    return st;
  });
}

result<v1::ContentDocument> document_from_json(std::string_view line) {
  return fields_of<v1::ContentDocument>(line, [](v1::ContentDocument& d, const std::string& key,
                                                 const json& v) -> status {
    if (key == "title" || key == "body") {
      if (!v.is_string())
        return wrong_type(key, "a string", v);
      key == "title" ? d.set_title(v.get<std::string>()) : d.set_body(v.get<std::string>());
    } else if (key == "tags") {
      return string_list(key, v, d.mutable_tags());
    } else if (key == "approved") {
      if (!v.is_boolean())
        return wrong_type(key, "true or false", v);
      d.set_approved(v.get<bool>());
    } else {
      return refuse(storage_errc::bad_record, "unknown field '" + key + "'");
    }
    return status::success();
  });
}

std::string document_to_json(const v1::ContentDocument& d) {
  json j;
  j["id"] = d.id();
  j["title"] = d.title();
  j["body"] = d.body();
  j["tags"] = std::vector<std::string>(d.tags().begin(), d.tags().end());
  j["approved"] = d.approved();
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::string customer_to_json(const v1::Customer& c) {
  json j;
  j["id"] = c.id();
  if (c.has_email()) j["email"] = c.email();
  if (c.has_first_name()) j["first_name"] = c.first_name();
  if (c.has_region()) j["region"] = c.region();
  if (c.has_marketing_opt_in()) j["marketing_opt_in"] = c.marketing_opt_in();
  if (c.has_total_order_value()) j["total_order_value"] = c.total_order_value();
  if (c.has_order_count()) j["order_count"] = c.order_count();
  if (c.has_last_order_date()) j["last_order_date"] = c.last_order_date();
  if (c.categories_size() > 0)
    j["categories"] = std::vector<std::string>(c.categories().begin(), c.categories().end());
  if (c.has_device()) j["device"] = c.device();
  if (c.has_engagement()) j["engagement"] = c.engagement();
  for (const auto& [key, a] : c.attributes()) {
    switch (a.kind_case()) {
      case v1::AttributeValue::kText: j[key] = a.text(); break;
      case v1::AttributeValue::kNumber: j[key] = a.number(); break;
      case v1::AttributeValue::kFlag: j[key] = a.flag(); break;
      case v1::AttributeValue::kList:
        j[key] = std::vector<std::string>(a.list().items().begin(), a.list().items().end());
        break;
      default: break;
    }
  }
  return j.dump();
}

std::string delivery_to_json(const v1::Delivery& d) {
  return json{{"customer_id", d.customer_id()},
              {"campaign_id", d.campaign_id()},
              {"arm", d.arm()},
              {"subject", d.subject()},
              {"body", d.body()},
              {"citations", std::vector<std::string>(d.citations().begin(), d.citations().end())},
              {"generator", d.generator()},
              {"channel", d.channel()},
              {"delivered_at", d.delivered_at_ms()}}
    .dump();
}

std::string dead_letter_to_json(const v1::DeadLetter& d) {
  return json{{"customer_id", d.customer_id()}, {"campaign_id", d.campaign_id()},
              {"stage", d.stage()},             {"reason", d.reason()},
              {"attempts", d.attempts()},       {"failed_at", d.failed_at_ms()}}
    .dump();
}

std::string event_to_json(const v1::Event& e) {
  json out{{"customer_id", e.customer_id()},
           {"campaign_id", e.campaign_id()},
           {"type", e.type()},
           {"ts", e.ts_ms()}};
  if (!e.id().empty())
    out["id"] = e.id();
  return out.dump();
}

} // namespace troupe::storage
