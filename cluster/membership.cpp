#include "cluster/membership.hpp"

#include <set>

#include "sharding/placement_plan.hpp"

namespace troupe::cluster::membership {

std::vector<std::string> connect_to(const cluster_view& view, const std::string& self) {
  std::vector<std::string> out;
  auto mine = view.position(self);
  for (std::size_t i = 0; i < view.members.size(); ++i) {
    const auto& m = view.members[i];
    if (m.id == self)
      continue;
    if (!mine || i < *mine)
      out.push_back(m.id);
  }
  return out;
}

std::vector<bool> owned_by(const sharding::placement_map& map, const std::string& self) {
  std::vector<bool> owned(map.shard_count(), false);
  for (auto s : map.primaries_of(self))
    owned[s] = true;
  return owned;
}

bool drained(const cluster_view& view, const std::string& self, bool busy) {
  auto* me = view.find(self);
  return me != nullptr && me->state == member_state::leaving && !busy
         && sharding::drained(view.map, self);
}

std::vector<std::string> missing_members(const cluster_view& view) {
  std::set<std::string> named;
  for (auto& p : view.map.shards) {
    if (!p.primary.empty())
      named.insert(p.primary);
    for (auto& r : p.replicas)
      named.insert(r.node);
  }
  std::vector<std::string> out;
  for (auto& n : named)
    if (view.find(n) == nullptr)
      out.push_back(n);
  return out;
}

state_counts count_states(const cluster_view& view) {
  state_counts c;
  for (auto& m : view.members)
    (m.state == member_state::leaving ? c.leaving : c.up) += 1;
  c.down = missing_members(view).size();
  return c;
}

} // namespace troupe::cluster::membership
