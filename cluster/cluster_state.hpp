#pragma once
/// Inside the cluster actor (not for other folders): its state, a plain
/// struct, and the steps its four source files share. The rules these
/// steps apply are pure and live in cluster/membership, cluster/peers and
/// cluster/rebalancer; the steps add what only an actor can do (send,
/// monitor, spawn, save).
///
///   cluster_actor.cpp  the behavior; the view kept, saved and pushed
///   cluster_links.cpp  connections, heartbeats, lost members
///   cluster_join.cpp   joining through a seed, forming alone, admitting
///   cluster_moves.cpp  shard moves, handoffs, drains, old copies deleted

#include <optional>
#include <string>

#include "cluster/cluster_actor.hpp"
#include "cluster/peers.hpp"
#include "cluster/rebalancer.hpp"

namespace troupe::cluster {

/// How long a connection to a member may take to open.
inline constexpr auto connect_timeout = std::chrono::seconds(5);
/// How long a request handed on to another member (the leader) may take.
inline constexpr auto forward_timeout = std::chrono::seconds(30);

struct cluster_state {
  cluster_config cfg;
  cluster_view view;
  bool joined = false;
  bool joining = false;             ///< a join request is in flight
  std::size_t next_seed = 0;
  std::size_t failed_joins = 0;
  std::optional<cluster_view> persisted;
  peer_table peers;
  rebalancer moves;                 ///< leader: the handoff under way
  outgoing_shards outgoing;         ///< shards this node streams away
  incoming_shards incoming;         ///< shards the leader told this node to expect
  bool drained_told = false;
};

using self_ptr = cluster_actor::stateful_pointer<cluster_state>;

/// The behavior (spawn_cluster_actor runs it detached; tests may run it on
/// a deterministic scheduler).
cluster_actor::behavior_type cluster_behavior(self_ptr self, cluster_config cfg);

/// Sends `xs...` to another member's admin actor (dynamically typed, which
/// a typed actor's own send() refuses), with this actor as the sender.
template <class... Ts>
void tell(self_ptr self, const caf::actor& dest, Ts&&... xs) {
  caf::send_as(caf::actor_cast<caf::actor>(self), dest, std::forward<Ts>(xs)...);
}

// -- cluster_actor.cpp --
bool is_leader(self_ptr self);
member_info self_info(self_ptr self);
caf::actor own_admin(self_ptr self);
void count_sent(self_ptr self);
void count_received(self_ptr self);
/// The leader changed the view: the next version, acted on and pushed.
void publish_view(self_ptr self);
/// Takes a newer view (from the leader, or any member that has one).
void adopt(self_ptr self, cluster_view view);
/// The members, shard owners and roster as this node knows them now.
member_handles handles_of(self_ptr self);
/// Shares them with the member and shell gateways.
void publish_members(self_ptr self);
/// This node is in a cluster (readiness) or not any more.
void set_joined(self_ptr self, bool joined);

// -- cluster_links.cpp --
/// Takes a member's admin handle (from its join or its heartbeat).
void attach_peer(self_ptr self, const std::string& id, caf::actor admin);
/// Connects to the older members this node has no connection to.
void connect_members(self_ptr self);
/// A member cannot be reached: see membership::lose.
void lost(self_ptr self, const std::string& id, const std::string& why);
/// Heartbeats every connected member; loses the silent ones.
void heartbeat(self_ptr self);
/// A member's heartbeat arrived.
void on_heartbeat(self_ptr self, const std::string& from, uint64_t version,
                  uint64_t customers, caf::actor admin);

// -- cluster_join.cpp --
void try_join(self_ptr self);
/// The leader admits a member (refusals: cluster_errc).
caf::result<cluster_view> admit(self_ptr self, member_info m, caf::actor admin);

// -- cluster_moves.cpp --
/// The leader starts the next shard move, if one is due: it tells the new
/// owner to expect the shard, then the old owner to stream it.
void rebalance(self_ptr self);
/// The leader announced a move to this node.
void expect_shard(self_ptr self, const sharding::shard_move& move);
/// Streams a shard away (leader's order).
void hand_off(self_ptr self, const sharding::shard_move& move);
/// A handoff's report.
void moved(self_ptr self, const sharding::shard_move& move, bool ok, const std::string& reason);
/// The leader's side of a drain.
caf::result<std::string> drain(self_ptr self, const std::string& id);
/// Deletes the old copy of shards the map gave to another member.
void erase_moved(self_ptr self);
/// Tells the node once it has left after a drain.
void maybe_drained(self_ptr self);

} // namespace troupe::cluster
