#include "cluster/replica_lag.hpp"

namespace troupe::cluster {

lag_table replica_lag(const sharding::placement_map& map, const records_lookup& at) {
  lag_table out(map.shard_count());
  for (uint32_t s = 0; s < map.shard_count(); ++s) {
    const auto& p = map.shards[s];
    auto primary = p.primary.empty() ? std::nullopt : at(p.primary, s);
    for (auto& r : p.replicas) {
      auto replica = at(r.node, s);
      if (!primary || !replica)
        out[s].push_back(-1);
      else
        out[s].push_back(*primary > *replica ? static_cast<int64_t>(*primary - *replica) : 0);
    }
  }
  return out;
}

uint64_t lag_behind(const sharding::placement_map& map, const lag_table& lag,
                    const std::string& primary) {
  uint64_t sum = 0;
  for (uint32_t s = 0; s < map.shard_count() && s < lag.size(); ++s)
    if (map.shards[s].primary == primary)
      for (auto l : lag[s])
        sum += l > 0 ? static_cast<uint64_t>(l) : 0;
  return sum;
}

} // namespace troupe::cluster
