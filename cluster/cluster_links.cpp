// The cluster actor's links to the other members: connections (one per
// pair; the newer member connects), heartbeats, and what happens when a
// member is lost (membership::lose). The table and the failure detector
// are cluster/peers; the rules cluster/membership.

#include <caf/io/middleman.hpp>
#include <caf/io/middleman_actor.hpp>

#include "actors/actor_error.hpp"
#include "cluster/member_protocol.hpp"
#include "cluster/cluster_state.hpp"
#include "cluster/membership.hpp"
#include "common/log.hpp"
#include "storage/cluster_records.hpp"
#include "storage/customer_records.hpp"

namespace troupe::cluster {

namespace {

using clock_type = std::chrono::steady_clock;

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
              p.last_heard = clock_type::now();
              self->monitor(p.admin);
              publish_members(self);
            },
            [self, id](caf::error& err) {
              self->state.peers[id].connecting = false;
              log::debug("cluster", "no member gateway from ", id, ": ",
                         actors::describe(err));
            });
      },
      [self, id, address = m.address()](caf::error& err) {
        self->state.peers[id].connecting = false;
        log::debug("cluster", "cannot reach ", id, " at ", address, ": ",
                   self->system().render(err));
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
  for (auto& id : membership::connect_to(st.view, st.cfg.node_id)) {
    auto& p = st.peers[id];
    if (!p.admin && !p.connecting)
      connect(self, *st.view.find(id));
  }
}

void lost(self_ptr self, const std::string& id, const std::string& why) {
  auto& st = self->state;
  if (auto old = st.peers.detach(id))
    self->demonitor(old);
  publish_members(self);
  if (!st.joined)
    return;
  auto next = membership::lose(st.view, st.cfg.node_id, id, st.peers.unreachable());
  if (!next) {
    auto* m = st.view.find(id);
    if (m != nullptr && m->state != member_state::down)
      log::warn("cluster", "member ", id, " is unreachable: ", why);
    return;
  }
  log::warn("cluster", "member ", id, " is unreachable: ", why);
  if (next->leader != st.view.leader)
    log::warn("cluster", "the leader ", id, " is gone: this node leads now");
  st.moves.forget(id);
  if (next->find(id) == nullptr)
    st.peers.erase(id);
  st.view = std::move(*next);
  publish_view(self);
}

void heartbeat(self_ptr self) {
  auto& st = self->state;
  auto customers = storage::estimate_customers(*st.cfg.db);
  auto admin = own_admin(self);
  for (auto& [id, peer_admin] : st.peers.connected()) {
    tell(self, peer_admin, heartbeat_atom::value, st.cfg.node_id, st.view.version, customers,
               admin);
    count_sent(self);
  }
  for (auto& [id, why] : st.peers.silent(clock_type::now(), st.cfg.timeout))
    lost(self, id, why);
}

void on_heartbeat(self_ptr self, const std::string& from, uint64_t version,
                  uint64_t customers, caf::actor admin) {
  auto& st = self->state;
  auto* m = st.view.find(from);
  if (m == nullptr || from == st.cfg.node_id)
    return;
  if (!st.peers.admin_of(from) && admin && m->state != member_state::down)
    attach_peer(self, from, std::move(admin));
  st.peers.heard(from, customers, clock_type::now());
  auto peer_admin = st.peers.admin_of(from);
  if (version > st.view.version && peer_admin && st.joined) {
    count_sent(self);
    self->request(peer_admin, forward_timeout, view_atom::value)
      .then(
        [self](cluster_view& v) {
          if (membership::check_newer(self->state.view, v))
            adopt(self, std::move(v));
        },
        [](caf::error&) { /* the next heartbeat asks again */ });
  }
}

} // namespace troupe::cluster
