#include "cluster/cluster_view.hpp"

#include <algorithm>

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

std::vector<std::string> cluster_view::receivers() const {
  std::vector<const member_info*> up;
  for (auto& m : members)
    if (m.state == member_state::up)
      up.push_back(&m);
  std::sort(up.begin(), up.end(), [](auto* a, auto* b) { return a->seq < b->seq; });
  std::vector<std::string> out;
  for (auto* m : up)
    out.push_back(m->id);
  return out;
}

std::set<std::string> cluster_view::leaving() const {
  std::set<std::string> out;
  for (auto& m : members)
    if (m.state == member_state::leaving)
      out.insert(m.id);
  return out;
}

std::optional<std::string> cluster_view::successor(const std::set<std::string>& gone) const {
  const member_info* best = nullptr;
  for (auto& m : members)
    if ((m.state == member_state::up || m.state == member_state::leaving)
        && gone.count(m.id) == 0 && (best == nullptr || m.seq < best->seq))
      best = &m;
  if (best == nullptr)
    return std::nullopt;
  return best->id;
}

v1::ClusterView to_record(const cluster_view& view) {
  v1::ClusterView r;
  r.set_version(view.version);
  r.set_leader(view.leader);
  r.set_next_seq(view.next_seq);
  for (auto& m : view.members) {
    auto* rm = r.add_members();
    rm->set_id(m.id);
    rm->set_host(m.host);
    rm->set_port(m.port);
    rm->set_state(m.state);
    rm->set_seq(m.seq);
  }
  r.set_map_version(view.map.version);
  for (auto& owners : view.map.owners) {
    auto* s = r.add_shards();
    for (auto& n : owners)
      s->add_nodes(n);
  }
  return r;
}

cluster_view from_record(const v1::ClusterView& r) {
  cluster_view view;
  view.version = r.version();
  view.leader = r.leader();
  view.next_seq = r.next_seq();
  for (auto& rm : r.members()) {
    member_info m;
    m.id = rm.id();
    m.host = rm.host();
    m.port = static_cast<uint16_t>(rm.port());
    m.state = rm.state();
    m.seq = rm.seq();
    view.members.push_back(std::move(m));
  }
  view.map.version = r.map_version();
  for (auto& s : r.shards())
    view.map.owners.emplace_back(s.nodes().begin(), s.nodes().end());
  return view;
}

} // namespace troupe::cluster
