#pragma once
/// A campaign as the operator writes it (JSON, like the reference workload's
/// campaign.json), validated into a v1::CampaignSpec. Every refusal names
/// the field and the offending value: an unknown field, a missing id, a
/// weight out of range, an empty or duplicate arm name, too many arms, a predicate that does not
/// compile (with its position).

#include <string>

#include "common/error.hpp"
#include "troupe.pb.h"

namespace troupe::campaign {

/// Defaults of the optional fields.
inline constexpr uint32_t default_citations = 3;
inline constexpr uint32_t default_window = 256;

/// Limits of the arms: how many, a name's length, a weight's range.
inline constexpr size_t max_arms = 100;
/// A conversion counts for a customer within this long after the message
/// unless the spec's `attribution_window` says otherwise.
inline constexpr int64_t default_attribution_window_ms = int64_t{7} * 24 * 3600 * 1000;

/// The spec's attribution window, or the default.
inline int64_t attribution_window_of(const v1::CampaignSpec& spec) {
  return spec.attribution_window_ms() > 0 ? spec.attribution_window_ms()
                                          : default_attribution_window_ms;
}
inline constexpr size_t max_arm_name_bytes = 64;
inline constexpr double min_arm_weight = 1e-6;
inline constexpr double max_arm_weight = 1e6;

result<v1::CampaignSpec> parse_campaign_spec(const std::string& json_text);

} // namespace troupe::campaign
