#include "storage/json_codec.hpp"

#include <cmath>

#include <nlohmann/json.hpp>

namespace troupe::storage {

namespace {

using json = nlohmann::json;

error refuse(storage_errc code, std::string why) { return make_error(code, std::move(why)); }

result<json> parse_object(std::string_view line) {
  json j = json::parse(line.begin(), line.end(), nullptr, false);
  if (j.is_discarded())
    return refuse(storage_errc::bad_json, "not valid JSON");
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
  return id;
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

result<v1::Customer> customer_from_json(std::string_view line) {
  auto parsed = parse_object(line);
  if (!parsed)
    return parsed.err();
  const auto& j = *parsed;
  auto id = required_id(j);
  if (!id)
    return id.err();
  v1::Customer c;
  c.set_id(*id);
  for (auto it = j.begin(); it != j.end(); ++it) {
    const auto& key = it.key();
    const auto& v = it.value();
    if (key == "id" || v.is_null())
      continue; // null: the field is absent (NULL)
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
      else if (key == "engagement")
        c.set_engagement(v.get<double>());
      else
        c.set_total_order_value(v.get<double>());
    } else if (key == "order_count") {
      if (v.is_number_integer())
        c.set_order_count(v.get<int64_t>());
      else if (v.is_number_float() && std::floor(v.get<double>()) == v.get<double>())
        c.set_order_count(static_cast<int64_t>(v.get<double>()));
      else
        st = wrong_type(key, "a whole number", v);
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
    if (!st)
      return st.err();
  }
  return c;
}

result<v1::ContentDocument> document_from_json(std::string_view line) {
  auto parsed = parse_object(line);
  if (!parsed)
    return parsed.err();
  const auto& j = *parsed;
  auto id = required_id(j);
  if (!id)
    return id.err();
  v1::ContentDocument d;
  d.set_id(*id);
  for (auto it = j.begin(); it != j.end(); ++it) {
    const auto& key = it.key();
    const auto& v = it.value();
    if (key == "id" || v.is_null())
      continue;
    if (key == "title" || key == "body") {
      if (!v.is_string())
        return wrong_type(key, "a string", v);
      key == "title" ? d.set_title(v.get<std::string>()) : d.set_body(v.get<std::string>());
    } else if (key == "tags") {
      if (auto st = string_list(key, v, d.mutable_tags()); !st)
        return st.err();
    } else if (key == "approved") {
      if (!v.is_boolean())
        return wrong_type(key, "true or false", v);
      d.set_approved(v.get<bool>());
    } else {
      return refuse(storage_errc::bad_record, "unknown field '" + key + "'");
    }
  }
  return d;
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

} // namespace troupe::storage
