#pragma once
/// The membership rules, pure functions over the view (no actors, no
/// clock): how a node forms a cluster alone or resumes the one it saved,
/// whom it joins through, whom the leader admits, who leads when a member
/// is lost and what becomes of that member, which members a node connects
/// to, and where a node stands in a view it is given. The cluster actor
/// (cluster/cluster_actor.cpp) applies them; tests/membership_test.cpp
/// walks every case.
///
///   member states (cluster/cluster_view.hpp):
///
///        admit            drain (leader)          lose, shards gone
///   ---------> up ----------------------> leaving ------------------> (removed)
///              |  ^                          |
///         lose |  | admit (rejoin)      lose | (shards left)
///              v  |                          v
///              down <------------------------+
///
/// Only the leader (the up or leaving member with the lowest seq) changes
/// the view; a member that loses its leader takes over if it is the next
/// oldest reachable one.

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "cluster/cluster_view.hpp"
#include "common/error.hpp"

namespace troupe::cluster::membership {

/// The view of a cluster this node forms alone: the `saved` one resumed
/// (every other member down, this one up at its current address, a new seq
/// if it was not in it), else a new one with every shard on this node.
/// This node leads either way. The version is the saved one's: the caller
/// publishes (bumps) it.
cluster_view form(const std::optional<cluster_view>& saved, member_info self,
                  uint32_t shard_count);

/// The addresses ("HOST:PORT") to join through: `seeds` if given, else the
/// other members of the saved view.
std::vector<std::string> join_addresses(const std::vector<std::string>& seeds,
                                        const std::optional<cluster_view>& saved,
                                        const std::string& self);

/// True when this node should form (or resume) a cluster instead of trying
/// to join: it knows nobody, or — without --seeds — it tried every member
/// of its saved view once and none answered.
bool should_form(bool seeds_given, std::size_t addresses, std::size_t failed_joins);

/// A member the leader admitted, and whether it was in the view before.
struct admission {
  cluster_view view;  ///< with the member up and a new seq; version not bumped
  bool rejoined = false;
};

/// The leader `leader` admits `m`, or refuses it for good:
/// shard_count_mismatch (its data dir has another shard count) or
/// refused_join (it claims the leader's own id).
result<admission> admit(const cluster_view& view, member_info m, const std::string& leader);

/// What `self` does when member `id` cannot be reached, given the other
/// members it cannot reach either (`unreachable`). The leader marks `id`
/// down, or removes it when it was leaving with no shard left; a member
/// that lost its leader takes over (and then does the same) when it is the
/// next oldest one reachable; anyone else, or a member already down or
/// unknown, changes nothing (nullopt). The version is not bumped.
std::optional<cluster_view> lose(const cluster_view& view, const std::string& self,
                                 const std::string& id,
                                 const std::set<std::string>& unreachable);

/// Whether `incoming` may replace `current`: only a newer version
/// (stale_view otherwise).
status check_newer(const cluster_view& current, const cluster_view& incoming);

/// Where this node stands in a view it adopted.
enum class standing {
  member,  ///< joining, up or leaving: it stays
  down,    ///< the leader marked it down: it joins again
  removed, ///< not in the view: it joins again, unless it left after a drain
};
standing standing_of(const cluster_view& view, const std::string& self);

/// The members `self` opens a connection to: the older ones (lower seq)
/// that are not down, every one but itself while it is not in the view.
/// A newer member is never connected to: it connects here (one connection
/// per pair; see cluster/README.md).
std::vector<std::string> connect_to(const cluster_view& view, const std::string& self);

/// True once `self` is leaving and has handed off every shard (the map
/// gives it none and it streams none): it may stop.
bool drained(const cluster_view& view, const std::string& self, bool streaming);

/// Which shards the map gives `self` (as their primary), by shard.
std::vector<bool> owned_by(const sharding::shard_map& map, const std::string& self);

/// How many members are in each state (for the metrics).
struct state_counts {
  std::size_t joining = 0, up = 0, leaving = 0, down = 0;
};
state_counts count_states(const cluster_view& view);

} // namespace troupe::cluster::membership
