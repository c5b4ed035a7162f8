#pragma once
/// A campaign's own contact policy, over the node's (`--frequency-cap`,
/// `--quiet-hours`):
///
///   "frequency_cap": N      0-1000 messages per customer per channel per
///                           calendar day in the customer's zone, across
///                           the campaigns that count; 0: this campaign is
///                           neither capped nor counted towards others' caps
///   "quiet_hours": "HH:MM-HH:MM" or ""   a triggered campaign's; "": none
///
/// Left out, the node's hold. A cap counts the contacts of the campaigns
/// under a cap (the node's or their own), as Braze's frequency capping
/// counts the campaigns it applies to: one that opts out with 0 is not
/// counted. Errors name the field and the value.

#include <nlohmann/json.hpp>

#include "campaign/runner.hpp"
#include "common/error.hpp"
#include "troupe.pb.h"

namespace troupe::campaign {

inline constexpr const char* contact_field_names[] = {"frequency_cap", "quiet_hours"};
inline constexpr uint32_t max_frequency_cap = 1000;

/// Reads them from the spec object `j` into `spec` (its `kind` already read).
status parse_contact_fields(const nlohmann::json& j, v1::CampaignSpec& spec);

/// The rules a runner of `spec` follows: `node`'s, with the spec's overrides.
contact_rules rules_for(contact_rules node, const v1::CampaignSpec& spec);

} // namespace troupe::campaign
