#include "cluster/cluster_view.hpp"

namespace troupe::cluster {

member_info* cluster_view::find(const std::string& id) {
  for (auto& m : members)
    if (m.id == id)
      return &m;
  return nullptr;
}

const member_info* cluster_view::find(const std::string& id) const {
  return const_cast<cluster_view*>(this)->find(id);
}

std::optional<std::size_t> cluster_view::position(const std::string& id) const {
  for (std::size_t i = 0; i < members.size(); ++i)
    if (members[i].id == id)
      return i;
  return std::nullopt;
}

std::set<std::string> cluster_view::live() const {
  std::set<std::string> out;
  for (auto& m : members)
    out.insert(m.id);
  return out;
}

std::vector<shard_row> shard_rows(const cluster_view& view,
                                  const std::vector<std::vector<int64_t>>& lag) {
  std::vector<shard_row> out;
  for (uint32_t s = 0; s < view.map.shard_count(); ++s) {
    const auto& p = view.map.shards[s];
    shard_row r;
    r.shard = s;
    r.epoch = p.epoch;
    r.primary = p.primary;
    r.available = !p.primary.empty() && view.find(p.primary) != nullptr;
    for (std::size_t i = 0; i < p.replicas.size(); ++i) {
      const auto& rep = p.replicas[i];
      r.replicas.push_back(rep.node);
      if (rep.in_sync)
        r.in_sync.push_back(rep.node);
      r.lag.push_back(s < lag.size() && i < lag[s].size() ? lag[s][i] : -1);
    }
    out.push_back(std::move(r));
  }
  return out;
}

cluster_view solo_view(const member_info& self, uint32_t shard_count) {
  cluster_view view;
  view.leader = self.id;
  view.members.push_back(self);
  view.members.back().state = member_state::up;
  view.map = sharding::initial_placement(shard_count, self.id, 1);
  return view;
}

} // namespace troupe::cluster
