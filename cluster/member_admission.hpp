#pragma once
/// Which member messages this node takes, and from whom: pure rules over
/// what the node knows (its `roster`: the view it holds, with each
/// member's CAF node id, and the shards it expects a member to stream
/// here) and who sent a message (its `sender`: the role the peer directory
/// gives it, its CAF node). Each check answers "" to accept, or the reason
/// to refuse, a metric label of `troupe_refused_messages_total{reason}`.
/// The member gateway (runtime/member_gateway.cpp) applies them to every
/// member message; tests/member_admission_test.cpp walks every case.
///
///   any message      the sender has a member role (node, or open when
///                    authentication is off) and is a live member of the
///                    view this node read from etcd (or this node itself);
///                    a peer nobody authenticated is refused (this
///                    alone for this node's part of a command, and for
///                    the corpus question before a copy)
///   heartbeat        and about itself (its id, its own member gateway)
///   handover         from the leader, a primary switch of a shard this
///                    node is the primary of, to an in-sync replica
///   handoff batch    of a shard this node is an out-of-sync replica of,
///                    from that shard's primary (a catch-up)
///   shard batch      of a shard this node is a replica of, from that
///                    shard's primary, at the shard's epoch (a batch at
///                    another epoch only learns which way the maps differ)
///   drain            of this node

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cluster/cluster_view.hpp"
#include "sharding/placement_plan.hpp"
#include "trust/role.hpp"

namespace troupe::cluster::admission {

/// Why a message was refused (metric labels).
namespace reason {
inline constexpr std::string_view unknown_peer = "unknown_peer";     ///< nobody authenticated it
inline constexpr std::string_view not_node_role = "not_node_role";   ///< a shell's role
inline constexpr std::string_view not_a_member = "not_a_member";     ///< not in this node's view
inline constexpr std::string_view impersonation = "impersonation";   ///< names another member or node
inline constexpr std::string_view not_from_leader = "not_from_leader";
inline constexpr std::string_view unexpected_handover = "unexpected_handover";
inline constexpr std::string_view unexpected_handoff = "unexpected_handoff";
inline constexpr std::string_view unexpected_replication = "unexpected_replication";
inline constexpr std::string_view not_this_node = "not_this_node";   ///< a drain of another member
inline constexpr std::string_view wrong_shard_count = "wrong_shard_count"; ///< a list not one per shard
} // namespace reason

/// What this node knows when it judges a message. Published by the cluster
/// actor with the member handles; plain data.
struct roster {
  std::string self;        ///< this node's member id
  bool in_cluster = false; ///< it read a view from etcd: the rest is filled
  std::string leader;
  std::map<std::string, std::string> nodes; ///< live member id -> its CAF node id
  sharding::placement_map map;
};

/// The roster of a node in a cluster: `view` as `self` holds it.
roster roster_of(const cluster_view& view, const std::string& self);

/// Who sent a message.
struct sender {
  std::optional<trust::role> role; ///< nullopt: no peer the directory knows
  std::string node;                ///< its CAF node id (caf::to_string)
  bool local = false;              ///< this node's own actors
};

/// "" (accepted) or the reason to refuse.
using verdict = std::string_view;

/// The member `s` is in `r`'s view (this node itself when local); nullopt if none.
std::optional<std::string> member_of(const roster& r, const sender& s);

/// Any member message: the sender is a member.
verdict check_member(const roster& r, const sender& s);
/// (heartbeat_atom, from, version, customers, records, member): about the
/// sender itself, with one record count per shard of the map.
verdict check_heartbeat(const roster& r, const sender& s, const std::string& from,
                        const std::string& admin_node, std::size_t shards);
/// (handover_atom, change): leader -> the shard's primary.
verdict check_handover(const roster& r, const sender& s, const sharding::placement_change& c);
/// (handoff_atom, shard, bytes): the shard's primary -> a new replica.
verdict check_batch(const roster& r, const sender& s, uint32_t shard);
/// (replicate_atom, shard, epoch, bytes): the shard's primary -> a replica.
/// At another epoch than the roster's, any member may ask (the answer is
/// only stale or future epoch; nothing is written).
verdict check_replicate(const roster& r, const sender& s, uint32_t shard, uint64_t epoch);
/// (drain_atom, id): a member asks this node to leave.
verdict check_drain(const roster& r, const sender& s, const std::string& id);

} // namespace troupe::cluster::admission
