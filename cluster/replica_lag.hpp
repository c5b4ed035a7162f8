#pragma once
/// How far each replica of each shard is behind its primary, in records:
/// the primary's applied record count (storage/shard_position: the ops of
/// every batch up to its applied position) less the replica's. Each member
/// says its counts in its heartbeats, so a lag is as of the last heartbeat
/// of each side (in-sync replicas are written synchronously: their lag is
/// the batches in flight, 0 when writes stop). A replica still copying the
/// shard reports the position of its copy only once it ends; until then it
/// counts as the whole shard behind, or as unknown before it says anything.
///
/// Pure: the records come from a lookup; any thread.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "sharding/placement.hpp"

namespace troupe::cluster {

/// What `node`'s store applied of `shard`, or nullopt when not known.
using records_lookup =
  std::function<std::optional<uint64_t>(const std::string& node, uint32_t shard)>;

/// `lag[shard][i]`: replica i of the shard, in the map's order; -1 where
/// either side's count is not known. A replica ahead of its primary (a
/// batch the primary never acknowledged) counts 0.
using lag_table = std::vector<std::vector<int64_t>>;

lag_table replica_lag(const sharding::placement_map& map, const records_lookup& at);

/// The lag of every replica of the shards `primary` leads, summed (unknown
/// ones left out): what `troupe_replica_lag_records` shows on that member.
uint64_t lag_behind(const sharding::placement_map& map, const lag_table& lag,
                    const std::string& primary);

} // namespace troupe::cluster
