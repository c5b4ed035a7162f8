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
///                    authentication is off); a peer nobody authenticated
///                    is refused
///   join             from any such peer; one that is not a member joins
///                    for itself (the member and admin actor it names are
///                    on its own node); a member may hand a join on
///   everything else  from a member of the view this node holds (any
///                    state), or from this node itself
///   heartbeat        and about itself (its id, its own admin actor)
///   view push        never older than this node's view; from its leader,
///                    or a newer view whose leader is the sender (a member
///                    that took over). Outside a cluster, only the view of a
///                    join under way: led by the sender, with this node in it
///   handoff order    from the leader; the shard is this node's, the move
///                    from here to another member
///   incoming move    from the leader, of this view's version; the shard
///                    the sender's map gives another member, to come here
///   handoff batch    of a shard this node expects, from the member it
///                    expects it from, still that shard's owner
///   moved, drain     at the leader only; moved from the move's old owner

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cluster/cluster_view.hpp"
#include "sharding/shard_map.hpp"
#include "trust/role.hpp"

namespace troupe::cluster::admission {

/// Why a message was refused (metric labels).
namespace reason {
inline constexpr std::string_view unknown_peer = "unknown_peer";     ///< nobody authenticated it
inline constexpr std::string_view not_node_role = "not_node_role";   ///< a shell's role
inline constexpr std::string_view not_a_member = "not_a_member";     ///< not in this node's view
inline constexpr std::string_view impersonation = "impersonation";   ///< names another member or node
inline constexpr std::string_view stale_view = "stale_view";         ///< an older view version
inline constexpr std::string_view not_from_leader = "not_from_leader";
inline constexpr std::string_view not_leader = "not_leader";         ///< only the leader takes it
inline constexpr std::string_view unexpected_handoff = "unexpected_handoff";
inline constexpr std::string_view not_from_owner = "not_from_owner"; ///< a move's report
} // namespace reason

/// What this node knows when it judges a message. Published by the cluster
/// actor with the member handles; plain data.
struct roster {
  std::string self;        ///< this node's member id
  bool in_cluster = false; ///< joined (or formed) a cluster: the rest is filled
  uint64_t version = 0;
  std::string leader;
  std::map<std::string, std::string> nodes; ///< member id -> its CAF node id, every member
  std::vector<std::string> primary;         ///< per shard: its owner
  std::map<uint32_t, std::string> incoming; ///< shard -> the member to stream it here
};

/// The roster of a node in a cluster: `view` as `self` holds it, and the
/// moves the leader told it to expect.
roster roster_of(const cluster_view& view, const std::string& self,
                 std::map<uint32_t, std::string> incoming);

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

/// Any member message but a join: the sender is a member.
verdict check_member(const roster& r, const sender& s);
/// (join_atom, m, admin): `admin_node` is the admin actor's CAF node.
verdict check_join(const roster& r, const sender& s, const member_info& m,
                   const std::string& admin_node);
verdict check_heartbeat(const roster& r, const sender& s, const std::string& from,
                        const std::string& admin_node);
verdict check_view(const roster& r, const sender& s, const cluster_view& incoming);
/// (handoff_atom, move): leader -> old owner.
verdict check_handoff_order(const roster& r, const sender& s, const sharding::shard_move& move);
/// (incoming_atom, move, version): leader -> new owner, before the order.
verdict check_incoming(const roster& r, const sender& s, const sharding::shard_move& move,
                       uint64_t version);
/// (handoff_atom, shard, bytes): old -> new owner.
verdict check_batch(const roster& r, const sender& s, uint32_t shard);
/// (moved_atom, move, ok, reason): old owner -> leader.
verdict check_moved(const roster& r, const sender& s, const sharding::shard_move& move);
/// (drain_atom, id): a member hands a drain on to the leader.
verdict check_drain(const roster& r, const sender& s);

} // namespace troupe::cluster::admission
