#pragma once
/// The leader's rules for a replicated placement map, pure (no actors, no
/// etcd): which change comes next, and what a change does to the map.
///
/// Target: each shard has min(factor, eligible members) copies on distinct
/// eligible members (live and not leaving), primaries and copies spread
/// evenly (each within one of the others). A copy is moved by adding a
/// replica where it should be (its primary copies the shard to it, then
/// reports it in sync), switching the primary to it if needed, and only
/// then dropping the copy that is no longer wanted: at no step does a shard
/// have fewer in-sync copies than before.
///
/// Lost members are handled at once, all shards together
/// (`lost_member_changes`): a shard whose primary is lost gets its first
/// live in-sync replica promoted under a new epoch, never an out-of-sync
/// one (without one, the shard stays unavailable until its primary returns
/// or an operator forces a promotion); replicas on lost members are dropped
/// from shards that still have a live primary.
///
/// Planned changes come one at a time (`next_change`), in this order
/// (a shard with no primary and no copy anywhere first gets one; one with
/// no primary but replicas waits for an operator):
///   1. a primary on a leaving member hands over to an in-sync replica;
///   2. a primary switch that evens out primaries, to an in-sync replica;
///   3. a surplus in-sync replica is dropped (on a leaving member first,
///      then on the member with most copies), only while the shard keeps
///      its target of in-sync copies on eligible members without it;
///   4. a shard with fewer copies on eligible members than its target gets
///      a replica on the eligible member with fewest copies;
///   5. copies are evened out: a replica added where there are fewest, for
///      a shard the fullest member holds as an in-sync replica (step 3 then
///      drops that one);
///   6. primaries are evened out when no replica can take over: a replica
///      added on the member with fewest primaries (step 2 then switches;
///      with factor 1, the catch-up's end switches and drops at once, so
///      each replica catching up counts as a move under way).
/// With factor above 1, steps 5 and 6 wait until no replica is catching up.
/// Steps 4 to 6 add a replica only while fewer than `max_catch_ups`
/// replicas are catching up, and never to a shard that has one catching
/// up already. An out-of-sync replica is dropped only on its primary's
/// report (it cannot catch up) or when its member is lost.

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <caf/meta/type_name.hpp>

#include "sharding/placement.hpp"

namespace troupe::sharding {

enum class change_kind : uint8_t {
  promote,          ///< failover: in-sync replica `node` becomes primary; the lost primary goes
  switch_primary,   ///< handover: in-sync replica `node` becomes primary; the old one stays an in-sync replica
  force_promote,    ///< operator: `node` becomes primary whatever it holds; other replicas fall out of sync
  assign_primary,   ///< a shard with no primary (no copy anywhere) gets `node`
  add_replica,      ///< `node` becomes an out-of-sync replica (its primary copies the shard to it)
  mark_in_sync,     ///< replica `node` caught up (its primary's report)
  mark_out_of_sync, ///< replica `node` missed a batch (its primary's report)
  drop_replica,     ///< replica `node` is removed
  renew_epoch,      ///< primary `node` restarted: it keeps the shard under a new epoch
  give_up,          ///< primary `node` lost its copy, its replicas are out of sync: no primary
};

const char* to_string(change_kind k);

/// One change to one shard. `epoch` is the shard's epoch the change was
/// made for: a change for another epoch is refused by `apply_change`.
struct placement_change {
  change_kind kind = change_kind::add_replica;
  uint32_t shard = 0;
  std::string node;
  uint64_t epoch = 0;

  friend bool operator==(const placement_change& a, const placement_change& b) {
    return a.kind == b.kind && a.shard == b.shard && a.node == b.node && a.epoch == b.epoch;
  }
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, placement_change& x) {
  return f(caf::meta::type_name("troupe.placement_change"), x.kind, x.shard, x.node, x.epoch);
}

/// "promote shard 3 to n2 (epoch 4)", for logs and errors.
std::string describe(const placement_change& c);

/// Applies `c` to `map` (the version advances; a change of primary also
/// advances the shard's epoch). Returns why not, leaving `map` as it was,
/// when it does not fit: the shard out of range, another epoch, `node` not
/// an (in-sync) replica where one is needed, or already holding a copy.
std::optional<std::string> apply_change(placement_map& map, const placement_change& c);

/// The members as the leader sees them: `live` in join order (leaving
/// ones included), `leaving` a subset of it; `unreachable` ones (the leader
/// has no authenticated connection to them) keep their copies but take no
/// new one.
struct member_set {
  std::vector<std::string> live;
  std::set<std::string> leaving;
  std::set<std::string> unreachable;

  bool is_live(const std::string& node) const;
  bool eligible(const std::string& node) const; ///< live and not leaving
  bool can_take(const std::string& node) const; ///< eligible and reachable
};

/// The changes due because members are not live (see the header comment),
/// in shard order; apply them together.
std::vector<placement_change> lost_member_changes(const placement_map& map,
                                                  const member_set& members);

/// The changes a member asks for when a new process of it first enters the
/// cluster (its last process may have ended in the middle of a write, and
/// its restart may be quicker than the leader notices it gone), all to be
/// applied together. `fresh`: its data dir held no shard map, so its
/// copies are empty. For each shard where it is
///   - the primary, with data: `renew_epoch` (this process never writes in
///     an epoch its last process wrote in; an in-sync replica ahead of it
///     by a batch never acknowledged diverges and is copied again);
///   - the primary, fresh: `promote` of an in-sync replica, a live one
///     first (a shard whose in-sync replicas are all down stays unavailable
///     until one returns); with out-of-sync replicas only, `give_up` (the
///     shard has no primary, unavailable until an operator forces one of
///     them in: `shard promote --force`, losing what it lacks); with no
///     replica at all, `renew_epoch` (its data is lost: the caller says so);
///   - an in-sync replica, fresh: `mark_out_of_sync` (it is copied again).
std::vector<placement_change> restart_changes(const placement_map& map, const std::string& node,
                                              const member_set& members, bool fresh);

/// The next planned change, or nullopt when the map is on target (or
/// nothing can be done now). Expects `lost_member_changes` applied.
std::optional<placement_change> next_change(const placement_map& map, const member_set& members,
                                            uint32_t max_catch_ups);

/// True when a member that leaves holds no copy any more.
bool drained(const placement_map& map, const std::string& node);

} // namespace troupe::sharding
