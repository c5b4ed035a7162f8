#pragma once
/// A campaign's `rate_limit` is the campaign's, across the cluster: each
/// member runs its share, the rate times the share of the shards it owns
/// (so two members of 64 shards with 32 each run at half the rate each).
/// The runner sets its bucket again each time it opens a shard, as
/// handoffs change what it owns. Pure, but for the bucket's clock.

#include <cstdint>
#include <optional>

#include "actors/token_bucket.hpp"
#include "sharding/shard_ownership.hpp"

namespace troupe::campaign {

/// `rate` (customers per second over the whole campaign) times the share
/// of `shard_count` shards that `ownership` owns (all of them: null).
double rate_share(double rate, const sharding::shard_ownership* ownership,
                  uint32_t shard_count);

/// Sets `bucket` to `rate` per second (a burst of a tenth of a second, at
/// least 1) unless it already runs at that rate (`current`); none for 0.
void pace(std::optional<actors::token_bucket>& bucket, double& current, double rate);

} // namespace troupe::campaign
