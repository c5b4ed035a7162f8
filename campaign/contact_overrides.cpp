#include "campaign/contact_overrides.hpp"

#include "campaign/trigger_spec.hpp"
#include "contact_policy/quiet_hours.hpp"

namespace troupe::campaign {

namespace {

using json = nlohmann::json;

error refuse(std::string why) {
  return error{error_domain::actors, 1, "campaign spec: " + std::move(why), false};
}

} // namespace

status parse_contact_fields(const json& j, v1::CampaignSpec& spec) {
  if (auto cap = j.find("frequency_cap"); cap != j.end() && !cap->is_null()) {
    if (!cap->is_number_integer() || cap->get<int64_t>() < 0
        || cap->get<int64_t>() > max_frequency_cap)
      return refuse("field 'frequency_cap' must be a whole number from 0 to "
                    + std::to_string(max_frequency_cap) + ", not " + cap->dump());
    spec.set_frequency_cap(static_cast<uint32_t>(cap->get<int64_t>()));
  }
  if (auto quiet = j.find("quiet_hours"); quiet != j.end() && !quiet->is_null()) {
    if (!is_triggered(spec))
      return refuse("field 'quiet_hours' is for a triggered campaign: a batch campaign sends "
                    "when it runs (set \"kind\": \"triggered\")");
    if (!quiet->is_string())
      return refuse("field 'quiet_hours' must be \"HH:MM-HH:MM\" or \"\", not " + quiet->dump());
    auto parsed = contact_policy::quiet_hours::parse(quiet->get<std::string>());
    if (!parsed)
      return refuse("field 'quiet_hours': " + parsed.err().message());
    spec.set_quiet_hours(quiet->get<std::string>());
  }
  return status::success();
}

contact_rules rules_for(contact_rules node, const v1::CampaignSpec& spec) {
  if (spec.has_frequency_cap())
    node.frequency_cap = spec.frequency_cap();
  if (spec.has_quiet_hours())
    if (auto quiet = contact_policy::quiet_hours::parse(spec.quiet_hours()); quiet)
      node.quiet = *quiet; // parsed when the spec was: a stored one that no longer parses keeps the node's
  return node;
}

} // namespace troupe::campaign
