// The cluster actor's links to the other members: connections (one per
// pair; the newer member connects) and heartbeats (what `nodes` shows of
// the others; whether a member is live is etcd's word, not theirs). The
// table is cluster/peers; the rules cluster/membership.

#include <caf/io/middleman.hpp>
#include <caf/io/middleman_actor.hpp>

#include "actors/actor_error.hpp"
#include "cluster/member_protocol.hpp"
#include "cluster/cluster_state.hpp"
#include "cluster/membership.hpp"
#include "cluster/replica_lag.hpp"
#include "common/log.hpp"
#include "storage/cluster_records.hpp"
#include "storage/customer_records.hpp"

namespace troupe::cluster {

namespace {

using clock_type = std::chrono::steady_clock;

/// What this node's store applied of each shard, in records (0 where the
/// log cannot say: a shard it holds no copy of counts nothing).
std::vector<uint64_t> own_records(self_ptr self) {
  auto& st = self->state;
  std::vector<uint64_t> out(st.cfg.db->shard_count(), 0);
  if (!st.cfg.log)
    return out;
  for (uint32_t s = 0; s < out.size(); ++s)
    if (auto p = st.cfg.log->applied(s))
      out[s] = p->records;
  return out;
}

lag_table lag_given(self_ptr self, const std::vector<uint64_t>& own) {
  auto& st = self->state;
  return replica_lag(st.view.map, [&](const std::string& node, uint32_t shard) {
    if (node == st.cfg.node_id)
      return shard < own.size() ? std::optional<uint64_t>{own[shard]} : std::nullopt;
    return st.peers.records_of(node, shard);
  });
}

/// Logs why a connection to `id` failed, once until the reason changes.
void connect_failed(self_ptr self, const std::string& id, const std::string& why) {
  auto& last = self->state.connect_errors[id];
  if (last != why)
    log::warn("cluster", why);
  last = why;
}

void connect(self_ptr self, const member_info& m) {
  auto id = m.id;
  self->state.peers[id].connecting = true;
  auto mm = self->state.cfg.transport;
  self->request(mm, connect_timeout, caf::connect_atom::value, m.host, m.port)
    .then(
      [self, id](const caf::node_id&, caf::strong_actor_ptr& ptr,
                 const std::set<std::string>&) {
        if (!ptr) {
          self->state.peers[id].connecting = false;
          return;
        }
        // What is published is the node's shell gateway; members talk to
        // its member gateway, whose handle the shell gateway gives.
        self->request(caf::actor_cast<caf::actor>(ptr), connect_timeout, member_atom::value)
          .then(
            [self, id](caf::actor& member) {
              auto& p = self->state.peers[id];
              p.connecting = false;
              p.admin = std::move(member);
              self->state.connect_errors.erase(id);
              p.last_heard = clock_type::now();
              self->monitor(p.admin);
              publish_members(self);
            },
            [self, id](caf::error& err) {
              self->state.peers[id].connecting = false;
              connect_failed(self, id, "member " + id + " refused this node's member "
                                         "connection: " + actors::describe(err));
            });
      },
      [self, id, address = m.address()](caf::error& err) {
        self->state.peers[id].connecting = false;
        connect_failed(self, id, "cannot reach member " + id + " at " + address + ": "
                                   + self->system().render(err));
      });
}

} // namespace

void attach_peer(self_ptr self, const std::string& id, caf::actor admin) {
  auto replaced = self->state.peers.attach(id, admin, clock_type::now());
  if (!replaced)
    return;
  if (*replaced)
    self->demonitor(*replaced);
  self->monitor(admin);
  publish_members(self);
}

void connect_members(self_ptr self) {
  auto& st = self->state;
  // Members that are not live any more: forget their connection.
  for (auto& [id, admin] : st.peers.connected())
    if (st.view.find(id) == nullptr) {
      self->demonitor(admin);
      st.peers.detach(id);
      st.peers.erase(id);
      publish_members(self);
    }
  for (auto& id : membership::connect_to(st.view, st.cfg.node_id)) {
    auto& p = st.peers[id];
    if (!p.admin && !p.connecting)
      connect(self, *st.view.find(id));
  }
}

std::vector<std::vector<int64_t>> lag_of(self_ptr self) {
  return lag_given(self, own_records(self));
}

void heartbeat(self_ptr self) {
  auto& st = self->state;
  auto customers = storage::estimate_customers(*st.cfg.db);
  auto records = own_records(self);
  auto admin = own_admin(self);
  for (auto& [id, peer_admin] : st.peers.connected()) {
    tell(self, peer_admin, heartbeat_atom::value, st.cfg.node_id, st.view.map.version,
         customers, records, admin);
    count_sent(self);
  }
  if (st.cfg.metrics)
    st.cfg.metrics->replica_lag->Set(static_cast<double>(
      lag_behind(st.view.map, lag_given(self, records), st.cfg.node_id)));
}

void on_heartbeat(self_ptr self, const std::string& from, uint64_t version,
                  uint64_t customers, std::vector<uint64_t> records, caf::actor admin) {
  auto& st = self->state;
  if (st.view.find(from) == nullptr || from == st.cfg.node_id)
    return;
  if (!st.peers.admin_of(from) && admin)
    attach_peer(self, from, std::move(admin));
  st.peers.heard(from, customers, clock_type::now());
  st.peers.saw_map(from, version);
  st.peers.saw_records(from, std::move(records));
}

} // namespace troupe::cluster
