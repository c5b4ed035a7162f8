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

} // namespace

roster roster_of(const cluster_view& view, const std::string& self) {
  roster r;
  r.self = self;
  r.in_cluster = true;
  r.leader = view.leader;
  for (auto& m : view.members)
    r.nodes[m.id] = m.node;
  r.map = view.map;
  return r;
}

std::optional<std::string> member_of(const roster& r, const sender& s) {
  if (s.local)
    return r.self;
  if (s.node.empty())
    return std::nullopt;
  for (auto& [id, node] : r.nodes)
    if (node == s.node && id != r.self)
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

verdict check_heartbeat(const roster& r, const sender& s, const std::string& from,
                        const std::string& admin_node, std::size_t shards) {
  if (auto v = check_member(r, s); !v.empty())
    return v;
  if (member_of(r, s) != from || admin_node != s.node)
    return reason::impersonation;
  if (shards != r.map.shard_count())
    return reason::wrong_shard_count;
  return {};
}

verdict check_handover(const roster& r, const sender& s, const sharding::placement_change& c) {
  if (auto v = check_member(r, s); !v.empty())
    return v;
  if (member_of(r, s) != r.leader)
    return reason::not_from_leader;
  if (c.kind != sharding::change_kind::switch_primary || c.shard >= r.map.shard_count())
    return reason::unexpected_handover;
  const auto& p = r.map.shards[c.shard];
  if (p.primary != r.self || p.epoch != c.epoch || c.node == r.self || !p.in_sync(c.node))
    return reason::unexpected_handover;
  return {};
}

verdict check_batch(const roster& r, const sender& s, uint32_t shard) {
  if (auto v = check_member(r, s); !v.empty())
    return v;
  if (shard >= r.map.shard_count())
    return reason::unexpected_handoff;
  const auto& p = r.map.shards[shard];
  if (member_of(r, s) != p.primary || !p.holds(r.self) || p.in_sync(r.self))
    return reason::unexpected_handoff;
  return {};
}

verdict check_replicate(const roster& r, const sender& s, uint32_t shard, uint64_t epoch) {
  if (auto v = check_member(r, s); !v.empty())
    return v;
  if (shard >= r.map.shard_count())
    return reason::unexpected_replication;
  const auto& p = r.map.shards[shard];
  if (epoch != p.epoch)
    return {};
  if (member_of(r, s) != p.primary || p.primary == r.self || !p.holds(r.self))
    return reason::unexpected_replication;
  return {};
}

verdict check_drain(const roster& r, const sender& s, const std::string& id) {
  if (auto v = check_member(r, s); !v.empty())
    return v;
  if (id != r.self)
    return reason::not_this_node;
  return {};
}

} // namespace troupe::cluster::admission
