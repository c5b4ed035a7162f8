#pragma once
/// A campaign's status from its persisted state and counters: what a
/// runner answers while it lives, and the manager from the store afterwards.

#include <functional>
#include <memory>

#include "campaign/counters.hpp"
#include "campaign/status.hpp"
#include "common/error.hpp"
#include "sharding/shard_ownership.hpp"
#include "storage/store.hpp"
#include "troupe.pb.h"

namespace troupe::campaign {

/// The status of `state` with counters `c`; the rate runs to `now_ms`
/// while the campaign is not finished.
campaign_status status_of(const v1::CampaignState& state, const campaign_counters& c,
                          int64_t now_ms);

/// The shards a node counts: those it is the primary of (a replica's copy
/// of a checkpoint is its primary's to count). Empty: every shard.
using shard_filter = std::function<bool(uint32_t shard)>;

/// The shards `ownership` gives this node (null: every shard).
shard_filter owned_shards(std::shared_ptr<sharding::shard_ownership> ownership);

/// The sum of a campaign's shard checkpoints (of the shards `counts` takes).
result<campaign_counters> stored_counters(const storage::store& db, const std::string& id,
                                          const shard_filter& counts = {});

/// The status of a campaign from the store alone (state + checkpoints of
/// the shards `counts` takes).
result<campaign_status> stored_status(const storage::store& db, const v1::CampaignState& state,
                                      const shard_filter& counts = {});

/// Milliseconds since the epoch, by the system clock.
int64_t wall_clock_ms();

} // namespace troupe::campaign
