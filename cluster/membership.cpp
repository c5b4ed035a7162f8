#include "cluster/membership.hpp"

#include <algorithm>

#include "cluster/cluster_errc.hpp"

namespace troupe::cluster::membership {

cluster_view form(const std::optional<cluster_view>& saved, member_info self,
                  uint32_t shard_count) {
  self.state = member_state::up;
  cluster_view view;
  if (saved) {
    view = *saved;
    for (auto& m : view.members)
      if (m.id != self.id)
        m.state = member_state::down;
    if (auto* mine = view.find(self.id)) {
      mine->host = self.host;
      mine->port = self.port;
      mine->node = self.node;
      mine->state = member_state::up;
    } else {
      self.seq = view.next_seq++;
      view.members.push_back(self);
    }
  } else {
    self.seq = 0;
    view.members = {self};
    view.next_seq = 1;
    view.map = sharding::initial_shard_map(shard_count, self.id);
  }
  view.leader = self.id;
  return view;
}

std::vector<std::string> join_addresses(const std::vector<std::string>& seeds,
                                        const std::optional<cluster_view>& saved,
                                        const std::string& self) {
  if (!seeds.empty())
    return seeds;
  std::vector<std::string> out;
  if (saved)
    for (auto& m : saved->members)
      if (m.id != self)
        out.push_back(m.address());
  return out;
}

bool should_form(bool seeds_given, std::size_t addresses, std::size_t failed_joins) {
  return addresses == 0 || (!seeds_given && failed_joins >= addresses);
}

result<admission> admit(const cluster_view& view, member_info m, const std::string& leader) {
  auto shards = view.map.shard_count();
  if (m.shard_count != shards)
    return make_error(cluster_errc::shard_count_mismatch,
                      "node " + m.id + " has " + std::to_string(m.shard_count)
                        + " shards in its data dir; the cluster has " + std::to_string(shards)
                        + " shards: start it on a new data dir with --shards "
                        + std::to_string(shards));
  if (m.id == leader)
    return make_error(cluster_errc::refused_join, "node id " + m.id + " is the leader's own id");
  admission out{view, false};
  m.state = member_state::up;
  m.seq = out.view.next_seq++;
  if (auto* known = out.view.find(m.id)) {
    out.rejoined = true;
    *known = std::move(m);
  } else {
    out.view.members.push_back(std::move(m));
  }
  return out;
}

std::optional<cluster_view> lose(const cluster_view& view, const std::string& self,
                                 const std::string& id,
                                 const std::set<std::string>& unreachable) {
  auto* m = view.find(id);
  if (m == nullptr || m->state == member_state::down || id == self)
    return std::nullopt;
  cluster_view next = view;
  if (view.leader != self) {
    if (id != view.leader)
      return std::nullopt;
    auto gone = unreachable;
    gone.insert(id);
    auto successor = view.successor(gone);
    if (!successor || *successor != self)
      return std::nullopt;
    next.leader = self;
  }
  if (m->state == member_state::leaving && view.map.shards_of(id).empty()) {
    next.members.erase(std::remove_if(next.members.begin(), next.members.end(),
                                      [&](auto& x) { return x.id == id; }),
                       next.members.end());
  } else {
    next.find(id)->state = member_state::down;
  }
  return next;
}

status check_newer(const cluster_view& current, const cluster_view& incoming) {
  if (incoming.version <= current.version)
    return make_error(cluster_errc::stale_view,
                      "view " + std::to_string(incoming.version) + " is not newer than view "
                        + std::to_string(current.version));
  return status::success();
}

standing standing_of(const cluster_view& view, const std::string& self) {
  auto* me = view.find(self);
  if (me == nullptr)
    return standing::removed;
  return me->state == member_state::down ? standing::down : standing::member;
}

std::vector<std::string> connect_to(const cluster_view& view, const std::string& self) {
  auto* me = view.find(self);
  std::vector<std::string> out;
  for (auto& m : view.members) {
    if (m.id == self || m.state == member_state::down)
      continue;
    if (me != nullptr && m.seq > me->seq)
      continue;
    out.push_back(m.id);
  }
  return out;
}

bool drained(const cluster_view& view, const std::string& self, bool streaming) {
  auto* me = view.find(self);
  return me != nullptr && me->state == member_state::leaving && !streaming
         && view.map.shards_of(self).empty();
}

std::vector<bool> owned_by(const sharding::shard_map& map, const std::string& self) {
  std::vector<bool> owned(map.shard_count(), false);
  for (uint32_t s = 0; s < map.shard_count(); ++s)
    owned[s] = map.primary(s) == self;
  return owned;
}

state_counts count_states(const cluster_view& view) {
  state_counts c;
  for (auto& m : view.members) {
    if (m.state == member_state::joining)
      ++c.joining;
    else if (m.state == member_state::up)
      ++c.up;
    else if (m.state == member_state::leaving)
      ++c.leaving;
    else
      ++c.down;
  }
  return c;
}

} // namespace troupe::cluster::membership
