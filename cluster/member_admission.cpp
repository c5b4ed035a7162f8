#include "cluster/member_admission.hpp"

namespace troupe::cluster::admission {

namespace {

verdict check_role(const sender& s) {
  if (!s.role)
    return reason::unknown_peer;
  if (!trust::is_member(*s.role))
    return reason::not_node_role;
  return {};
}

bool is_member_id(const roster& r, const std::string& id) {
  return r.nodes.count(id) != 0;
}

/// The owner of `shard` in `r`, "" when the shard is out of range or has none.
std::string owner_of(const roster& r, uint32_t shard) {
  return shard < r.primary.size() ? r.primary[shard] : std::string{};
}

/// The member check, then: the sender is `r`'s leader.
verdict check_from_leader(const roster& r, const sender& s) {
  if (auto v = check_member(r, s); !v.empty())
    return v;
  if (member_of(r, s) != r.leader)
    return reason::not_from_leader;
  return {};
}

/// The member check, then: this node leads.
verdict check_at_leader(const roster& r, const sender& s) {
  if (auto v = check_member(r, s); !v.empty())
    return v;
  if (r.leader != r.self)
    return reason::not_leader;
  return {};
}

/// Outside a cluster: only the view of a join under way (led by its
/// sender, with this node in it) is taken; the cluster actor adopts none
/// before its join is answered.
verdict check_joining_view(const roster& r, const sender& s, const cluster_view& incoming) {
  auto* leader = incoming.find(incoming.leader);
  if (leader == nullptr || leader->node != s.node || incoming.find(r.self) == nullptr)
    return reason::not_a_member;
  return {};
}

} // namespace

roster roster_of(const cluster_view& view, const std::string& self,
                 std::map<uint32_t, std::string> incoming) {
  roster r;
  r.self = self;
  r.in_cluster = true;
  r.version = view.version;
  r.leader = view.leader;
  for (auto& m : view.members)
    r.nodes[m.id] = m.node;
  r.primary.reserve(view.map.shard_count());
  for (uint32_t s = 0; s < view.map.shard_count(); ++s)
    r.primary.push_back(view.map.primary(s));
  r.incoming = std::move(incoming);
  return r;
}

std::optional<std::string> member_of(const roster& r, const sender& s) {
  if (s.local)
    return r.self;
  if (s.node.empty())
    return std::nullopt;
  for (auto& [id, node] : r.nodes)
    if (node == s.node)
      return id;
  return std::nullopt;
}

verdict check_member(const roster& r, const sender& s) {
  if (auto v = check_role(s); !v.empty())
    return v;
  if (!member_of(r, s))
    return reason::not_a_member;
  return {};
}

verdict check_join(const roster& r, const sender& s, const member_info& m,
                   const std::string& admin_node) {
  if (auto v = check_role(s); !v.empty())
    return v;
  if (member_of(r, s))
    return {}; // a member hands a join on to its leader (or rejoins)
  if (m.node != s.node || admin_node != s.node)
    return reason::impersonation;
  return {};
}

verdict check_heartbeat(const roster& r, const sender& s, const std::string& from,
                        const std::string& admin_node) {
  if (auto v = check_member(r, s); !v.empty())
    return v;
  if (member_of(r, s) != from || admin_node != s.node)
    return reason::impersonation;
  return {};
}

verdict check_view(const roster& r, const sender& s, const cluster_view& incoming) {
  if (auto v = check_role(s); !v.empty())
    return v;
  if (!r.in_cluster)
    return check_joining_view(r, s, incoming);
  auto who = member_of(r, s);
  if (!who)
    return reason::not_a_member;
  if (incoming.version < r.version)
    return reason::stale_view;
  if (*who == r.leader)
    return {};
  // A member that lost the leader and took over: membership::lose.
  if (incoming.version > r.version && incoming.leader == *who)
    return {};
  return reason::not_from_leader;
}

verdict check_handoff_order(const roster& r, const sender& s, const sharding::shard_move& move) {
  if (auto v = check_from_leader(r, s); !v.empty())
    return v;
  if (move.from != r.self || owner_of(r, move.shard) != r.self || move.to == r.self
      || !is_member_id(r, move.to))
    return reason::unexpected_handoff;
  return {};
}

verdict check_incoming(const roster& r, const sender& s, const sharding::shard_move& move,
                       uint64_t version) {
  if (auto v = check_from_leader(r, s); !v.empty())
    return v;
  if (version != r.version)
    return reason::stale_view;
  if (move.to != r.self || move.from == r.self || owner_of(r, move.shard) != move.from
      || !is_member_id(r, move.from))
    return reason::unexpected_handoff;
  return {};
}

verdict check_batch(const roster& r, const sender& s, uint32_t shard) {
  if (auto v = check_member(r, s); !v.empty())
    return v;
  auto expected = r.incoming.find(shard);
  if (expected == r.incoming.end() || member_of(r, s) != expected->second
      || owner_of(r, shard) != expected->second)
    return reason::unexpected_handoff;
  return {};
}

verdict check_moved(const roster& r, const sender& s, const sharding::shard_move& move) {
  if (auto v = check_at_leader(r, s); !v.empty())
    return v;
  if (member_of(r, s) != move.from)
    return reason::not_from_owner;
  return {};
}

verdict check_drain(const roster& r, const sender& s) {
  return check_at_leader(r, s);
}

} // namespace troupe::cluster::admission
