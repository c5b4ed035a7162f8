#include "cluster/cluster_actor.hpp"

#include <thread>

#include "actors/actor_error.hpp"
#include "cluster/cluster_errc.hpp"
#include "cluster/cluster_state.hpp"
#include "cluster/membership.hpp"
#include "common/log.hpp"
#include "storage/cluster_records.hpp"
#include "storage/customer_records.hpp"

namespace troupe::cluster {

namespace {

using clock_type = std::chrono::steady_clock;


void update_metrics(self_ptr self) {
  auto& m = self->state.cfg.metrics;
  if (!m)
    return;
  auto c = membership::count_states(self->state.view);
  m->joining->Set(static_cast<double>(c.joining));
  m->up->Set(static_cast<double>(c.up));
  m->leaving->Set(static_cast<double>(c.leaving));
  m->down->Set(static_cast<double>(c.down));
  m->shards_owned->Set(
    static_cast<double>(self->state.view.map.shards_of(self->state.cfg.node_id).size()));
}

void persist(self_ptr self) {
  auto record = to_record(self->state.view);
  auto st = storage::save_cluster_view(*self->state.cfg.db, record);
  if (!st)
    log::error("cluster", "cannot save the cluster view: ", st.err().message());
}

/// Tells the node's actors which shards it serves now.
void apply_ownership(self_ptr self) {
  auto& st = self->state;
  st.cfg.ownership->assign(membership::owned_by(st.view.map, st.cfg.node_id));
}

/// Sends the view to every member this node can reach.
void broadcast(self_ptr self) {
  for (auto& [id, admin] : self->state.peers.connected()) {
    tell(self, admin, view_atom::value, self->state.view);
    count_sent(self);
  }
}

/// The view changed: save it, serve the shards it gives this node, delete
/// the copies of shards it gave away.
void view_changed(self_ptr self) {
  persist(self);
  apply_ownership(self);
  update_metrics(self);
  erase_moved(self);
  self->state.incoming.prune(self->state.view.map);
  publish_members(self);
}

/// Hands a request this node cannot answer (it does not lead) to its
/// leader, and the leader's answer back.
template <class Reply, class... Ts>
caf::result<Reply> forward_to_leader(self_ptr self, Ts... xs) {
  auto& st = self->state;
  auto leader = st.peers.admin_of(st.view.leader);
  if (!leader)
    return actors::make_caf_error(cluster_errc::leader_unreachable,
                                  "node " + st.cfg.node_id + " cannot reach its leader "
                                    + st.view.leader,
                                  retryable(cluster_errc::leader_unreachable));
  auto rp = self->template make_response_promise<Reply>();
  count_sent(self);
  self->request(leader, forward_timeout, std::move(xs)...)
    .then([rp](Reply& r) mutable { rp.deliver(std::move(r)); },
          [rp](caf::error& err) mutable { rp.deliver(std::move(err)); });
  return rp;
}

caf::error not_in_cluster(self_ptr self) {
  return actors::make_caf_error(cluster_errc::not_in_cluster,
                                "node " + self->state.cfg.node_id + " is not in a cluster yet",
                                retryable(cluster_errc::not_in_cluster));
}

/// Reads the view this node saved; until the cluster answers, it serves
/// what the saved map gave it.
void load_saved(self_ptr self) {
  auto& st = self->state;
  auto saved = storage::load_cluster_view(*st.cfg.db);
  if (saved && saved->has_value()) {
    st.persisted = from_record(**saved);
    st.view = *st.persisted;
    st.view.leader.clear();
    apply_ownership(self);
  } else if (!saved) {
    log::error("cluster", "cannot read the saved cluster view: ", saved.err().message());
  }
}

void tick(self_ptr self) {
  auto& st = self->state;
  self->delayed_send(self, st.cfg.interval, caf::tick_atom::value);
  publish_members(self);
  if (!st.joined)
    return try_join(self);
  heartbeat(self);
  connect_members(self);
  rebalance(self);
}

} // namespace

bool is_leader(self_ptr self) {
  return self->state.joined && self->state.view.leader == self->state.cfg.node_id;
}

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

void set_joined(self_ptr self, bool joined) {
  self->state.joined = joined;
  if (self->state.cfg.joined)
    self->state.cfg.joined->store(joined);
}

void publish_view(self_ptr self) {
  ++self->state.view.version;
  view_changed(self);
  broadcast(self);
}

void adopt(self_ptr self, cluster_view view) {
  auto& st = self->state;
  st.view = std::move(view);
  view_changed(self);
  auto standing = membership::standing_of(st.view, st.cfg.node_id);
  if (standing != membership::standing::member) {
    if (standing == membership::standing::removed && st.drained_told)
      return;
    log::warn("cluster", "the cluster's view has this node ",
              standing == membership::standing::removed ? "removed" : "down",
              ": joining again");
    set_joined(self, false);
    return;
  }
  connect_members(self);
  maybe_drained(self);
}

member_handles handles_of(self_ptr self) {
  auto& st = self->state;
  if (!st.joined) {
    auto h = peer_table::self_only(st.cfg.node_id, st.cfg.db->shard_count());
    h.roster.self = st.cfg.node_id;
    return h;
  }
  auto h = st.peers.handles(st.view, st.cfg.node_id);
  h.roster = admission::roster_of(st.view, st.cfg.node_id, st.incoming.expected());
  return h;
}

void publish_members(self_ptr self) {
  auto& st = self->state;
  if (st.cfg.members_out)
    st.cfg.members_out->set(std::make_shared<const member_handles>(handles_of(self)));
}

cluster_actor::behavior_type cluster_behavior(self_ptr self, cluster_config cfg) {
  self->state.cfg = std::move(cfg);
  load_saved(self);
  set_joined(self, false);
  self->set_down_handler([self](caf::down_msg& msg) {
    auto id = self->state.peers.owner_of(msg.source);
    if (!id)
      return;
    self->state.peers.detach(*id);
    lost(self, *id, "its connection is gone (" + self->system().render(msg.reason) + ")");
  });
  self->send(self, caf::tick_atom::value);
  return {
    [self](actors::info_atom) -> uint64_t { return self->mailbox().size(); },
    [self](join_atom, member_info& m, caf::actor& admin) -> caf::result<cluster_view> {
      count_received(self);
      if (!self->state.joined)
        return not_in_cluster(self);
      if (is_leader(self))
        return admit(self, std::move(m), std::move(admin));
      return forward_to_leader<cluster_view>(self, join_atom::value, std::move(m),
                                             std::move(admin));
    },
    [self](heartbeat_atom, const std::string& from, uint64_t version, uint64_t customers,
           caf::actor& admin) {
      count_received(self);
      on_heartbeat(self, from, version, customers, std::move(admin));
    },
    [self](view_atom, cluster_view& v) {
      count_received(self);
      auto& st = self->state;
      if (st.joined && membership::check_newer(st.view, v))
        adopt(self, std::move(v));
    },
    [self](view_atom) -> cluster_view {
      count_received(self);
      return self->state.view;
    },
    [self](nodes_atom) {
      auto& st = self->state;
      return st.peers.rows(st.view, st.cfg.node_id,
                           storage::estimate_customers(*st.cfg.db),
                           clock_type::now());
    },
    [self](members_atom) { return handles_of(self); },
    [self](drain_atom, const std::string& id) -> caf::result<std::string> {
      if (!self->state.joined)
        return not_in_cluster(self);
      if (!is_leader(self))
        return forward_to_leader<std::string>(self, drain_atom::value, id);
      return drain(self, id);
    },
    [self](incoming_atom, const sharding::shard_move& move, uint64_t) {
      count_received(self);
      expect_shard(self, move);
      return true;
    },
    [self](handoff_atom, sharding::shard_move& move) {
      count_received(self);
      hand_off(self, move);
    },
    [self](moved_atom, sharding::shard_move& move, bool ok, std::string& reason) {
      moved(self, move, ok, reason);
    },
    [self](erased_atom, uint32_t shard, bool) {
      self->state.outgoing.erased(shard);
      maybe_drained(self);
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
