#pragma once
/// A campaign's status from its persisted state and counters: what a
/// runner answers while it lives, and the manager from the store afterwards.

#include "campaign/counters.hpp"
#include "campaign/status.hpp"
#include "common/error.hpp"
#include "storage/store.hpp"
#include "troupe.pb.h"

namespace troupe::campaign {

/// The status of `state` with counters `c`; the rate runs to `now_ms`
/// while the campaign is not finished.
campaign_status status_of(const v1::CampaignState& state, const campaign_counters& c,
                          int64_t now_ms);

/// The sum of a campaign's shard checkpoints.
result<campaign_counters> stored_counters(const storage::store& db, const std::string& id);

/// The status of a campaign from the store alone (state + checkpoints).
result<campaign_status> stored_status(const storage::store& db, const v1::CampaignState& state);

/// Milliseconds since the epoch, by the system clock.
int64_t wall_clock_ms();

} // namespace troupe::campaign
