#pragma once
/// The cluster actor of a node ("cluster" in the supervision tree).
///
/// With etcd (`--etcd`), the node's agent (cluster/etcd_agent) keeps its
/// lease and member record there and reads the cluster every interval;
/// the leader's agent plans the shard map. This actor acts on what the
/// agent read: it keeps the view (members, leader, map), never one older
/// than the map it acted on last (kept in the store), serves the shards
/// the map makes it the primary of, connects to the other members (one
/// connection per pair: the newer connects to the older) and heartbeats
/// them, copies a shard to each replica the map adds to a shard it leads
/// (a catch-up: cluster/handoff), hands a shard over when the leader asks,
/// deletes the copies the map no longer gives it, and leaves after a drain.
/// A lost lease stops it serving at once.
///
/// Without etcd the node is a cluster of one: every shard its own.
/// Detached: it writes the map it acted on to the store.
///
///   cluster_actor:
///     (heartbeat_atom, from, map version, customers, records, admin)  // one-way
///     (handover_atom, placement_change)             // the leader's: switch a primary
///     (nodes_atom)                    -> vector<node_row>
///     (shards_atom)                   -> vector<shard_row>
///     (members_atom)                  -> member_handles
///     (drain_atom, node id)           -> std::string   // this node's, or handed on
///     (promote_atom, shard, node id)  -> std::string   // an operator's forced promotion
///     (etcd_view_atom, etcd_snapshot, leads)           // its agent's
///     (fenced_atom, reason)                            // its agent's: the lease is lost
///     (caught_atom, catch_up, ok, reason)              // its own: a catch-up ended
///     (sealed_atom, placement_change, ok)              // its own: sealed for a handover
///     (erased_atom, shard, ok)                         // its own: an old copy deleted
///     (apply_atom, changes)           -> placement_map // the node's replication
///                                     // writer: replicas out of sync (via the agent)
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
#include "sharding/placement_plan.hpp"
#include "cluster/cluster_metrics.hpp"
#include "actors/atoms.hpp"
#include "wire/gate.hpp"
#include "cluster/cluster_protocol.hpp"
#include "cluster/cluster_policy.hpp"
#include "cluster/cluster_view.hpp"
#include "cluster/etcd_agent.hpp"
#include "cluster/handoff.hpp"
#include "cluster/shard_work.hpp"
#include "coord/etcd_options.hpp"
#include "storage/shard_log.hpp"
#include "storage/store.hpp"

namespace troupe::cluster {

using caught_atom = caf::atom_constant<caf::atom("caught")>;

using cluster_actor = caf::typed_actor<
  caf::reacts_to<heartbeat_atom, std::string, uint64_t, uint64_t, std::vector<uint64_t>,
                 caf::actor>,
  caf::reacts_to<handover_atom, sharding::placement_change>,
  caf::replies_to<nodes_atom>::with<std::vector<node_row>>,
  caf::replies_to<shards_atom>::with<std::vector<shard_row>>,
  caf::replies_to<members_atom>::with<member_handles>,
  caf::replies_to<drain_atom, std::string>::with<std::string>,
  caf::replies_to<promote_atom, uint32_t, std::string>::with<std::string>,
  caf::reacts_to<etcd_view_atom, etcd_snapshot, bool>,
  caf::reacts_to<fenced_atom, std::string>,
  caf::reacts_to<caught_atom, catch_up, bool, std::string>,
  caf::reacts_to<sealed_atom, sharding::placement_change, bool>,
  caf::reacts_to<erased_atom, uint32_t, bool>,
  caf::replies_to<apply_atom, std::vector<sharding::placement_change>>::with<
    sharding::placement_map>,
  caf::reacts_to<caf::tick_atom>,
  caf::replies_to<actors::info_atom>::with<uint64_t>>; // mailbox depth, for `actors`

struct cluster_config {
  std::string node_id;
  std::string host;                          ///< advertised to the other members
  /// The port the admin actor listens on; 0 until it is published (the
  /// actor waits for it before joining).
  std::shared_ptr<std::atomic<uint16_t>> port;
  /// etcd: where the cluster is kept; no endpoints = a cluster of one.
  coord::etcd_options etcd;
  std::string etcd_prefix = "/troupe/";
  std::chrono::seconds lease_ttl{3};
  uint32_t replication_factor = 1;
  uint32_t max_catch_ups = 2;
  std::chrono::milliseconds interval{500};
  std::size_t handoff_batch = 2000;
  /// Until when this node holds its lease (the agent keeps it; may be null).
  std::shared_ptr<lease_view> lease;
  /// The middleman actor to connect to members through (wire::start_transport).
  caf::io::middleman_actor transport;
  /// Its gate: why a member refused this node's connection (may be null).
  std::shared_ptr<const wire::gate> gate;
  std::shared_ptr<storage::store> db;
  /// The node's shard log: reset for a shard whose primary or epoch changes
  /// (prepared batches of the old role are void) and after a copy is deleted.
  std::shared_ptr<storage::shard_log> log;
  std::shared_ptr<sharding::shard_ownership> ownership;
  std::shared_ptr<cluster_metrics> metrics;  ///< may be null
  /// This node's member gateway (set each time it starts): sent along with
  /// every heartbeat, so that older members never open a second connection
  /// to a newer one (see connect_members).
  std::shared_ptr<actors::handle_slot<caf::actor_addr>> admin;
  /// Where the actor publishes `member_handles` whenever the view or a
  /// member's reachability changes (may be null).
  std::shared_ptr<actors::handle_slot<std::shared_ptr<const member_handles>>> members_out;
  /// Set while the node is in a cluster (readiness): a view read, the lease held.
  std::shared_ptr<std::atomic<bool>> joined;
  /// Called once this node has left after a drain (it owns nothing and is
  /// leaving): the node then stops, exit code 0.
  std::function<void()> drained;
  /// Called when this node can never be a member (e.g. its shard count
  /// differs from the cluster's, or etcd's map is older than the one it
  /// acted on): the node stops, exit code 1.
  std::function<void(const std::string&)> fatal;
  /// What this node agreed with the cluster before it joined
  /// (cluster_policy): checked again once it is a member, `fatal` if it
  /// changed meanwhile.
  std::optional<cluster_policy> policy;
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
