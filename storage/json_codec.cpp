#include "storage/json_codec.hpp"

#include <cmath>

#include "contact_policy/time_zone.hpp"
#include "storage/json_fields.hpp"

namespace troupe::storage {

namespace {

using namespace json_fields;

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

} // namespace

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
    } else if (key == contact_policy::timezone_attribute) {
      // An attribute the contact policy reads: an IANA zone, checked here.
      if (!v.is_string())
        st = wrong_type(key, "an IANA time zone name", v);
      else if (auto z = contact_policy::time_zone::find(v.get<std::string>()); !z)
        st = refuse(storage_errc::bad_record, "field '" + key + "': " + z.err().message());
      else
        (*c.mutable_attributes())[key].set_text(v.get<std::string>());
    } else {
      st = attribute_value(key, v, (*c.mutable_attributes())[key]);
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
  for (const auto& [key, a] : c.attributes())
    j[key] = attribute_json(a);
  return j.dump();
}

std::string delivery_to_json(const v1::Delivery& d) {
  json j{{"customer_id", d.customer_id()},
         {"campaign_id", d.campaign_id()},
         {"arm", d.arm()},
         {"subject", d.subject()},
         {"body", d.body()},
         {"citations", std::vector<std::string>(d.citations().begin(), d.citations().end())},
         {"generator", d.generator()},
         {"channel", d.channel()}};
  put_time(j, "delivered_at", d.delivered_at_ms());
  if (!d.occurrence().empty()) { // a triggered campaign's: which entry, and its event's time
    j["occurrence"] = d.occurrence();
    put_time(j, "event_at", d.event_ms());
  }
  return j.dump();
}

std::string dead_letter_to_json(const v1::DeadLetter& d) {
  json out{{"customer_id", d.customer_id()}, {"campaign_id", d.campaign_id()},
            {"stage", d.stage()},             {"reason", d.reason()},
            {"attempts", d.attempts()}};
  put_time(out, "failed_at", d.failed_at_ms());
  if (!d.occurrence().empty()) {
    out["occurrence"] = d.occurrence();
    put_time(out, "event_at", d.event_ms());
  }
  return out.dump();
}

} // namespace troupe::storage
