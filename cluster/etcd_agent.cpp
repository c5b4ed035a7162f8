#include "cluster/etcd_agent.hpp"

#include "actors/actor_error.hpp"
#include "cluster/cluster_errc.hpp"
#include "common/log.hpp"
#include "coord/lease_keeper.hpp"

namespace troupe::cluster {

namespace {

using clock_type = std::chrono::steady_clock;
using lost_atom = caf::atom_constant<caf::atom("leaselost")>;

/// The leader's planned changes written in one transaction, at most.
constexpr std::size_t max_changes_per_step = 16;

struct agent_state {
  etcd_agent_config cfg;
  std::unique_ptr<coord::etcd_client> client;
  std::unique_ptr<etcd_membership> etcd;
  std::unique_ptr<coord::lease_keeper> keeper;
  bool entered = false;
  int64_t entered_at = 0;        ///< etcd's revision when the record was written
  uint64_t lease_generation = 0; ///< which keeper a lost message is about
  bool leaving = false;
  bool restarted = false;        ///< restart_changes applied (or none due)
  std::string last_problem;      ///< logged once until it changes
};

using agent_ptr = caf::stateful_actor<agent_state>*;

void problem(agent_ptr self, const std::string& what) {
  auto& st = self->state;
  if (what != st.last_problem)
    log::warn("etcd", what);
  st.last_problem = what;
}

member_info self_record(agent_ptr self) {
  auto m = self->state.cfg.self;
  m.state = self->state.leaving ? member_state::leaving : member_state::up;
  return m;
}

void publish_lease(agent_ptr self) {
  auto& st = self->state;
  if (!st.cfg.lease)
    return;
  auto until = st.keeper && st.entered ? st.keeper->valid_until() : clock_type::time_point::min();
  st.cfg.lease->valid_until.store(until.time_since_epoch().count());
}

/// Step 1: a lease and the member record under it. False while there is none.
bool hold_lease(agent_ptr self) {
  auto& st = self->state;
  if (!st.keeper) {
    coord::lease_keeper_options opts;
    opts.ttl = st.cfg.lease_ttl;
    auto generation = ++st.lease_generation;
    auto me = self->address(); // not a strong handle: the keeper lives in this actor's state
    st.keeper = std::make_unique<coord::lease_keeper>(
      *st.client, opts, [me, generation](const error& why) {
        if (auto agent = caf::actor_cast<caf::actor>(me))
          caf::anon_send(agent, lost_atom::value, generation, why.message());
      });
    if (auto started = st.keeper->start(); !started) {
      st.keeper.reset();
      problem(self, "cannot get a lease from etcd: " + started.err().message());
      return false;
    }
    st.entered = false;
  }
  if (!st.entered) {
    auto entered = st.etcd->enter(self_record(self), st.keeper->id());
    if (!entered) {
      problem(self, entered.err().message());
      return false;
    }
    st.entered = true;
    st.entered_at = *entered;
    log::info("etcd", "member ", st.cfg.self.id, " entered the cluster under lease ",
              st.keeper->id());
    // A --holdout-change that ran between this node's agreeing and its entry
    // (it saw no member then): this node would hold out others.
    if (st.cfg.policy && st.cfg.fatal) {
      auto now = read_policy(*st.client, st.cfg.prefix);
      if (now && *now && (*now)->holdout_basis_points != st.cfg.policy->holdout_basis_points)
        st.cfg.fatal("the cluster's holdout changed to " + percent_text((*now)->holdout_basis_points)
                     + "% while this node started with "
                     + percent_text(st.cfg.policy->holdout_basis_points) + "%");
    }
  }
  publish_lease(self);
  return true;
}

/// Step 2, once per process: what a restart makes due (placement_plan.hpp,
/// restart_changes). False until they are in the map.
bool restart(agent_ptr self, const etcd_snapshot& snap) {
  auto& st = self->state;
  auto changes = sharding::restart_changes(*snap.map, st.cfg.self.id, snap.member_set(),
                                           st.cfg.fresh);
  if (!changes.empty()) {
    auto changed = st.etcd->change_map(snap, changes);
    if (!changed) {
      problem(self, "cannot apply what this node's restart makes due: "
                      + changed.err().message());
      return false;
    }
    for (auto& c : changes) {
      if (c.kind == sharding::change_kind::renew_epoch && st.cfg.fresh)
        log::error("cluster", "shard ", c.shard, ": its only copy was in this node's data dir, ",
                   "which is empty now: its data is lost");
      if (c.kind == sharding::change_kind::give_up)
        log::error("cluster", "shard ", c.shard, ": this node's copy is gone (empty data dir) ",
                   "and its replicas are out of sync: unavailable until an operator forces ",
                   "one in (shard promote ", c.shard, " NODE --force, losing what it lacks)");
      log::info("cluster", "restarted: ", describe(c));
    }
  }
  st.restarted = true;
  return changes.empty(); // with changes: the next read sees them
}

/// Step 4: the leader's changes; the map after them.
void lead(agent_ptr self, etcd_snapshot& snap) {
  auto& st = self->state;
  auto members = snap.member_set();
  auto reachable = st.cfg.reachable ? st.cfg.reachable->get() : nullptr;
  for (auto& id : members.live)
    if (id != st.cfg.self.id && (!reachable || reachable->count(id) == 0))
      members.unreachable.insert(id);
  auto lost = sharding::lost_member_changes(*snap.map, members);
  if (!lost.empty()) {
    auto changed = st.etcd->change_map(snap, lost, st.cfg.self.id);
    if (!changed)
      return problem(self, "cannot apply the changes of lost members: "
                             + changed.err().message());
    for (auto& c : lost) {
      log::warn("cluster", describe(c));
      if (c.kind == sharding::change_kind::promote && st.cfg.metrics)
        st.cfg.metrics->failovers->Increment();
    }
    return; // the next read sees the new map
  }
  // Several planned changes at once (each planned on the map with the
  // ones before applied); a primary switch goes to the listener and ends it.
  std::vector<sharding::placement_change> planned;
  auto map = *snap.map;
  while (planned.size() < max_changes_per_step) {
    auto next = sharding::next_change(map, members, st.cfg.max_catch_ups);
    if (!next)
      break;
    if (next->kind == sharding::change_kind::switch_primary) {
      if (planned.empty())
        self->send(st.cfg.listener, handover_atom::value, *next); // it asks the primary
      break;
    }
    if (auto why = sharding::apply_change(map, *next))
      break; // cannot happen: the plan's change fits the map it was planned on
    planned.push_back(*next);
  }
  if (planned.empty())
    return;
  auto changed = st.etcd->change_map(snap, planned, st.cfg.self.id);
  if (!changed)
    return problem(self, "cannot " + describe(planned.front()) + ": " + changed.err().message());
  for (auto& c : planned)
    log::info("cluster", describe(c));
}

void tick(agent_ptr self) {
  auto& st = self->state;
  self->delayed_send(self, st.cfg.interval, caf::tick_atom::value);
  auto snap = st.etcd->read();
  if (!snap)
    return problem(self, "cannot read the cluster from etcd: " + snap.err().message());
  for (auto& bad : snap->bad_records)
    problem(self, bad);
  if (snap->map && snap->map->shard_count() != st.cfg.self.shard_count) {
    // Never a member: the listener says why and stops the node.
    self->send(st.cfg.listener, etcd_view_atom::value, std::move(*snap), false);
    return;
  }
  if (!hold_lease(self))
    return;
  if (!snap->find(st.cfg.self.id)) {
    if (snap->revision > st.entered_at)
      st.entered = false; // the record is gone (the lease ended?): enter again
    return;
  }
  if (!snap->map) {
    auto founded = st.etcd->found_map(
      sharding::initial_placement(st.cfg.self.shard_count, st.cfg.self.id, st.cfg.factor));
    if (!founded)
      return problem(self, "cannot found the shard map: " + founded.err().message());
    log::info("etcd", "founded the shard map: ", st.cfg.self.shard_count,
              " shards on this node, replication factor ", st.cfg.factor);
    st.restarted = true; // a map this process founded: nothing to renew
    return;              // read again next time
  }
  if (!st.restarted && !restart(self, *snap))
    return;
  auto leads = st.etcd->lead(st.cfg.self.id, st.keeper->id());
  if (!leads)
    return problem(self, "cannot read the leader: " + leads.err().message());
  if (*leads && snap->leader == st.cfg.self.id)
    lead(self, *snap);
  if (*leads) // the key was just taken, after this snapshot was read: say so now
    snap->leader = st.cfg.self.id;
  st.last_problem.clear();
  self->send(st.cfg.listener, etcd_view_atom::value, std::move(*snap), *leads);
}

/// The listener's changes, read-modify-written (a few tries on conflicts).
result<sharding::placement_map> apply(agent_ptr self,
                                      const std::vector<sharding::placement_change>& changes) {
  auto& st = self->state;
  error last = make_error(cluster_errc::map_changed, "the map kept changing");
  for (int attempt = 0; attempt < 3; ++attempt) {
    auto snap = st.etcd->read();
    if (!snap)
      return snap.err();
    auto changed = st.etcd->change_map(*snap, changes);
    if (changed || !changed.err().is(cluster_errc::map_changed))
      return changed;
    last = changed.err();
  }
  return last;
}

caf::behavior agent_impl(caf::stateful_actor<agent_state>* self, etcd_agent_config cfg) {
  auto& st = self->state;
  st.cfg = std::move(cfg);
  auto client = coord::etcd_client::create(st.cfg.etcd);
  if (!client) {
    log::error("etcd", client.err().message());
    self->quit(caf::exit_reason::user_shutdown);
    return {};
  }
  st.client = std::move(*client);
  st.etcd = std::make_unique<etcd_membership>(*st.client, st.cfg.prefix);
  // The state's keeper revokes the lease when the agent ends: the other
  // members see this one go at once.
  self->send(self, caf::tick_atom::value);
  return {
    [self](caf::tick_atom) { tick(self); },
    [self](lost_atom, uint64_t generation, const std::string& why) {
      auto& st = self->state;
      if (generation != st.lease_generation)
        return;
      log::error("etcd", "lost the lease: ", why, "; this node stops acting as a primary");
      st.keeper.reset();
      st.entered = false;
      publish_lease(self);
      self->send(st.cfg.listener, fenced_atom::value, why);
    },
    [self](apply_atom, const std::vector<sharding::placement_change>& changes)
      -> caf::result<sharding::placement_map> {
      auto r = apply(self, changes);
      if (!r)
        return actors::to_caf_error(r.err());
      return std::move(*r);
    },
    [self](leave_atom) -> caf::result<bool> {
      auto& st = self->state;
      st.leaving = true;
      if (!st.keeper || !st.entered)
        return true; // the record is written with the state on entering
      auto set = st.etcd->set_state(self_record(self), st.keeper->id());
      if (!set)
        return actors::to_caf_error(set.err());
      return true;
    },
  };
}

} // namespace

caf::actor spawn_etcd_agent(caf::actor_system& sys, etcd_agent_config cfg) {
  return sys.spawn<caf::detached>(agent_impl, std::move(cfg));
}

} // namespace troupe::cluster
