#include "storage/strict_json.hpp"
#include "campaign/spec.hpp"

#include <set>

#include <nlohmann/json.hpp>

#include "common/identifier.hpp"
#include "campaign/channel_spec.hpp"
#include "campaign/contact_overrides.hpp"
#include "campaign/duration_text.hpp"
#include "campaign/trigger_spec.hpp"
#include "segment/predicate.hpp"

namespace troupe::campaign {

namespace {

using json = nlohmann::json;

error refuse(std::string why) {
  return error{error_domain::actors, 1, "campaign spec: " + std::move(why), false};
}

/// `where` prefixes the field's name in errors ("brief.", "arms[].").
result<std::string> text_field(const json& j, const std::string& name, bool required,
                               const std::string& where = "") {
  auto it = j.find(name);
  if (it == j.end() || it->is_null()) {
    if (required)
      return refuse("missing field '" + where + name + "'");
    return std::string{};
  }
  if (!it->is_string())
    return refuse("field '" + where + name + "' must be a string, not " + it->type_name());
  return it->get<std::string>();
}

status string_list(const json& j, const std::string& name,
                   google::protobuf::RepeatedPtrField<std::string>* out) {
  auto it = j.find(name);
  if (it == j.end() || it->is_null())
    return status::success();
  if (!it->is_array())
    return refuse("field '" + name + "' must be a list of strings");
  for (const auto& v : *it) {
    if (!v.is_string())
      return refuse("field '" + name + "' must be a list of strings");
    out->Add(v.get<std::string>());
  }
  return status::success();
}

status only_known(const json& j, const std::set<std::string>& known, const std::string& where) {
  for (auto it = j.begin(); it != j.end(); ++it)
    if (known.count(it.key()) == 0)
      return refuse("unknown field '" + where + it.key() + "'");
  return status::success();
}

} // namespace

result<v1::CampaignSpec> parse_campaign_spec(const std::string& json_text) {
  auto parsed = storage::parse_strict(json_text);
  if (!parsed.problem.empty())
    return refuse(parsed.problem);
  auto& j = parsed.value;
  if (!j.is_object())
    return refuse("not a JSON object");
  if (auto st = only_known(j, {"id", "name", "brief", "segment", "arms", "citations", "channel",
                               "rate_limit", "window", "webhook_url", "from", "reply_to", "blocklist", "kind",
                               "trigger", "delay", "cancel_on", "reentry", "frequency_cap",
                               "quiet_hours", "attribution_window"},
                           "");
      !st)
    return st.err();
  v1::CampaignSpec spec;
  auto id = text_field(j, "id", true);
  if (!id)
    return id.err();
  if (!valid_identifier(*id))
    return refuse("invalid id '" + *id + "': " + identifier_rule);
  spec.set_id(*id);
  auto name = text_field(j, "name", false);
  if (!name)
    return name.err();
  spec.set_name(name->empty() ? *id : *name);

  auto brief = j.find("brief");
  if (brief == j.end() || !brief->is_object())
    return refuse("missing field 'brief' (an object with product, features, tone, keywords)");
  if (auto st = only_known(*brief, {"product", "features", "tone", "keywords"}, "brief.");
      !st)
    return st.err();
  auto product = text_field(*brief, "product", true, "brief.");
  if (!product)
    return product.err();
  spec.mutable_brief()->set_product(*product);
  auto tone = text_field(*brief, "tone", false, "brief.");
  if (!tone)
    return tone.err();
  spec.mutable_brief()->set_tone(*tone);
  if (auto st = string_list(*brief, "features", spec.mutable_brief()->mutable_features()); !st)
    return st.err();
  if (auto st = string_list(*brief, "keywords", spec.mutable_brief()->mutable_keywords()); !st)
    return st.err();

  if (auto st = parse_trigger_fields(j, spec, segment::max_predicate_depth); !st)
    return st.err();
  if (auto st = parse_contact_fields(j, spec); !st)
    return st.err();
  // A triggered campaign may leave it out: every customer who enters.
  auto segment = text_field(j, "segment", !is_triggered(spec));
  if (!segment)
    return segment.err();
  if (!segment->empty() || !is_triggered(spec)) {
    auto compiled = segment::predicate::compile(*segment);
    if (!compiled)
      return refuse("segment: " + compiled.err().message());
  }
  spec.set_segment(*segment);

  auto arms = j.find("arms");
  if (arms == j.end() || !arms->is_array() || arms->empty())
    return refuse("field 'arms' must be a non-empty list of {name, weight}");
  if (arms->size() > max_arms)
    return refuse("at most " + std::to_string(max_arms) + " arms, not " +
                  std::to_string(arms->size()));
  std::set<std::string> arm_names;
  for (const auto& a : *arms) {
    if (!a.is_object())
      return refuse("every arm is an object {name, weight[, holdout]}");
    if (auto st = only_known(a, {"name", "weight", "holdout"}, "arms[]."); !st)
      return st.err();
    auto arm_name = text_field(a, "name", true, "arms[].");
    if (!arm_name)
      return arm_name.err();
    if (arm_name->empty() || arm_name->size() > max_arm_name_bytes)
      return refuse("an arm's name is 1 to " + std::to_string(max_arm_name_bytes) +
                    " bytes, not " + std::to_string(arm_name->size()));
    if (!arm_names.insert(*arm_name).second)
      return refuse("duplicate arm '" + *arm_name + "'");
    auto w = a.find("weight");
    // Bounded both ways: 1e308 put everyone in one arm, 5e-324 split 367/133.
    if (w == a.end() || !w->is_number() || !(w->get<double>() >= min_arm_weight) ||
        !(w->get<double>() <= max_arm_weight))
      return refuse("arm '" + *arm_name + "': weight must be a number from " +
                    json(min_arm_weight).dump() + " to " + json(max_arm_weight).dump() +
                    (w == a.end() ? std::string{} : ", not " + w->dump()));
    auto* arm = spec.add_arms();
    arm->set_name(*arm_name);
    arm->set_weight(w->get<double>());
    if (auto h = a.find("holdout"); h != a.end() && !h->is_null()) {
      if (!h->is_boolean())
        return refuse("arm '" + *arm_name + "': field 'holdout' must be true or false");
      arm->set_holdout(h->get<bool>());
    }
  }
  bool sends = false;
  for (const auto& arm : spec.arms())
    sends = sends || !arm.holdout();
  if (!sends)
    return refuse("every arm is a holdout: at least one arm must be sent the message");
  if (auto w = j.find("attribution_window"); w != j.end() && !w->is_null()) {
    auto ms = w->is_string() ? parse_duration_ms(w->get<std::string>()) : std::nullopt;
    if (!ms || *ms <= 0)
      return refuse("field 'attribution_window' must be a positive duration, "
                    + std::string{duration_rule} + ", not " + w->dump());
    spec.set_attribution_window_ms(*ms);
  }

  auto number = [&](const char* field, double lowest, double highest, double fallback,
                    bool whole) -> result<double> {
    auto it = j.find(field);
    if (it == j.end() || it->is_null())
      return fallback;
    if (!it->is_number() || (whole && !it->is_number_integer()))
      return refuse(std::string{"field '"} + field + "' must be a "
                    + (whole ? "whole number" : "number") + ", not " + it->dump());
    auto v = it->get<double>();
    if (v < lowest || v > highest)
      return refuse(std::string{"field '"} + field + "' must be between "
                    + std::to_string(static_cast<long long>(lowest)) + " and "
                    + std::to_string(static_cast<long long>(highest)) + ", not " + it->dump());
    return v;
  };
  auto citations = number("citations", 0, 20, default_citations, true);
  if (!citations)
    return citations.err();
  spec.set_citations(static_cast<uint32_t>(*citations));
  auto window = number("window", 1, 100000, default_window, true);
  if (!window)
    return window.err();
  spec.set_window(static_cast<uint32_t>(*window));
  auto rate = number("rate_limit", 0, 1e9, 0, false);
  if (!rate)
    return rate.err();
  spec.set_rate_limit(*rate);

  if (auto st = parse_channel(j, spec); !st)
    return st.err();
  if (auto st = string_list(j, "blocklist", spec.mutable_blocklist()); !st)
    return st.err();
  return spec;
}

} // namespace troupe::campaign
