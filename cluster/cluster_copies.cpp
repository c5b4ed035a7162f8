// The cluster actor's shard copies: as a shard's primary, the catch-ups of
// the replicas the map adds (cluster/handoff streams them) and the
// handovers the leader asks for; as any member, its drain.

#include <algorithm>

#include "actors/actor_error.hpp"
#include "cluster/cluster_errc.hpp"
#include "cluster/cluster_state.hpp"
#include "cluster/membership.hpp"
#include "common/log.hpp"

namespace troupe::cluster {

namespace {

using clock_type = std::chrono::steady_clock;

/// The changes that end a catch-up: the replica in sync; with factor 1
/// (no replica kept) it is a move: the replica becomes the primary and
/// this copy goes.
std::vector<sharding::placement_change> ending(self_ptr self, const catch_up& c) {
  using sharding::change_kind;
  std::vector<sharding::placement_change> out{{change_kind::mark_in_sync, c.shard, c.to, c.epoch}};
  if (self->state.view.map.factor == 1) {
    out.push_back({change_kind::switch_primary, c.shard, c.to, c.epoch});
    out.push_back({change_kind::drop_replica, c.shard, self->state.cfg.node_id, c.epoch + 1});
  }
  return out;
}

} // namespace

void start_catch_ups(self_ptr self) {
  auto& st = self->state;
  if (!st.joined || st.solo || st.view.map.version < st.settled)
    return;
  for (auto c : st.work.due(st.view, st.cfg.node_id, st.cfg.max_catch_ups, clock_type::now())) {
    auto target = st.peers.admin_of(c.to);
    // Not connected yet, or the replica has not seen the map that adds it
    // (it would refuse the batches): the next tick tries again.
    if (!target || st.peers.map_version_of(c.to) < st.work.due_since(c, st.view.map.version))
      continue;
    c.started = clock_type::now();
    st.work.started(c);
    log::info("cluster", "copying shard ", c.shard, " to ", c.to, " (epoch ", c.epoch, ")");
    handoff_job job;
    job.copy = c;
    job.target = target;
    job.reply_to = caf::actor_cast<caf::actor>(self);
    job.db = st.cfg.db;
    job.ownership = st.cfg.ownership;
    job.batch = st.cfg.handoff_batch;
    job.metrics = st.cfg.metrics;
    spawn_handoff_sender(self->system(), std::move(job));
  }
}

void caught(self_ptr self, const catch_up& c, bool ok, const std::string& reason) {
  auto& st = self->state;
  if (!ok) {
    log::warn("cluster", "cannot copy shard ", c.shard, " to ", c.to, ": ", reason,
              " (will try again)");
    st.work.finished(c, false, clock_type::now());
    return;
  }
  auto changes = ending(self, c);
  self->request(st.agent, forward_timeout, apply_atom::value, changes)
    .then(
      [self, c, changes](const sharding::placement_map& map) {
        auto& st = self->state;
        st.settled = std::max(st.settled, map.version);
        auto now = clock_type::now();
        st.work.finished(c, true, now);
        if (st.cfg.metrics)
          st.cfg.metrics->handoff_seconds->Observe(
            std::chrono::duration<double>(now - c.started).count());
        for (auto& ch : changes)
          log::info("cluster", sharding::describe(ch));
        if (changes.size() == 1) // in sync: served again once the view holds this map
          st.unseal_at[c.shard] = map.version;
        // A move: the shard stays sealed until its copy here is deleted.
      },
      [self, c](caf::error& err) {
        auto& st = self->state;
        log::warn("cluster", "copied shard ", c.shard, " to ", c.to,
                  " but the map did not take it: ", actors::describe(err), " (will try again)");
        st.work.finished(c, false, clock_type::now());
        st.cfg.ownership->unseal(c.shard);
      });
}

void hand_over(self_ptr self, const sharding::placement_change& change) {
  auto& st = self->state;
  if (!st.joined || change.shard >= st.view.map.shard_count())
    return;
  const auto& primary = st.view.map.primary(change.shard);
  if (primary != st.cfg.node_id) {
    // The leader's agent asks this node: the primary is another member.
    if (auto admin = st.peers.admin_of(primary)) {
      tell(self, admin, handover_atom::value, change);
      count_sent(self);
    }
    return;
  }
  if (st.work.handing_over(change.shard) || st.work.copying(change.shard))
    return;
  st.work.handover(change.shard, true);
  spawn_sealer(self->system(), st.cfg.ownership, change, caf::actor_cast<caf::actor>(self));
}

void sealed(self_ptr self, const sharding::placement_change& change, bool ok) {
  auto& st = self->state;
  if (!ok) {
    log::warn("cluster", "cannot ", sharding::describe(change),
              ": a campaign runner did not leave the shard in time");
    st.work.handover(change.shard, false);
    return;
  }
  self->request(st.agent, forward_timeout, apply_atom::value,
                std::vector<sharding::placement_change>{change})
    .then(
      [self, change](const sharding::placement_map& map) {
        log::info("cluster", sharding::describe(change));
        self->state.settled = std::max(self->state.settled, map.version);
        self->state.work.handover(change.shard, false);
        // The view holding this map serves it no more: unsealed then.
        self->state.unseal_at[change.shard] = map.version;
      },
      [self, change](caf::error& err) {
        log::warn("cluster", "cannot ", sharding::describe(change), ": ",
                  actors::describe(err));
        self->state.work.handover(change.shard, false);
        self->state.cfg.ownership->unseal(change.shard);
      });
}

caf::result<std::string> drain(self_ptr self, const std::string& id) {
  auto& st = self->state;
  if (st.solo)
    return actors::make_caf_error(cluster_errc::no_receiver,
                                  "node " + id + " is alone (no --etcd): no member could "
                                    "take its shards",
                                  false);
  if (!st.joined)
    return actors::make_caf_error(cluster_errc::not_in_cluster,
                                  "node " + st.cfg.node_id + " is not in a cluster yet",
                                  true);
  if (id == st.cfg.node_id) {
    auto rp = self->make_response_promise<std::string>();
    auto primaries = st.view.map.primaries_of(id).size();
    auto replicas = st.view.map.replicas_of(id).size();
    self->request(st.agent, forward_timeout, leave_atom::value)
      .then(
        [rp, id, primaries, replicas](bool) mutable {
          rp.deliver("draining " + id + ": " + std::to_string(primaries) + " shards and "
                     + std::to_string(replicas) + " replicas to hand off");
        },
        [rp](caf::error& err) mutable { rp.deliver(std::move(err)); });
    return rp;
  }
  if (st.view.find(id) == nullptr)
    return actors::make_caf_error(cluster_errc::unknown_member,
                                  "no live member " + id + " in the cluster", false);
  auto admin = st.peers.admin_of(id);
  if (!admin)
    return actors::make_caf_error(cluster_errc::member_down,
                                  "node " + st.cfg.node_id + " cannot reach member " + id,
                                  true);
  auto rp = self->make_response_promise<std::string>();
  count_sent(self);
  self->request(admin, forward_timeout, drain_atom::value, id)
    .then([rp](std::string& r) mutable { rp.deliver(std::move(r)); },
          [rp](caf::error& err) mutable { rp.deliver(std::move(err)); });
  return rp;
}

caf::result<std::string> force_promote(self_ptr self, uint32_t shard, const std::string& id) {
  auto& st = self->state;
  auto refused = [](std::string why) {
    return caf::result<std::string>{
      actors::make_caf_error(cluster_errc::change_refused, std::move(why), false)};
  };
  if (st.solo)
    return refused("node " + st.cfg.node_id + " is alone (no --etcd): its shards are its own");
  if (!st.joined)
    return actors::make_caf_error(cluster_errc::not_in_cluster,
                                  "node " + st.cfg.node_id + " is not in a cluster yet", true);
  if (shard >= st.view.map.shard_count())
    return refused("no shard " + std::to_string(shard) + " (the cluster has "
                   + std::to_string(st.view.map.shard_count()) + ")");
  const auto& p = st.view.map.shards[shard];
  if (st.view.find(id) == nullptr)
    return refused("no live member " + id + " in the cluster");
  if (!p.primary.empty() && st.view.find(p.primary) != nullptr)
    return refused("shard " + std::to_string(shard) + " has a live primary (" + p.primary
                   + "): a forced promotion is for a shard whose primary is lost");
  auto lacked = p.in_sync(id) ? std::string{"an in-sync replica: nothing is lost"}
                : p.holds(id) ? std::string{"an out-of-sync replica: the writes it lacks are lost"}
                              : std::string{"no copy: the shard starts empty there"};
  sharding::placement_change change{sharding::change_kind::force_promote, shard, id, p.epoch};
  auto rp = self->make_response_promise<std::string>();
  self->request(st.agent, forward_timeout, apply_atom::value,
                std::vector<sharding::placement_change>{change})
    .then(
      [rp, change, lacked](const sharding::placement_map& map) mutable {
        const auto& now = map.shards[change.shard];
        log::warn("cluster", "forced: ", sharding::describe(change), " (it held ", lacked, ")");
        rp.deliver("shard " + std::to_string(change.shard) + ": " + change.node
                   + " is its primary at epoch " + std::to_string(now.epoch) + " (it held "
                   + lacked + "); its other replicas are copied anew");
      },
      [rp](caf::error& err) mutable { rp.deliver(std::move(err)); });
  return rp;
}

void unseal_settled(self_ptr self) {
  auto& st = self->state;
  for (auto it = st.unseal_at.begin(); it != st.unseal_at.end();) {
    if (it->second > st.view.map.version) {
      ++it;
      continue;
    }
    st.cfg.ownership->unseal(it->first);
    it = st.unseal_at.erase(it);
  }
}

void maybe_drained(self_ptr self) {
  auto& st = self->state;
  if (st.drained_told || !membership::drained(st.view, st.cfg.node_id, st.work.busy()))
    return;
  st.drained_told = true;
  log::info("cluster", "drained: this node holds no shards any more and leaves the cluster");
  if (st.cfg.drained)
    st.cfg.drained();
}

} // namespace troupe::cluster
