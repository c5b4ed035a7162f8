#include "cluster/peers.hpp"

#include "cluster/membership.hpp"

namespace troupe::cluster {

caf::actor peer_table::admin_of(const std::string& id) const {
  auto it = peers_.find(id);
  return it == peers_.end() ? caf::actor{} : it->second.admin;
}

std::optional<caf::actor> peer_table::attach(const std::string& id, caf::actor admin,
                                             clock_type::time_point now) {
  auto& p = peers_[id];
  if (p.admin == admin)
    return std::nullopt;
  auto old = std::move(p.admin);
  p.admin = std::move(admin);
  p.connecting = false;
  p.heard = false;
  p.last_heard = now;
  p.records.clear(); // a new process's counts come with its heartbeats
  return old;
}

caf::actor peer_table::detach(const std::string& id) {
  auto& p = peers_[id];
  auto old = std::move(p.admin);
  p.admin = nullptr;
  p.connecting = false;
  p.heard = false;
  p.records.clear(); // not known while it is gone: no stale lag
  return old;
}

void peer_table::heard(const std::string& id, uint64_t customers, clock_type::time_point now) {
  auto& p = peers_[id];
  p.heard = true;
  p.last_heard = now;
  p.customers = customers;
}

std::optional<std::string> peer_table::owner_of(const caf::actor_addr& addr) const {
  for (auto& [id, p] : peers_)
    if (p.admin && p.admin.address() == addr)
      return id;
  return std::nullopt;
}

std::set<std::string> peer_table::unreachable() const {
  std::set<std::string> out;
  for (auto& [id, p] : peers_)
    if (!p.admin)
      out.insert(id);
  return out;
}

std::vector<std::pair<std::string, caf::actor>> peer_table::connected() const {
  std::vector<std::pair<std::string, caf::actor>> out;
  for (auto& [id, p] : peers_)
    if (p.admin)
      out.emplace_back(id, p.admin);
  return out;
}

std::vector<node_row> peer_table::rows(const cluster_view& view, const std::string& self,
                                       uint64_t self_customers,
                                       clock_type::time_point now) const {
  using std::chrono::duration_cast;
  using std::chrono::milliseconds;
  auto counts = view.map.primary_counts();
  auto copies = view.map.copy_counts();
  std::vector<node_row> out;
  for (auto& m : view.members) {
    node_row r;
    r.id = m.id;
    r.address = m.address();
    r.state = m.state;
    r.shards = counts[m.id];
    r.replicas = copies[m.id] - r.shards;
    r.leader = m.id == view.leader;
    if (m.id == self) {
      r.customers = self_customers;
      r.last_heartbeat_ms = 0;
    } else if (auto it = peers_.find(m.id); it != peers_.end() && it->second.heard) {
      r.customers = it->second.customers;
      r.last_heartbeat_ms = duration_cast<milliseconds>(now - it->second.last_heard).count();
    }
    out.push_back(std::move(r));
  }
  for (auto& id : membership::missing_members(view)) {
    node_row r;
    r.id = id;
    r.state = member_state::down;
    r.shards = counts[id];
    r.replicas = copies[id] - r.shards;
    out.push_back(std::move(r));
  }
  return out;
}

member_handles peer_table::handles(const cluster_view& view, const std::string& self) const {
  member_handles h;
  h.self = self;
  for (auto& m : view.members) {
    if (m.id == self)
      continue;
    if (auto admin = admin_of(m.id))
      h.peers.emplace_back(m.id, std::move(admin));
    else if (auto shards = view.map.primaries_of(m.id); !shards.empty())
      h.unreachable[m.id] = std::move(shards);
  }
  for (auto& id : membership::missing_members(view))
    if (auto shards = view.map.primaries_of(id); !shards.empty())
      h.unreachable[id] = std::move(shards);
  auto n = view.map.shard_count();
  h.primary.resize(n);
  h.primary_admin.resize(n);
  for (uint32_t s = 0; s < n; ++s) {
    h.primary[s] = view.map.primary(s);
    if (h.primary[s] != self)
      h.primary_admin[s] = admin_of(h.primary[s]);
  }
  return h;
}

member_handles peer_table::self_only(const std::string& self, uint32_t shard_count) {
  member_handles h;
  h.self = self;
  h.primary.assign(shard_count, self);
  h.primary_admin.assign(shard_count, caf::actor{});
  return h;
}

} // namespace troupe::cluster
