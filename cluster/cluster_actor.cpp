#include "cluster/cluster_actor.hpp"

#include <thread>

#include "actors/actor_error.hpp"
#include "cluster/cluster_errc.hpp"
#include "cluster/cluster_state.hpp"
#include "cluster/etcd_records.hpp"
#include "cluster/membership.hpp"
#include "common/log.hpp"
#include "storage/cluster_records.hpp"
#include "storage/customer_records.hpp"

namespace troupe::cluster {

namespace {

using clock_type = std::chrono::steady_clock;

void update_metrics(self_ptr self) {
  auto& st = self->state;
  auto& m = st.cfg.metrics;
  if (!m)
    return;
  auto c = membership::count_states(st.view);
  m->up->Set(static_cast<double>(c.up));
  m->leaving->Set(static_cast<double>(c.leaving));
  m->down->Set(static_cast<double>(c.down));
  m->shards_owned->Set(static_cast<double>(st.view.map.primaries_of(st.cfg.node_id).size()));
  auto h = sharding::health_of(st.view.map, st.view.live());
  m->under_replicated->Set(static_cast<double>(h.under_replicated));
  m->unavailable->Set(static_cast<double>(h.unavailable));
}

/// Serves the shards the map makes this node the primary of (none while
/// it is not in the cluster).
void apply_ownership(self_ptr self) {
  auto& st = self->state;
  if (st.joined)
    st.cfg.ownership->assign(membership::owned_by(st.view.map, st.cfg.node_id));
  else
    st.cfg.ownership->assign(std::vector<bool>(st.cfg.db->shard_count(), false));
}

void set_joined(self_ptr self, bool joined) {
  auto& st = self->state;
  st.joined = joined;
  if (st.cfg.joined)
    st.cfg.joined->store(joined);
  apply_ownership(self);
  publish_members(self);
}

/// Logs why a view is not adopted, once until the reason changes.
void refuse(self_ptr self, const std::string& why) {
  auto& st = self->state;
  if (why != st.last_refusal)
    log::error("cluster", why);
  st.last_refusal = why;
  if (st.joined)
    set_joined(self, false);
}

/// The map this node acted on last, and the copies it holds by it.
void load_saved(self_ptr self) {
  auto& st = self->state;
  auto saved = storage::load_placement(*st.cfg.db);
  if (!saved) {
    log::error("cluster", "cannot read the saved shard map: ", saved.err().message());
    return;
  }
  if (!saved->has_value())
    return;
  auto map = from_record(**saved, st.cfg.db->shard_count());
  if (!map) {
    log::error("cluster", "the saved shard map is not valid: ", map.err().message());
    return;
  }
  st.acted_on = map->version;
  st.work.holding(*map, st.cfg.node_id);
}

void count_epoch_changes(self_ptr self, const sharding::placement_map& next) {
  auto& st = self->state;
  if (!st.cfg.metrics || st.view.map.shard_count() != next.shard_count())
    return;
  for (uint32_t s = 0; s < next.shard_count(); ++s)
    if (next.shards[s].epoch > st.view.map.shards[s].epoch)
      st.cfg.metrics->epoch_changes->Increment(
        static_cast<double>(next.shards[s].epoch - st.view.map.shards[s].epoch));
}

/// The shard log forgets what it prepared in a shard whose primary or
/// epoch changes where this node is the primary before or after.
void reset_changed_shards(self_ptr self, const sharding::placement_map& next) {
  auto& st = self->state;
  if (!st.cfg.log || st.view.map.shard_count() != next.shard_count())
    return;
  const auto& me = st.cfg.node_id;
  for (uint32_t s = 0; s < next.shard_count(); ++s) {
    const auto& before = st.view.map.shards[s];
    const auto& after = next.shards[s];
    if ((before.primary == me || after.primary == me)
        && (before.primary != after.primary || before.epoch != after.epoch))
      if (auto reset = st.cfg.log->reset(s); !reset)
        log::error("cluster", "shard ", s, ": cannot reset its log: ", reset.err().message());
  }
}

/// What the agent read, acted on: a newer (or the same) map adopted and
/// saved, the shards it gives this node served, copies started and dropped.
void adopt(self_ptr self, etcd_snapshot snap, bool leads) {
  auto& st = self->state;
  auto shards = st.cfg.db->shard_count();
  if (!snap.map)
    return refuse(self, "etcd holds no shard map yet");
  if (snap.map->shard_count() != shards) {
    auto why = "this node's data dir has " + std::to_string(shards) + " shards, the cluster "
               + std::to_string(snap.map->shard_count())
               + ": start it with an empty data dir and --shards "
               + std::to_string(snap.map->shard_count());
    if (st.cfg.fatal)
      st.cfg.fatal(why);
    return refuse(self, why);
  }
  if (snap.map->version < st.acted_on)
    return refuse(self, "etcd's shard map (version " + std::to_string(snap.map->version)
                          + ") is older than the one this node acted on ("
                          + std::to_string(st.acted_on)
                          + "): not acting on it (was etcd restored from a backup?)");
  if (snap.find(st.cfg.node_id) == nullptr)
    return refuse(self, "this node is not a member in etcd (yet)");
  st.last_refusal.clear();
  for (auto shard : st.work.to_erase(*snap.map, st.cfg.node_id))
    spawn_shard_eraser(self->system(), st.cfg.db, st.cfg.log, st.cfg.ownership, shard,
                       caf::actor_cast<caf::actor>(self));
  st.work.holding(*snap.map, st.cfg.node_id);
  if (snap.map->version > st.acted_on) {
    auto st_saved = storage::save_placement(*st.cfg.db, to_record(*snap.map));
    if (!st_saved) // not acted on unless saved: a restart could act on an older one
      return refuse(self, "cannot save the shard map: " + st_saved.err().message());
    st.acted_on = snap.map->version;
  }
  count_epoch_changes(self, *snap.map);
  reset_changed_shards(self, *snap.map);
  st.view.revision = snap.revision;
  st.view.leader = snap.leader;
  st.view.members = std::move(snap.members);
  st.view.map = std::move(*snap.map);
  st.leading = leads;
  set_joined(self, st.cfg.lease == nullptr
                     || st.cfg.lease->valid(clock_type::now(), std::chrono::milliseconds{0}));
  unseal_settled(self);
  update_metrics(self);
  connect_members(self);
  start_catch_ups(self);
  maybe_drained(self);
}

void start_agent(self_ptr self) {
  auto& st = self->state;
  etcd_agent_config ac;
  ac.self = self_info(self);
  ac.etcd = st.cfg.etcd;
  ac.prefix = st.cfg.etcd_prefix;
  ac.factor = st.cfg.replication_factor;
  ac.max_catch_ups = st.cfg.max_catch_ups;
  ac.interval = st.cfg.interval;
  ac.lease_ttl = st.cfg.lease_ttl;
  ac.listener = caf::actor_cast<caf::actor>(self);
  ac.lease = st.cfg.lease;
  ac.fresh = st.acted_on == 0;
  ac.metrics = st.cfg.metrics;
  ac.reachable = st.reachable;
  ac.policy = st.cfg.policy;
  ac.fatal = st.cfg.fatal;
  st.agent = spawn_etcd_agent(self->system(), std::move(ac));
  self->link_to(st.agent);
}

void tick(self_ptr self) {
  auto& st = self->state;
  self->delayed_send(self, st.cfg.interval, caf::tick_atom::value);
  if (st.solo)
    return;
  if (!st.agent) {
    if (st.cfg.port->load() == 0)
      return; // the member gateway's port is not published yet
    start_agent(self);
  }
  if (st.joined && st.cfg.lease
      && !st.cfg.lease->valid(clock_type::now(), std::chrono::milliseconds{0})) {
    log::error("cluster", "this node's lease ran out: it stops serving its shards");
    set_joined(self, false);
  }
  publish_members(self);
  if (!st.joined)
    return;
  heartbeat(self);
  connect_members(self);
  start_catch_ups(self);
}

} // namespace

member_info self_info(self_ptr self) {
  member_info m;
  m.id = self->state.cfg.node_id;
  m.host = self->state.cfg.host;
  m.port = self->state.cfg.port->load();
  m.state = member_state::up;
  m.shard_count = self->state.cfg.db->shard_count();
  m.node = caf::to_string(self->home_system().node());
  return m;
}

caf::actor own_admin(self_ptr self) {
  if (!self->state.cfg.admin)
    return {};
  return caf::actor_cast<caf::actor>(self->state.cfg.admin->get());
}

void count_sent(self_ptr self) {
  if (self->state.cfg.metrics)
    self->state.cfg.metrics->sent->Increment();
}

void count_received(self_ptr self) {
  if (self->state.cfg.metrics)
    self->state.cfg.metrics->received->Increment();
}

member_handles handles_of(self_ptr self) {
  auto& st = self->state;
  if (!st.joined) {
    auto h = peer_table::self_only(st.cfg.node_id, st.cfg.db->shard_count());
    h.roster.self = st.cfg.node_id;
    return h;
  }
  auto h = st.peers.handles(st.view, st.cfg.node_id);
  h.roster = admission::roster_of(st.view, st.cfg.node_id);
  return h;
}

void publish_members(self_ptr self) {
  auto& st = self->state;
  auto reachable = std::make_shared<std::set<std::string>>();
  for (auto& [id, admin] : st.peers.connected())
    reachable->insert(id);
  st.reachable->set(std::move(reachable));
  if (st.cfg.members_out)
    st.cfg.members_out->set(std::make_shared<const member_handles>(handles_of(self)));
}

cluster_actor::behavior_type cluster_behavior(self_ptr self, cluster_config cfg) {
  auto& st = self->state;
  st.cfg = std::move(cfg);
  st.solo = st.cfg.etcd.endpoints.empty();
  if (st.solo) {
    st.view = solo_view(self_info(self), st.cfg.db->shard_count());
    set_joined(self, true);
    update_metrics(self);
  } else {
    load_saved(self);
    set_joined(self, false);
  }
  self->set_down_handler([self](caf::down_msg& msg) {
    auto id = self->state.peers.owner_of(msg.source);
    if (!id)
      return;
    self->state.peers.detach(*id);
    log::warn("cluster", "lost the connection to member ", *id, ": ",
              self->system().render(msg.reason));
    publish_members(self);
  });
  self->set_exit_handler([self](caf::exit_msg& msg) {
    if (msg.source == self->state.agent.address()) {
      log::error("cluster", "this node's etcd agent stopped: ",
                 self->system().render(msg.reason));
      self->quit(msg.reason ? msg.reason : caf::make_error(caf::exit_reason::unknown));
      return;
    }
    self->quit(msg.reason);
  });
  self->send(self, caf::tick_atom::value);
  return {
    [self](actors::info_atom) -> uint64_t { return self->mailbox().size(); },
    [self](heartbeat_atom, const std::string& from, uint64_t version, uint64_t customers,
           std::vector<uint64_t>& records, caf::actor& admin) {
      count_received(self);
      on_heartbeat(self, from, version, customers, std::move(records), std::move(admin));
    },
    [self](handover_atom, sharding::placement_change& change) {
      hand_over(self, change);
    },
    [self](nodes_atom) {
      auto& st = self->state;
      return st.peers.rows(st.view, st.cfg.node_id, storage::estimate_customers(*st.cfg.db),
                           clock_type::now());
    },
    [self](members_atom) { return handles_of(self); },
    [self](shards_atom) { return shard_rows(self->state.view, lag_of(self)); },
    [self](drain_atom, const std::string& id) -> caf::result<std::string> {
      return drain(self, id);
    },
    [self](promote_atom, uint32_t shard, const std::string& id) -> caf::result<std::string> {
      return force_promote(self, shard, id);
    },
    [self](etcd_view_atom, etcd_snapshot& snap, bool leads) {
      adopt(self, std::move(snap), leads);
    },
    [self](fenced_atom, const std::string& why) {
      log::error("cluster", "fenced (", why, "): this node stops serving its shards");
      set_joined(self, false);
    },
    [self](caught_atom, const catch_up& c, bool ok, const std::string& reason) {
      caught(self, c, ok, reason);
    },
    [self](sealed_atom, const sharding::placement_change& change, bool ok) {
      sealed(self, change, ok);
    },
    [self](erased_atom, uint32_t shard, bool ok) {
      self->state.work.erased(shard, ok);
      maybe_drained(self);
    },
    [self](apply_atom, std::vector<sharding::placement_change>& changes)
      -> caf::result<sharding::placement_map> {
      auto& st = self->state;
      if (!st.agent)
        return actors::make_caf_error(cluster_errc::not_in_cluster,
                                      "node " + st.cfg.node_id + " has no etcd agent", true);
      auto rp = self->make_response_promise<sharding::placement_map>();
      self->request(st.agent, forward_timeout, apply_atom::value, std::move(changes))
        .then([rp](sharding::placement_map& map) mutable { rp.deliver(std::move(map)); },
              [rp](caf::error& err) mutable { rp.deliver(std::move(err)); });
      return rp;
    },
    [self](caf::tick_atom) { tick(self); },
  };
}

cluster_actor spawn_cluster_actor(caf::actor_system& sys, cluster_config cfg) {
  return sys.spawn<caf::detached>(cluster_behavior, std::move(cfg));
}

bool release_cluster_actor(caf::actor_system& sys, caf::actor handle,
                           std::chrono::milliseconds limit) {
  if (!handle)
    return true;
  auto id = handle.id();
  auto ptr = caf::actor_cast<caf::strong_actor_ptr>(std::move(handle));
  auto deadline = clock_type::now() + limit;
  // Ours is the only strong reference left once CAF is done with it.
  while (sys.registry().get(id) != nullptr || ptr->strong_refs.load() > 1) {
    if (clock_type::now() >= deadline)
      return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return true;
}

} // namespace troupe::cluster
