#pragma once
/// Inside the cluster actor (not for other folders): its state, a plain
/// struct, and the steps its source files share. The rules these steps
/// apply are pure and live in cluster/membership, cluster/peers,
/// cluster/shard_work and sharding/placement_plan; the steps add what only
/// an actor can do (send, monitor, spawn, save).
///
///   cluster_actor.cpp   the behavior; the view adopted, saved and served
///   cluster_links.cpp   connections, heartbeats
///   cluster_copies.cpp  catch-ups, handovers, drains, old copies deleted

#include <map>
#include <optional>
#include <string>

#include "cluster/cluster_actor.hpp"
#include "cluster/peers.hpp"
#include "cluster/shard_work.hpp"

namespace troupe::cluster {

/// How long a connection to a member may take to open.
inline constexpr auto connect_timeout = std::chrono::seconds(5);
/// How long a request handed on to another member may take.
inline constexpr auto forward_timeout = std::chrono::seconds(30);

struct cluster_state {
  cluster_config cfg;
  cluster_view view;
  bool joined = false;      ///< a view adopted and the lease held (always, solo)
  bool solo = false;        ///< no etcd: a cluster of one
  caf::actor agent;         ///< with etcd: this node's agent
  bool leading = false;     ///< the agent holds the leader key
  /// The map this node acted on last (loaded from the store at start):
  /// an older one from etcd is never adopted.
  uint64_t acted_on = 0;
  peer_table peers;
  shard_work work;
  bool drained_told = false;
  /// No catch-up starts before the view holds at least this map (the one a
  /// catch-up's own change made: the view before it would copy again).
  uint64_t settled = 0;
  /// Shards sealed for a catch-up or a handover whose map change is made:
  /// unsealed once the view this node serves by holds that map (shard ->
  /// its version). Unsealed before, a write would go by the map before the
  /// change (say, past a replica just marked in sync).
  std::map<uint32_t, uint64_t> unseal_at;
  std::string last_refusal; ///< logged once until it changes
  /// Why the last connection to each member failed (logged once each).
  std::map<std::string, std::string> connect_errors;
  /// The members connected (authenticated), for the agent's plan.
  std::shared_ptr<actors::handle_slot<std::shared_ptr<const std::set<std::string>>>> reachable =
    std::make_shared<actors::handle_slot<std::shared_ptr<const std::set<std::string>>>>();
};

using self_ptr = cluster_actor::stateful_pointer<cluster_state>;

/// The behavior (spawn_cluster_actor runs it detached).
cluster_actor::behavior_type cluster_behavior(self_ptr self, cluster_config cfg);

/// An operator's `shard promote SHARD NODE --force`: `id` becomes the
/// primary of a shard whose primary is not live, whatever its copy holds
/// (see cluster_copies.cpp).
caf::result<std::string> force_promote(self_ptr self, uint32_t shard, const std::string& id);

/// Unseals the shards of `unseal_at` the view's map has reached.
void unseal_settled(self_ptr self);

/// Sends `xs...` to another member's member gateway (dynamically typed,
/// which a typed actor's own send() refuses), with this actor as the sender.
template <class... Ts>
void tell(self_ptr self, const caf::actor& dest, Ts&&... xs) {
  caf::send_as(caf::actor_cast<caf::actor>(self), dest, std::forward<Ts>(xs)...);
}

// -- cluster_actor.cpp --
member_info self_info(self_ptr self);
caf::actor own_admin(self_ptr self);
void count_sent(self_ptr self);
void count_received(self_ptr self);
/// The members, shard owners and roster as this node knows them now.
member_handles handles_of(self_ptr self);
/// Shares them with the member and shell gateways.
void publish_members(self_ptr self);

// -- cluster_links.cpp --
/// Takes a member's member gateway (from its heartbeat).
void attach_peer(self_ptr self, const std::string& id, caf::actor admin);
/// Connects to the older members this node has no connection to; forgets
/// the members that are not live any more.
void connect_members(self_ptr self);
/// Heartbeats every connected member.
void heartbeat(self_ptr self);
/// A member's heartbeat arrived.
void on_heartbeat(self_ptr self, const std::string& from, uint64_t version,
                  uint64_t customers, std::vector<uint64_t> records, caf::actor admin);
/// Each replica's lag as this node knows it (cluster/replica_lag.hpp).
std::vector<std::vector<int64_t>> lag_of(self_ptr self);

// -- cluster_copies.cpp --
/// Starts the catch-ups due (this node leads the shard, the map added a replica).
void start_catch_ups(self_ptr self);
/// A catch-up ended: on success the agent marks the replica in sync (and,
/// with factor 1, makes it the primary and drops this copy).
void caught(self_ptr self, const catch_up& c, bool ok, const std::string& reason);
/// The leader asks for a primary switch: to this node's copy, or handed on.
void hand_over(self_ptr self, const sharding::placement_change& change);
/// This node leaves (its agent marks it leaving), or the drain is handed
/// on to the member named.
caf::result<std::string> drain(self_ptr self, const std::string& id);
/// Sealed for a handover (or not): the agent switches the primary.
void sealed(self_ptr self, const sharding::placement_change& change, bool ok);
/// Tells the node once it has left after a drain.
void maybe_drained(self_ptr self);

} // namespace troupe::cluster
