#pragma once
/// A node's agent in etcd (detached: every etcd call blocks, within the
/// client's bound). Every interval it
///
///   1. holds a lease (coord::lease_keeper) and this node's member record
///      under it (a lease lost: the listener is told `fenced`, a new lease
///      and record follow);
///   2. reads the cluster (members, leader, map: one revision), founding
///      the map if etcd has none (every shard on this node); the first
///      time this process finds itself a member of a map it did not found,
///      it applies `sharding::restart_changes` (new epochs for its
///      primaries, or their promotion away if its data dir was empty) and
///      tells the listener nothing before they are in;
///   3. takes the leader key if nobody holds it;
///   4. as the leader: applies what lost members make due at once (all in
///      one transaction), then the next planned change
///      (sharding/placement_plan); a primary switch is not applied here
///      but handed to the listener (`handover`), since the primary must
///      stop writing the shard first;
///   5. tells the listener what it read (`etcd_view`), changes included.
///
/// The listener (the cluster actor) asks it to apply changes it reports
/// (a replica caught up or fell behind, a handover done) and to mark this
/// node leaving.
///
///   (etcd_view_atom, etcd_snapshot, leads)    -> listener, every interval
///   (fenced_atom, reason)                     -> listener: the lease is lost
///   (handover_atom, placement_change)         -> listener: switch this shard's primary
///   (apply_atom, vector<placement_change>) -> placement_map  // from the listener
///   (leave_atom)                           -> bool           // from the listener
///
/// The lease's state is shared (`lease_view`): the replication writer
/// asks it whether this node may still act as a primary.

#include <atomic>
#include <chrono>
#include <functional>
#include <optional>
#include <memory>
#include <set>
#include <string>

#include <caf/all.hpp>
#include <caf/allowed_unsafe_message_type.hpp>

#include "cluster/cluster_protocol.hpp"
#include "actors/handle_slot.hpp"
#include "cluster/cluster_metrics.hpp"
#include "cluster/cluster_view.hpp"
#include "cluster/cluster_policy.hpp"
#include "cluster/etcd_membership.hpp"
#include "coord/etcd_options.hpp"

namespace troupe::cluster {

using etcd_view_atom = caf::atom_constant<caf::atom("etcdview")>;
using fenced_atom = caf::atom_constant<caf::atom("fenced")>;
using apply_atom = caf::atom_constant<caf::atom("apply")>;
using leave_atom = caf::atom_constant<caf::atom("leave")>;

/// Until when this node holds its lease (steady_clock ticks; min: not now).
struct lease_view {
  std::atomic<std::chrono::steady_clock::rep> valid_until{
    std::chrono::steady_clock::time_point::min().time_since_epoch().count()};

  bool valid(std::chrono::steady_clock::time_point now,
             std::chrono::steady_clock::duration margin) const {
    return now + margin
           < std::chrono::steady_clock::time_point{
             std::chrono::steady_clock::duration{valid_until.load()}};
  }
};

struct etcd_agent_config {
  member_info self;             ///< its address, shard count and CAF node filled
  coord::etcd_options etcd;
  std::string prefix = "/troupe/";
  uint32_t factor = 2;
  uint32_t max_catch_ups = 2;
  std::chrono::milliseconds interval{500};
  std::chrono::seconds lease_ttl{3};
  caf::actor listener;
  std::shared_ptr<lease_view> lease;
  /// This node's data dir held no shard map at start: its copies are empty.
  bool fresh = false;
  std::shared_ptr<cluster_metrics> metrics; ///< may be null
  /// The members this node holds an authenticated connection to (the
  /// listener keeps it): as leader, it plans no new copy on any other.
  std::shared_ptr<actors::handle_slot<std::shared_ptr<const std::set<std::string>>>> reachable;
  /// The policy this node agreed to before it joined: read again once its
  /// member record is in, and `fatal` if another replaced it meanwhile.
  std::optional<cluster_policy> policy;
  std::function<void(const std::string&)> fatal;
};

caf::actor spawn_etcd_agent(caf::actor_system& sys, etcd_agent_config cfg);

} // namespace troupe::cluster

// Local only (never cross a process): no serialization needed.
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(troupe::cluster::etcd_snapshot)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(troupe::sharding::placement_map)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(std::vector<troupe::sharding::placement_change>)
