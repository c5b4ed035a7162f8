#pragma once
/// The cluster actor of a node ("cluster" in the supervision tree): joins
/// the cluster through --seeds (or forms one), heartbeats every member,
/// notices dead members (CAF down messages on the member's admin actor,
/// and missed heartbeats), and keeps the latest view — members, states,
/// the versioned shard map — in memory and in the store's metadata.
///
/// The leader, the oldest member that is up, is the only one to change the
/// view: it admits members, marks them down or leaving, moves one shard at
/// a time towards balance (the old owner streams it to the new one, then
/// the leader flips the map), and pushes every new view to all members. A
/// member that sees its leader dead takes over if it is the next oldest.
/// Detached: it writes the view to the store.
///
/// The rules are pure and live apart: cluster/membership (join, admit,
/// succession, member states), cluster/peers (the peer table and the
/// failure detector), cluster/rebalancer (shard moves, drains). The actor
/// applies them: cluster_actor.cpp (its behavior and the view it keeps),
/// cluster_links.cpp (connections, heartbeats, lost members),
/// cluster_join.cpp (join, form, admit), cluster_moves.cpp (moves, drains).
///
///   cluster_actor (messages between nodes arrive through the node's admin
///   actor, which hands them on; cluster/cluster_protocol.hpp):
///     (join_atom, member_info, admin) -> cluster_view  // the leader admits; others forward;
///                                                      // errors: cluster_errc
///     (heartbeat_atom, from, view version, customers, admin)  // one-way
///     (view_atom, cluster_view)                        // one-way: adopt if newer
///     (view_atom)                     -> cluster_view
///     (nodes_atom)                    -> vector<node_row>
///     (members_atom)                  -> member_handles
///     (drain_atom, node id)           -> std::string   // the leader starts it; others forward
///     (incoming_atom, shard_move, version) -> bool     // expect a shard (the leader's word)
///     (handoff_atom, shard_move)                       // stream a shard away
///     (moved_atom, shard_move, ok, reason)             // a handoff's report (to the leader)
///     (erased_atom, shard, ok)                         // its own: an old copy deleted
///     (tick_atom)                                      // its own: every interval

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <caf/io/middleman_actor.hpp>
#include <caf/all.hpp>

#include "actors/handle_slot.hpp"
#include "sharding/shard_ownership.hpp"
#include "cluster/cluster_metrics.hpp"
#include "actors/atoms.hpp"
#include "wire/gate.hpp"
#include "cluster/cluster_protocol.hpp"
#include "cluster/cluster_view.hpp"
#include "storage/store.hpp"

namespace troupe::cluster {

using cluster_actor = caf::typed_actor<
  caf::replies_to<join_atom, member_info, caf::actor>::with<cluster_view>,
  caf::reacts_to<heartbeat_atom, std::string, uint64_t, uint64_t, caf::actor>,
  caf::reacts_to<view_atom, cluster_view>,
  caf::replies_to<view_atom>::with<cluster_view>,
  caf::replies_to<nodes_atom>::with<std::vector<node_row>>,
  caf::replies_to<members_atom>::with<member_handles>,
  caf::replies_to<drain_atom, std::string>::with<std::string>,
  caf::replies_to<incoming_atom, sharding::shard_move, uint64_t>::with<bool>,
  caf::reacts_to<handoff_atom, sharding::shard_move>,
  caf::reacts_to<moved_atom, sharding::shard_move, bool, std::string>,
  caf::reacts_to<erased_atom, uint32_t, bool>,
  caf::reacts_to<caf::tick_atom>,
  caf::replies_to<actors::info_atom>::with<uint64_t>>; // mailbox depth, for `actors`

struct cluster_config {
  std::string node_id;
  std::string host;                          ///< advertised to the other members
  /// The port the admin actor listens on; 0 until it is published (the
  /// actor waits for it before joining).
  std::shared_ptr<std::atomic<uint16_t>> port;
  std::vector<std::string> seeds;            ///< "HOST:PORT"
  std::chrono::milliseconds interval{500};
  std::chrono::milliseconds timeout{3000};
  std::size_t handoff_batch = 2000;
  /// The middleman actor to connect to members through (wire::start_transport).
  caf::io::middleman_actor transport;
  /// Its gate: why a member refused this node's connection (may be null).
  std::shared_ptr<const wire::gate> gate;
  std::shared_ptr<storage::store> db;
  std::shared_ptr<sharding::shard_ownership> ownership;
  std::shared_ptr<cluster_metrics> metrics;  ///< may be null
  /// This node's admin actor (set each time it starts): sent along with the
  /// join and every heartbeat, so that older members never open a second
  /// connection to a newer one (see connect_members).
  std::shared_ptr<actors::handle_slot<caf::actor_addr>> admin;
  /// Where the actor publishes `member_handles` whenever the view or a
  /// member's reachability changes (may be null).
  std::shared_ptr<actors::handle_slot<std::shared_ptr<const member_handles>>> members_out;
  /// Set once the node is in a cluster (readiness).
  std::shared_ptr<std::atomic<bool>> joined;
  /// Called once this node has left after a drain (it owns nothing and is
  /// leaving): the node then stops, exit code 0.
  std::function<void()> drained;
  /// Called when this node can never join (e.g. its shard count differs
  /// from the cluster's): the node stops, exit code 1.
  std::function<void(const std::string&)> fatal;
};

/// Spawns it detached (it reads and writes the store).
cluster_actor spawn_cluster_actor(caf::actor_system& sys, cluster_config cfg);

/// Drops the last handle to the (terminated) cluster actor once CAF has let
/// go of it, waiting at most `limit`; returns false if CAF still held it.
/// CAF 0.17 runs a terminated actor's cleanup (which takes it out of the
/// registry that BASP put it in when it sent to a remote member) after
/// await_all_actors_done has returned; destroying the actor system while
/// that is still under way can leave the detached actor's thread waiting
/// forever for its destruction, and the process never exits.
bool release_cluster_actor(caf::actor_system& sys, caf::actor handle,
                           std::chrono::milliseconds limit);

} // namespace troupe::cluster
