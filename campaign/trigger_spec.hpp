#pragma once
/// The fields of a triggered campaign's spec (`"kind": "triggered"`):
///
///   "trigger":   {"event": TYPE, "where": PREDICATE}   the event type that
///                starts a customer's journey, and optionally a predicate in
///                the segment language over the event's properties
///   "delay":     "0s" (default), "30m", "2d"           from the event's time
///   "cancel_on": TYPE                                  an event of this type
///                cancels the customer's pending send
///   "reentry":   "once" (default), "per_dedup_key",    whether a customer
///                or {"after": "7d"}                    enters again
///
/// A batch campaign (`"kind": "batch"`, the default) with one of them is
/// refused, naming it; errors name the field and the value.

#include <nlohmann/json.hpp>

#include "common/error.hpp"
#include "troupe.pb.h"

namespace troupe::campaign {

/// The spec's fields a triggered campaign adds.
inline constexpr const char* trigger_field_names[] = {"kind", "trigger", "delay", "cancel_on",
                                                      "reentry"};

/// Reads them from the spec object `j` into `spec`; `max_predicate_depth`
/// bounds the `where` predicate's nesting.
status parse_trigger_fields(const nlohmann::json& j, v1::CampaignSpec& spec,
                            int max_predicate_depth);

/// True for a campaign that customers enter by an event.
inline bool is_triggered(const v1::CampaignSpec& spec) { return spec.kind() == "triggered"; }

} // namespace troupe::campaign
