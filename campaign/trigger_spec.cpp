#include "campaign/trigger_spec.hpp"

#include "campaign/duration_text.hpp"
#include "segment/predicate.hpp"
#include "storage/event_codec.hpp"

namespace troupe::campaign {

namespace {

using json = nlohmann::json;

error refuse(std::string why) {
  return error{error_domain::actors, 1, "campaign spec: " + std::move(why), false};
}

/// An event type named by field `field`: a string the events would have.
result<std::string> event_type(const json& v, const std::string& field) {
  if (!v.is_string())
    return refuse("field '" + field + "' must be an event type (a string), not "
                  + v.type_name());
  auto type = v.get<std::string>();
  auto probe = storage::event_from_json(json{{"customer_id", "c"}, {"type", type}, {"ts", 0},
                                             {"campaign_id", "k"}}
                                          .dump());
  if (!probe)
    return refuse("field '" + field + "': " + probe.err().message());
  return type;
}

result<int64_t> duration(const json& v, const std::string& field) {
  auto ms = v.is_string() ? parse_duration_ms(v.get<std::string>()) : std::nullopt;
  if (!ms)
    return refuse("field '" + field + "' must be " + duration_rule + ", not " + v.dump());
  return *ms;
}

} // namespace

status parse_trigger_fields(const json& j, v1::CampaignSpec& spec, int max_predicate_depth) {
  auto kind = j.find("kind");
  std::string k = "batch";
  if (kind != j.end() && !kind->is_null()) {
    if (!kind->is_string() || (*kind != "batch" && *kind != "triggered"))
      return refuse("field 'kind' must be \"batch\" or \"triggered\", not " + kind->dump());
    k = kind->get<std::string>();
  }
  spec.set_kind(k);
  if (k == "batch") {
    for (const char* name : trigger_field_names)
      if (std::string{name} != "kind" && j.contains(name))
        return refuse("field '" + std::string{name}
                      + "' is for a triggered campaign (set \"kind\": \"triggered\")");
    return status::success();
  }

  auto trigger = j.find("trigger");
  if (trigger == j.end() || !trigger->is_object())
    return refuse("a triggered campaign needs field 'trigger': {\"event\": TYPE, \"where\": "
                  "PREDICATE}");
  for (auto it = trigger->begin(); it != trigger->end(); ++it)
    if (it.key() != "event" && it.key() != "where")
      return refuse("unknown field 'trigger." + it.key() + "'");
  auto event = trigger->find("event");
  if (event == trigger->end())
    return refuse("missing field 'trigger.event'");
  auto type = event_type(*event, "trigger.event");
  if (!type)
    return type.err();
  spec.mutable_trigger()->set_event(*type);
  if (auto where = trigger->find("where"); where != trigger->end() && !where->is_null()) {
    if (!where->is_string())
      return refuse("field 'trigger.where' must be a predicate (a string), not "
                    + std::string{where->type_name()});
    auto compiled = segment::predicate::compile(where->get<std::string>(), max_predicate_depth);
    if (!compiled)
      return refuse("trigger.where: " + compiled.err().message());
    spec.mutable_trigger()->set_where(where->get<std::string>());
  }

  if (auto delay = j.find("delay"); delay != j.end() && !delay->is_null()) {
    auto ms = duration(*delay, "delay");
    if (!ms)
      return ms.err();
    spec.set_delay_ms(*ms);
  }
  if (auto cancel = j.find("cancel_on"); cancel != j.end() && !cancel->is_null()) {
    auto t = event_type(*cancel, "cancel_on");
    if (!t)
      return t.err();
    if (*t == spec.trigger().event())
      return refuse("field 'cancel_on' is the trigger's own event '" + *t
                    + "': every entry would cancel itself");
    spec.set_cancel_on(*t);
  }
  spec.set_reentry(v1::REENTRY_ONCE);
  if (auto re = j.find("reentry"); re != j.end() && !re->is_null()) {
    if (*re == "once") {
      spec.set_reentry(v1::REENTRY_ONCE);
    } else if (*re == "per_dedup_key") {
      spec.set_reentry(v1::REENTRY_PER_DEDUP_KEY);
    } else if (re->is_object() && re->size() == 1 && re->contains("after")) {
      auto ms = duration((*re)["after"], "reentry.after");
      if (!ms)
        return ms.err();
      spec.set_reentry(v1::REENTRY_AFTER);
      spec.set_reentry_after_ms(*ms);
    } else {
      return refuse("field 'reentry' must be \"once\", \"per_dedup_key\" or {\"after\": "
                    "DURATION}, not " + re->dump());
    }
  }
  return status::success();
}

} // namespace troupe::campaign
