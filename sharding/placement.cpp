#include "sharding/placement.hpp"

#include <algorithm>

namespace troupe::sharding {

bool placement::holds(const std::string& node) const {
  if (node.empty())
    return false;
  if (primary == node)
    return true;
  return std::any_of(replicas.begin(), replicas.end(),
                     [&](const replica& r) { return r.node == node; });
}

bool placement::in_sync(const std::string& node) const {
  if (node.empty())
    return false;
  if (primary == node)
    return true;
  return std::any_of(replicas.begin(), replicas.end(),
                     [&](const replica& r) { return r.node == node && r.in_sync; });
}

std::size_t placement::copies_in_sync() const {
  auto n = static_cast<std::size_t>(
    std::count_if(replicas.begin(), replicas.end(), [](const replica& r) { return r.in_sync; }));
  return n + (primary.empty() ? 0 : 1);
}

std::size_t placement::copies() const { return replicas.size() + (primary.empty() ? 0 : 1); }

const std::string& placement_map::primary(uint32_t shard) const {
  static const std::string none;
  return shard < shards.size() ? shards[shard].primary : none;
}

std::vector<uint32_t> placement_map::primaries_of(const std::string& node) const {
  std::vector<uint32_t> out;
  for (uint32_t s = 0; s < shard_count(); ++s)
    if (!node.empty() && shards[s].primary == node)
      out.push_back(s);
  return out;
}

std::vector<uint32_t> placement_map::replicas_of(const std::string& node) const {
  std::vector<uint32_t> out;
  for (uint32_t s = 0; s < shard_count(); ++s)
    if (shards[s].holds(node) && shards[s].primary != node)
      out.push_back(s);
  return out;
}

std::map<std::string, uint32_t> placement_map::primary_counts() const {
  std::map<std::string, uint32_t> out;
  for (auto& p : shards)
    if (!p.primary.empty())
      ++out[p.primary];
  return out;
}

std::map<std::string, uint32_t> placement_map::copy_counts() const {
  std::map<std::string, uint32_t> out;
  for (auto& p : shards) {
    if (!p.primary.empty())
      ++out[p.primary];
    for (auto& r : p.replicas)
      ++out[r.node];
  }
  return out;
}

placement_map initial_placement(uint32_t shard_count, const std::string& node, uint32_t factor) {
  placement_map map;
  map.version = 1;
  map.factor = factor;
  map.shards.assign(shard_count, placement{1, node, {}});
  return map;
}

std::optional<std::string> problem_of(const placement_map& map) {
  if (map.factor == 0)
    return "the replication factor is 0";
  for (uint32_t s = 0; s < map.shard_count(); ++s) {
    const auto& p = map.shards[s];
    auto where = "shard " + std::to_string(s) + ": ";
    for (auto& r : p.replicas)
      if (p.primary.empty() && r.in_sync)
        return where + "an in-sync replica without a primary";
    std::set<std::string> seen;
    if (!p.primary.empty())
      seen.insert(p.primary);
    for (auto& r : p.replicas) {
      if (r.node.empty())
        return where + "a replica with no node name";
      if (!seen.insert(r.node).second)
        return where + "node " + r.node + " holds two copies";
    }
  }
  return std::nullopt;
}

placement_health health_of(const placement_map& map, const std::set<std::string>& live) {
  placement_health h;
  for (auto& p : map.shards) {
    if (p.primary.empty() || live.count(p.primary) == 0) {
      ++h.unavailable;
      ++h.under_replicated;
      continue;
    }
    uint32_t in_sync = 1;
    for (auto& r : p.replicas)
      if (r.in_sync && live.count(r.node) > 0)
        ++in_sync;
    if (in_sync < map.factor)
      ++h.under_replicated;
  }
  return h;
}

} // namespace troupe::sharding
