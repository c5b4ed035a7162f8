#include "cluster/shard_work.hpp"

namespace troupe::cluster {

std::vector<catch_up> shard_work::due(const cluster_view& view, const std::string& self,
                                      std::size_t limit, clock_type::time_point now) const {
  std::vector<catch_up> out;
  auto running = running_.size();
  for (auto s : view.map.primaries_of(self)) {
    if (running + out.size() >= limit)
      break;
    if (running_.count(s) > 0 || handovers_.count(s) > 0)
      continue;
    const auto& p = view.map.shards[s];
    for (auto& r : p.replicas) {
      if (r.in_sync || view.find(r.node) == nullptr)
        continue;
      auto failed = failed_.find({s, r.node});
      if (failed != failed_.end() && now - failed->second < retry_after_)
        continue;
      out.push_back({s, r.node, p.epoch});
      break; // one stream per shard at a time
    }
  }
  return out;
}

void shard_work::started(const catch_up& c) { running_[c.shard] = c; }

uint64_t shard_work::due_since(const catch_up& c, uint64_t version) {
  return due_since_.emplace(std::make_pair(c.shard, c.to), version).first->second;
}

void shard_work::finished(const catch_up& c, bool ok, clock_type::time_point now) {
  running_.erase(c.shard);
  if (ok) {
    failed_.erase({c.shard, c.to});
    due_since_.erase({c.shard, c.to});
  }
  else
    failed_[{c.shard, c.to}] = now;
}

void shard_work::handover(uint32_t shard, bool under_way) {
  if (under_way)
    handovers_.insert(shard);
  else
    handovers_.erase(shard);
}

void shard_work::holding(const sharding::placement_map& map, const std::string& self) {
  for (uint32_t s = 0; s < map.shard_count(); ++s)
    if (map.shards[s].holds(self))
      held_.insert(s);
}

std::vector<uint32_t> shard_work::to_erase(const sharding::placement_map& map,
                                           const std::string& self) {
  std::vector<uint32_t> out;
  for (auto s : held_) {
    if (s >= map.shard_count() || map.shards[s].holds(self))
      continue;
    if (running_.count(s) > 0 || handovers_.count(s) > 0 || erasing_.count(s) > 0)
      continue;
    erasing_.insert(s);
    out.push_back(s);
  }
  return out;
}

void shard_work::erased(uint32_t shard, bool ok) {
  erasing_.erase(shard);
  if (ok)
    held_.erase(shard);
}

} // namespace troupe::cluster
