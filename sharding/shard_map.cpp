#include "sharding/shard_map.hpp"

#include <algorithm>

namespace troupe::sharding {

const std::string& shard_map::primary(uint32_t shard) const {
  static const std::string none;
  if (shard >= owners.size() || owners[shard].empty())
    return none;
  return owners[shard].front();
}

std::vector<uint32_t> shard_map::shards_of(const std::string& node) const {
  std::vector<uint32_t> out;
  for (uint32_t s = 0; s < shard_count(); ++s)
    if (primary(s) == node)
      out.push_back(s);
  return out;
}

std::map<std::string, uint32_t> shard_map::counts() const {
  std::map<std::string, uint32_t> out;
  for (uint32_t s = 0; s < shard_count(); ++s)
    if (!primary(s).empty())
      ++out[primary(s)];
  return out;
}

shard_map initial_shard_map(uint32_t shard_count, const std::string& node) {
  shard_map map;
  map.version = 1;
  map.owners.assign(shard_count, std::vector<std::string>{node});
  return map;
}

std::optional<shard_move> next_move(const shard_map& map,
                                    const std::vector<std::string>& receivers,
                                    const std::set<std::string>& leaving) {
  if (receivers.empty())
    return std::nullopt;
  auto counts = map.counts();
  auto load = [&](const std::string& node) {
    auto i = counts.find(node);
    return i == counts.end() ? 0u : i->second;
  };
  // The least loaded receiver, the earliest joined on ties.
  auto least = [&] {
    return *std::min_element(receivers.begin(), receivers.end(),
                             [&](const auto& a, const auto& b) { return load(a) < load(b); });
  };
  for (uint32_t s = 0; s < map.shard_count(); ++s) {
    const auto& owner = map.primary(s);
    if (owner.empty() || leaving.count(owner) > 0)
      return shard_move{s, owner, least()};
  }
  auto most = *std::max_element(receivers.begin(), receivers.end(),
                                [&](const auto& a, const auto& b) { return load(a) < load(b); });
  auto target = least();
  if (load(most) <= load(target) + 1)
    return std::nullopt;
  auto shards = map.shards_of(most);
  return shard_move{shards.back(), most, target};
}

shard_map apply_move(shard_map map, const shard_move& move) {
  auto& owners = map.owners.at(move.shard);
  if (owners.empty())
    owners.push_back(move.to);
  else
    owners.front() = move.to;
  // The new primary is not also a replica of the same shard.
  owners.erase(std::remove(owners.begin() + 1, owners.end(), move.to), owners.end());
  ++map.version;
  return map;
}

} // namespace troupe::sharding
