#include "storage/event_codec.hpp"

#include <cmath>

#include "storage/json_codec.hpp"
#include "storage/json_fields.hpp"

namespace troupe::storage {

namespace {

using namespace json_fields;

status check_type(const std::string& type) {
  if (type.size() > max_event_type_bytes)
    return refuse(storage_errc::bad_record, "field 'type' is longer than "
                                              + std::to_string(max_event_type_bytes) + " bytes");
  bool named = !type.empty() && type[0] >= 'a' && type[0] <= 'z';
  for (char c : type)
    named = named && ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_');
  if (!named)
    return refuse(storage_errc::bad_record,
                  "field 'type' must be a name of lower-case letters, digits and '_' "
                  "beginning with a letter, not " + json(type).dump());
  return status::success();
}

status properties_of(const json& v, v1::Event& e) {
  if (!v.is_object())
    return wrong_type("properties", "an object", v);
  auto& out = *e.mutable_properties();
  for (auto it = v.begin(); it != v.end(); ++it) {
    if (it.value().is_null())
      continue;
    auto name = "properties." + it.key();
    if (auto st = attribute_value(name, it.value(), out[it.key()]); !st)
      return st;
  }
  return status::success();
}

} // namespace

bool is_campaign_response(std::string_view type) {
  return type == "conversion" || type == "open" || type == "click";
}

result<v1::Event> event_from_json(std::string_view line) {
  auto parsed = parse_object(line);
  if (!parsed)
    return parsed.err();
  const auto& j = *parsed;
  v1::Event e;
  for (auto it = j.begin(); it != j.end(); ++it) {
    const auto& key = it.key();
    const auto& v = it.value();
    if (key == "customer_id" || key == "campaign_id" || key == "type" || key == "id"
        || key == "dedup_key") {
      if (!v.is_string())
        return wrong_type(key, "a string", v);
      auto text = v.get<std::string>();
      bool keyed = key == "customer_id" || key == "campaign_id" || key == "type";
      if (keyed && text.find('\0') != std::string::npos) // NUL separates key parts
        return refuse(storage_errc::bad_record, "field '" + key + "' contains a NUL character");
      if (key == "customer_id")
        e.set_customer_id(text);
      else if (key == "campaign_id")
        e.set_campaign_id(text);
      else if (key == "type")
        e.set_type(text);
      else if (key == "id")
        e.set_id(text);
      else
        e.set_dedup_key(text);
    } else if (key == "ts") {
      auto ms = time_ms(key, v);
      if (!ms)
        return ms.err();
      e.set_ts_ms(*ms);
    } else if (key == "properties") {
      if (auto st = properties_of(v, e); !st)
        return st.err();
    } else if (key == "value") {
      if (!v.is_number())
        return wrong_type(key, "a number", v);
      auto x = v.get<double>();
      if (!(std::fabs(x) <= max_customer_amount))
        return refuse(storage_errc::bad_record,
                      "field 'value' must be within +-1e15, not " + v.dump());
      e.set_value(x);
    } else {
      return refuse(storage_errc::bad_record, "unknown field '" + key + "'");
    }
  }
  if (e.customer_id().empty())
    return refuse(storage_errc::bad_record, "missing customer_id");
  if (e.type().empty())
    return refuse(storage_errc::bad_record, "missing type");
  if (auto st = check_type(e.type()); !st)
    return st.err();
  if (is_campaign_response(e.type()) && e.campaign_id().empty())
    return refuse(storage_errc::bad_record,
                  "missing campaign_id (a '" + e.type() + "' is a response to a campaign)");
  if (!j.contains("ts"))
    return refuse(storage_errc::bad_record, "missing ts");
  if (e.has_value() && e.type() != "conversion")
    return refuse(storage_errc::bad_record,
                  "field 'value' is for a conversion (what it was worth), not a '" + e.type()
                    + "'");
  return e;
}

std::string event_to_json(const v1::Event& e) {
  json out{{"customer_id", e.customer_id()}, {"type", e.type()}, {"ts", e.ts_ms()}};
  if (!e.campaign_id().empty())
    out["campaign_id"] = e.campaign_id();
  if (!e.id().empty())
    out["id"] = e.id();
  if (!e.dedup_key().empty())
    out["dedup_key"] = e.dedup_key();
  if (!e.properties().empty()) {
    json props = json::object();
    for (const auto& [k, v] : e.properties())
      props[k] = attribute_json(v);
    out["properties"] = std::move(props);
  }
  if (e.has_value())
    out["value"] = e.value();
  return out.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::string profile_to_json(const v1::Profile& p) {
  json out = json::object();
  for (const auto& [type, s] : p.events()) {
    json props = json::object();
    for (const auto& [k, v] : s.last_properties())
      props[k] = attribute_json(v);
    json stats{{"count", s.count()}, {"properties", std::move(props)}};
    put_time(stats, "first_at", s.first_ms());
    put_time(stats, "last_at", s.last_ms());
    out[type] = std::move(stats);
  }
  return out.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::string pending_send_to_json(const v1::PendingSend& p) {
  json j{{"campaign_id", p.campaign_id()},
         {"customer_id", p.customer_id()},
         {"occurrence", p.occurrence()}};
  put_time(j, "due_at", p.due_ms());
  put_time(j, "event_at", p.event_ms());
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::string entries_to_json(const v1::JourneyEntries& e) {
  json j{{"campaign_id", e.campaign_id()},
         {"customer_id", e.customer_id()},
         {"count", e.count()},
         {"dedup_keys", std::vector<std::string>(e.dedup_keys().begin(), e.dedup_keys().end())}};
  put_time(j, "last_at", e.last_ms());
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

} // namespace troupe::storage
