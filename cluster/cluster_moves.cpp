// The cluster actor's shard moves: as leader, the next move towards
// balance and the drains (cluster/rebalancer); as old owner, streaming a
// shard away (cluster/handoff) and deleting its old copy once the map
// gave it to another member.

#include "actors/actor_error.hpp"
#include "cluster/cluster_state.hpp"
#include "cluster/handoff.hpp"
#include "cluster/membership.hpp"
#include "common/log.hpp"

namespace troupe::cluster {

namespace {

using clock_type = std::chrono::steady_clock;

/// Where the leader sends `(handoff_atom, move)` for a shard of `id`.
caf::actor handoff_source(self_ptr self, const std::string& id) {
  if (id == self->state.cfg.node_id)
    return caf::actor_cast<caf::actor>(self);
  return self->state.peers.admin_of(id);
}

/// The move under way is given up (the next step tries it again).
void give_up(self_ptr self, const sharding::shard_move& move, const std::string& why) {
  log::warn("cluster", "cannot move shard ", move.shard, " to ", move.to, ": ", why,
            " (will try again)");
  self->state.moves.finished(move, clock_type::now());
}

/// Tells the old owner to stream the shard, once the new owner expects it.
void order_stream(self_ptr self, const sharding::shard_move& move) {
  auto& moving = self->state.moves.moving();
  if (!moving || moving->shard != move.shard || moving->to != move.to)
    return; // given up or forgotten meanwhile
  auto source = handoff_source(self, move.from);
  if (!source)
    return give_up(self, move, "this node cannot reach " + move.from);
  tell(self, source, handoff_atom::value, move);
  if (move.from != self->state.cfg.node_id)
    count_sent(self);
}

/// Tells the new owner to expect the shard from the old one (which is the
/// only member it then takes the shard's batches from), then orders the
/// stream: the announcement is answered before the first batch can leave.
void announce(self_ptr self, const sharding::shard_move& move) {
  auto& st = self->state;
  if (move.to == st.cfg.node_id) {
    expect_shard(self, move);
    return order_stream(self, move);
  }
  auto target = st.peers.admin_of(move.to);
  if (!target)
    return give_up(self, move, "this node cannot reach " + move.to);
  count_sent(self);
  self->request(target, forward_timeout, incoming_atom::value, move, st.view.version)
    .then([self, move](bool) { order_stream(self, move); },
          [self, move](caf::error& err) { give_up(self, move, actors::describe(err)); });
}

} // namespace

void rebalance(self_ptr self) {
  auto& st = self->state;
  if (!is_leader(self))
    return;
  auto reachable = [self](const std::string& id) {
    return static_cast<bool>(handoff_source(self, id));
  };
  auto step = st.moves.next(st.view, clock_type::now(), reachable);
  if (step.expired)
    log::warn("cluster", "the handoff of shard ", step.move.shard, " took too long");
  switch (step.what) {
    case rebalancer::action::none:
      return;
    case rebalancer::action::apply: // no copy anywhere: nothing to stream
      st.view.map = sharding::apply_move(st.view.map, step.move);
      publish_view(self);
      return;
    case rebalancer::action::stream:
      log::info("cluster", "moving shard ", step.move.shard, " from ", step.move.from, " to ",
                step.move.to);
      announce(self, step.move);
      return;
  }
}

void expect_shard(self_ptr self, const sharding::shard_move& move) {
  self->state.incoming.expect(move);
  publish_members(self);
}

void hand_off(self_ptr self, const sharding::shard_move& move) {
  auto& st = self->state;
  auto target = st.peers.admin_of(move.to);
  if (!target) {
    self->send(self, moved_atom::value, move, false, "this node cannot reach " + move.to);
    return;
  }
  st.outgoing.streaming(move.shard);
  handoff_job job;
  job.move = move;
  job.target = target;
  job.reply_to = caf::actor_cast<caf::actor>(self);
  job.db = st.cfg.db;
  job.ownership = st.cfg.ownership;
  job.batch = st.cfg.handoff_batch;
  job.metrics = st.cfg.metrics;
  spawn_handoff_sender(self->system(), std::move(job));
}

void moved(self_ptr self, const sharding::shard_move& move, bool ok, const std::string& reason) {
  auto& st = self->state;
  if (move.from == st.cfg.node_id && !ok)
    st.outgoing.failed(move.shard);
  if (!is_leader(self)) {
    // From this node's sender: to the leader.
    if (auto leader = st.peers.admin_of(st.view.leader)) {
      tell(self, leader, moved_atom::value, move, ok, reason);
      count_sent(self);
    }
    return;
  }
  auto took = st.moves.finished(move, clock_type::now());
  if (!took)
    return;
  auto seconds = std::chrono::duration<double>(*took).count();
  if (!ok) {
    log::warn("cluster", "handoff of shard ", move.shard, " to ", move.to, " failed: ", reason,
              " (will try again)");
    return;
  }
  if (st.cfg.metrics)
    st.cfg.metrics->handoff_seconds->Observe(seconds);
  st.view.map = sharding::apply_move(st.view.map, move);
  log::info("cluster", "shard ", move.shard, " now on ", move.to, " (map ", st.view.map.version,
            ", ", seconds, " s)");
  publish_view(self);
  rebalance(self);
}

caf::result<std::string> drain(self_ptr self, const std::string& id) {
  auto& st = self->state;
  auto plan = start_drain(st.view, id);
  if (!plan)
    return actors::to_caf_error(plan.err());
  if (plan->changed) {
    st.view = std::move(plan->view);
    publish_view(self);
    rebalance(self);
  }
  return "draining " + id + ": " + std::to_string(plan->shards) + " shards to hand off";
}

void erase_moved(self_ptr self) {
  auto& st = self->state;
  for (auto shard : st.outgoing.to_erase(st.view.map, st.cfg.node_id))
    spawn_shard_eraser(self->system(), st.cfg.db, st.cfg.ownership, shard,
                       caf::actor_cast<caf::actor>(self));
}

void maybe_drained(self_ptr self) {
  auto& st = self->state;
  if (st.drained_told || !membership::drained(st.view, st.cfg.node_id, st.outgoing.busy()))
    return;
  st.drained_told = true;
  log::info("cluster", "drained: this node owns no shards any more and leaves the cluster");
  if (st.cfg.drained)
    st.cfg.drained();
}

} // namespace troupe::cluster
