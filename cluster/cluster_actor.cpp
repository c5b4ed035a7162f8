#include "cluster/cluster_actor.hpp"
#include "cluster/member_protocol.hpp"

#include <thread>

#include <caf/io/middleman.hpp>
#include <caf/io/middleman_actor.hpp>

#include "actors/actor_error.hpp"
#include "cluster/handoff.hpp"
#include "cluster/transport.hpp"
#include "common/log.hpp"
#include "storage/keys.hpp"

namespace troupe::cluster {

namespace {

using clock_type = std::chrono::steady_clock;
using std::chrono::milliseconds;

constexpr auto connect_timeout = std::chrono::seconds(5);
constexpr auto forward_timeout = std::chrono::seconds(30);
/// A handoff that has not finished after this long is given up and retried.
constexpr auto move_deadline = std::chrono::minutes(30);

/// Another member as this node knows it.
struct peer {
  caf::actor admin;                 ///< its admin actor; null while not connected
  bool connecting = false;
  bool heard = false;               ///< a heartbeat arrived since it was (re)connected
  clock_type::time_point last_heard = clock_type::now();
  uint64_t customers = 0;
};

struct cluster_state {
  cluster_config cfg;
  cluster_view view;
  bool joined = false;
  bool joining = false;             ///< a join request is in flight
  std::size_t next_seed = 0;
  std::size_t failed_joins = 0;
  std::optional<cluster_view> persisted;
  std::map<std::string, peer> peers;
  std::optional<sharding::shard_move> moving; ///< leader: the handoff under way
  clock_type::time_point move_started;
  std::set<uint32_t> outgoing;      ///< shards this node streams away, old copy not yet deleted
  std::set<uint32_t> erasing;       ///< of those, the ones being deleted
  bool drained_told = false;
};

using self_ptr = caf::stateful_actor<cluster_state>*;

void publish_members(self_ptr self);

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
  return m;
}

/// This node's admin actor, which the other members talk to (null until
/// it has started).
caf::actor own_admin(self_ptr self) {
  if (!self->state.cfg.admin)
    return {};
  return caf::actor_cast<caf::actor>(self->state.cfg.admin->get());
}

/// Takes a member's admin handle (from its join or its heartbeat).
void attach_peer(self_ptr self, const std::string& id, caf::actor admin) {
  auto& p = self->state.peers[id];
  if (p.admin == admin)
    return;
  if (p.admin)
    self->demonitor(p.admin);
  p.admin = std::move(admin);
  p.connecting = false;
  p.heard = false;
  p.last_heard = clock_type::now();
  self->monitor(p.admin);
  publish_members(self);
}

void count_sent(self_ptr self) {
  if (self->state.cfg.metrics)
    self->state.cfg.metrics->sent->Increment();
}

void count_received(self_ptr self) {
  if (self->state.cfg.metrics)
    self->state.cfg.metrics->received->Increment();
}

void update_metrics(self_ptr self) {
  auto& m = self->state.cfg.metrics;
  if (!m)
    return;
  double joining = 0, up = 0, leaving = 0, down = 0;
  for (auto& member : self->state.view.members) {
    if (member.state == member_state::joining)
      ++joining;
    else if (member.state == member_state::up)
      ++up;
    else if (member.state == member_state::leaving)
      ++leaving;
    else
      ++down;
  }
  m->joining->Set(joining);
  m->up->Set(up);
  m->leaving->Set(leaving);
  m->down->Set(down);
  m->shards_owned->Set(
    static_cast<double>(self->state.view.map.shards_of(self->state.cfg.node_id).size()));
}

void persist(self_ptr self) {
  auto record = to_record(self->state.view);
  auto st = self->state.cfg.db->put(storage::column::metadata, storage::keys::metadata_cluster,
                                    record);
  if (!st)
    log::error("cluster", "cannot save the cluster view: ", st.err().message());
}

/// Tells the node's actors which shards it serves now.
void apply_ownership(self_ptr self) {
  auto& st = self->state;
  std::vector<bool> owned(st.view.map.shard_count(), false);
  for (uint32_t s = 0; s < st.view.map.shard_count(); ++s)
    owned[s] = st.view.map.primary(s) == st.cfg.node_id;
  st.cfg.ownership->assign(owned);
}

void connect(self_ptr self, const member_info& m);

/// Sends the view to every member this node can reach.
void broadcast(self_ptr self) {
  for (auto& [id, p] : self->state.peers)
    if (p.admin) {
      self->send(p.admin, view_atom::value, self->state.view);
      count_sent(self);
    }
}

/// Connects to the older members of the view (lower join sequence) this
/// node has no connection to. A newer member learns nothing by waiting: it
/// connects; an older one learns the newer one's admin actor from its join
/// or its heartbeats. So two members never open a connection each (CAF
/// closes the redundant one, and with its OpenSSL module that close takes
/// the other connection's route down too).
void connect_members(self_ptr self) {
  auto& st = self->state;
  auto* me = st.view.find(st.cfg.node_id);
  for (auto& m : st.view.members) {
    if (m.id == st.cfg.node_id || m.state == member_state::down)
      continue;
    auto& p = st.peers[m.id];
    if (me != nullptr && m.seq > me->seq)
      continue;
    if (!p.admin && !p.connecting)
      connect(self, m);
  }
}

/// Deletes the old copy of shards this node streamed away once the map
/// gives them to another member.
void erase_moved(self_ptr self) {
  auto& st = self->state;
  for (auto shard : st.outgoing)
    if (st.view.map.primary(shard) != st.cfg.node_id && st.erasing.insert(shard).second)
      spawn_shard_eraser(self->system(), st.cfg.db, st.cfg.ownership, shard,
                         caf::actor_cast<caf::actor>(self));
}

/// The view changed: save it, serve the shards it gives this node, delete
/// the copies of shards it gave away.
void view_changed(self_ptr self) {
  persist(self);
  apply_ownership(self);
  update_metrics(self);
  erase_moved(self);
  publish_members(self);
}

/// The leader changed the view: the next version, acted on and pushed.
void publish_view(self_ptr self) {
  ++self->state.view.version;
  view_changed(self);
  broadcast(self);
}

void maybe_drained(self_ptr self) {
  auto& st = self->state;
  auto* me = st.view.find(st.cfg.node_id);
  if (me == nullptr || me->state != member_state::leaving || st.drained_told)
    return;
  if (!st.view.map.shards_of(st.cfg.node_id).empty() || !st.outgoing.empty())
    return;
  st.drained_told = true;
  log::info("cluster", "drained: this node owns no shards any more and leaves the cluster");
  if (st.cfg.drained)
    st.cfg.drained();
}

/// Takes a newer view (from the leader, or any member that has one).
void adopt(self_ptr self, cluster_view view, bool force = false) {
  auto& st = self->state;
  if (!force && view.version <= st.view.version)
    return;
  st.view = std::move(view);
  view_changed(self);
  auto* me = st.view.find(st.cfg.node_id);
  if (me == nullptr || me->state == member_state::down) {
    if (me == nullptr && st.drained_told)
      return;
    log::warn("cluster", "the cluster's view has this node ",
              me == nullptr ? "removed" : "down", ": joining again");
    st.joined = false;
    if (st.cfg.joined)
      st.cfg.joined->store(false);
    return;
  }
  connect_members(self);
  maybe_drained(self);
}

/// A member cannot be reached: as leader, mark it down (a drained member
/// leaves the view); as the next oldest member, take over a dead leader.
void lost(self_ptr self, const std::string& id, const std::string& why) {
  auto& st = self->state;
  auto& p = st.peers[id];
  if (p.admin)
    self->demonitor(p.admin);
  p.admin = nullptr;
  p.connecting = false;
  p.heard = false;
  publish_members(self);
  auto* m = st.view.find(id);
  if (m == nullptr || m->state == member_state::down || !st.joined)
    return;
  log::warn("cluster", "member ", id, " is unreachable: ", why);
  if (!is_leader(self)) {
    if (id != st.view.leader)
      return;
    std::set<std::string> gone{id};
    for (auto& [pid, pp] : st.peers)
      if (!pp.admin)
        gone.insert(pid);
    auto next = st.view.successor(gone);
    if (!next || *next != st.cfg.node_id)
      return;
    log::warn("cluster", "the leader ", id, " is gone: this node leads now");
    st.view.leader = st.cfg.node_id;
    m = st.view.find(id);
  }
  if (st.moving && (st.moving->from == id || st.moving->to == id))
    st.moving.reset();
  bool leaving_empty =
    m->state == member_state::leaving && st.view.map.shards_of(id).empty();
  if (leaving_empty) {
    st.view.members.erase(std::remove_if(st.view.members.begin(), st.view.members.end(),
                                         [&](auto& x) { return x.id == id; }),
                          st.view.members.end());
    st.peers.erase(id);
  } else {
    m->state = member_state::down;
  }
  publish_view(self);
}

void connect(self_ptr self, const member_info& m) {
  auto id = m.id;
  self->state.peers[id].connecting = true;
  auto mm = transport(self->home_system());
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
        auto& p = self->state.peers[id];
        p.connecting = false;
        log::debug("cluster", "cannot reach ", id, " at ", address, ": ",
                   self->system().render(err));
      });
}

/// Forms a cluster of this node alone, or resumes the one it saved.
void form(self_ptr self) {
  auto& st = self->state;
  auto me = self_info(self);
  if (st.persisted) {
    st.view = *st.persisted;
    for (auto& m : st.view.members)
      if (m.id != me.id)
        m.state = member_state::down;
    if (auto* mine = st.view.find(me.id)) {
      mine->host = me.host;
      mine->port = me.port;
      mine->state = member_state::up;
    } else {
      me.seq = st.view.next_seq++;
      st.view.members.push_back(me);
    }
    log::info("cluster", "no member answered: resuming the saved cluster (view ",
              st.view.version, ") with this node as leader");
  } else {
    st.view = cluster_view{};
    me.seq = 0;
    st.view.members = {me};
    st.view.next_seq = 1;
    st.view.map = sharding::initial_shard_map(st.cfg.db->shard_count(), me.id);
    log::info("cluster", "formed a new cluster: ", st.cfg.db->shard_count(),
              " shards, all on this node");
  }
  st.view.leader = me.id;
  st.joined = true;
  if (st.cfg.joined)
    st.cfg.joined->store(true);
  publish_view(self);
  connect_members(self);
}

/// The addresses to join through: --seeds, else the members of the saved view.
std::vector<std::string> seeds_of(self_ptr self) {
  auto& st = self->state;
  if (!st.cfg.seeds.empty())
    return st.cfg.seeds;
  std::vector<std::string> out;
  if (st.persisted)
    for (auto& m : st.persisted->members)
      if (m.id != st.cfg.node_id)
        out.push_back(m.address());
  return out;
}

/// A join the leader will never accept (retrying cannot help).
caf::error refusal(std::string why) {
  return actors::make_caf_error(actors::actors_errc::bad_request, std::move(why));
}

bool is_refusal(const caf::error& err) {
  return actors::is(err, actors::actors_errc::bad_request);
}

template <class Failed>
void join_through(self_ptr self, const caf::actor& seed, const caf::actor& admin,
                  Failed failed);

void try_join(self_ptr self) {
  auto& st = self->state;
  if (st.joining || st.cfg.port->load() == 0)
    return;
  auto seeds = seeds_of(self);
  if (seeds.empty())
    return form(self);
  // Without --seeds, a node that tried every member it knew leads alone.
  if (st.cfg.seeds.empty() && st.failed_joins >= seeds.size())
    return form(self);
  auto admin = own_admin(self);
  if (!admin)
    return; // the admin actor is (re)starting: the next tick tries
  auto address = seeds[st.next_seed++ % seeds.size()];
  auto colon = address.rfind(':');
  auto host = address.substr(0, colon);
  auto port = static_cast<uint16_t>(std::stoi(address.substr(colon + 1)));
  st.joining = true;
  auto mm = transport(self->home_system());
  auto failed = [self, address](const std::string& why) {
    auto& st = self->state;
    st.joining = false;
    ++st.failed_joins;
    log::warn("cluster", "cannot join through ", address, ": ", why,
              st.cfg.seeds.empty() ? "" : " (trying again)");
  };
  self->request(mm, connect_timeout, caf::connect_atom::value, host, port)
    .then(
      [self, failed, admin](const caf::node_id&, caf::strong_actor_ptr& ptr,
                            const std::set<std::string>&) {
        if (!ptr)
          return failed("no admin actor is published there");
        self->request(caf::actor_cast<caf::actor>(ptr), connect_timeout, member_atom::value)
          .then([self, failed, admin](caf::actor& seed) { join_through(self, seed, admin, failed); },
                [failed](caf::error& err) {
                  failed("no member gateway: " + actors::describe(err));
                });
      },
      [failed](caf::error& err) { failed(actors::describe(err)); });
}

template <class Failed>
void join_through(self_ptr self, const caf::actor& seed, const caf::actor& admin,
                  Failed failed) {
        count_sent(self);
        self->request(seed, forward_timeout, join_atom::value, self_info(self), admin)
          .then(
            [self](cluster_view& view) {
              auto& st = self->state;
              count_received(self);
              st.joining = false;
              st.joined = true;
              st.failed_joins = 0;
              if (st.cfg.joined)
                st.cfg.joined->store(true);
              log::info("cluster", "joined the cluster led by ", view.leader, " (",
                        view.members.size(), " members, view ", view.version, ")");
              adopt(self, std::move(view), true);
            },
            [self, failed](caf::error& err) {
              if (is_refusal(err) && self->state.cfg.fatal) {
                self->state.cfg.fatal(actors::describe(err));
                self->state.joining = false;
                return;
              }
              failed(self->system().render(err));
            });
}

/// The leader admits a member: checks it, takes its admin actor from the
/// join (no second connection: see connect_members), then answers with the
/// view that has it up.
caf::result<cluster_view> admit(self_ptr self, member_info m, caf::actor admin) {
  auto& st = self->state;
  if (m.shard_count != st.view.map.shard_count())
    return refusal("node " + m.id + " has " + std::to_string(m.shard_count)
                             + " shards in its data dir; the cluster has "
                             + std::to_string(st.view.map.shard_count())
                             + " shards: start it on a new data dir with --shards "
                             + std::to_string(st.view.map.shard_count()));
  if (m.id == st.cfg.node_id)
    return refusal("node id " + m.id + " is the leader's own id");
  if (!admin)
    return caf::make_error(caf::sec::request_receiver_down,
                           "the join of " + m.id + " names no admin actor");
  attach_peer(self, m.id, std::move(admin));
  auto* known = st.view.find(m.id);
  m.state = member_state::up;
  m.seq = st.view.next_seq++;
  if (known != nullptr) {
    log::info("cluster", "member ", m.id, " is back at ", m.address());
    *known = m;
  } else {
    log::info("cluster", "member ", m.id, " joins at ", m.address());
    st.view.members.push_back(m);
  }
  publish_view(self);
  return st.view;
}

/// The leader starts the next shard move, if one is due.
void rebalance(self_ptr self) {
  auto& st = self->state;
  if (!is_leader(self))
    return;
  if (st.moving && clock_type::now() - st.move_started > move_deadline) {
    log::warn("cluster", "the handoff of shard ", st.moving->shard, " took too long");
    st.moving.reset();
  }
  if (st.moving)
    return;
  auto move = sharding::next_move(st.view.map, st.view.receivers(), st.view.leaving());
  if (!move)
    return;
  if (move->from.empty()) { // no copy anywhere: nothing to stream
    st.view.map = sharding::apply_move(st.view.map, *move);
    publish_view(self);
    return;
  }
  auto source = move->from == st.cfg.node_id ? caf::actor_cast<caf::actor>(self)
                                             : st.peers[move->from].admin;
  auto target = st.peers[move->to].admin;
  if (!source || (move->to != st.cfg.node_id && !target))
    return; // not reachable now: the next tick tries again
  st.moving = move;
  st.move_started = clock_type::now();
  log::info("cluster", "moving shard ", move->shard, " from ", move->from, " to ", move->to);
  self->send(source, handoff_atom::value, *move);
  if (move->from != st.cfg.node_id)
    count_sent(self);
}

std::vector<node_row> rows(self_ptr self) {
  auto& st = self->state;
  auto counts = st.view.map.counts();
  std::vector<node_row> out;
  auto now = clock_type::now();
  for (auto& m : st.view.members) {
    node_row r;
    r.id = m.id;
    r.address = m.address();
    r.state = m.state;
    r.shards = counts[m.id];
    r.leader = m.id == st.view.leader;
    if (m.id == st.cfg.node_id) {
      r.customers = st.cfg.db->estimate_keys(storage::column::customers);
      r.last_heartbeat_ms = 0;
    } else if (auto it = st.peers.find(m.id); it != st.peers.end() && it->second.heard) {
      r.customers = it->second.customers;
      r.last_heartbeat_ms = std::chrono::duration_cast<milliseconds>(now - it->second.last_heard)
                              .count();
    }
    out.push_back(std::move(r));
  }
  return out;
}

member_handles handles(self_ptr self) {
  auto& st = self->state;
  member_handles h;
  h.self = st.cfg.node_id;
  if (!st.joined) {
    h.primary.assign(st.cfg.db->shard_count(), st.cfg.node_id);
    h.primary_admin.assign(st.cfg.db->shard_count(), caf::actor{});
    return h;
  }
  for (auto& m : st.view.members) {
    if (m.id == st.cfg.node_id)
      continue;
    auto it = st.peers.find(m.id);
    if (m.state != member_state::down && it != st.peers.end() && it->second.admin)
      h.peers.emplace_back(m.id, it->second.admin);
    else if (auto shards = st.view.map.shards_of(m.id); !shards.empty())
      h.unreachable[m.id] = std::move(shards);
  }
  auto n = st.view.map.shard_count();
  h.primary.resize(n);
  h.primary_admin.resize(n);
  for (uint32_t s = 0; s < n; ++s) {
    h.primary[s] = st.view.map.primary(s);
    if (h.primary[s] != st.cfg.node_id)
      if (auto it = st.peers.find(h.primary[s]); it != st.peers.end())
        h.primary_admin[s] = it->second.admin;
  }
  return h;
}

/// Shares the members and shard owners with the admin actor (see
/// cluster_config::members_out).
void publish_members(self_ptr self) {
  if (self->state.cfg.members_out)
    self->state.cfg.members_out->set(std::make_shared<const member_handles>(handles(self)));
}

void tick(self_ptr self) {
  auto& st = self->state;
  self->delayed_send(self, st.cfg.interval, caf::tick_atom::value);
  publish_members(self);
  if (!st.joined)
    return try_join(self);
  auto customers = st.cfg.db->estimate_keys(storage::column::customers);
  auto now = clock_type::now();
  auto admin = own_admin(self);
  std::vector<std::pair<std::string, std::string>> silent;
  for (auto& [id, p] : st.peers) {
    if (!p.admin)
      continue;
    self->send(p.admin, heartbeat_atom::value, st.cfg.node_id, st.view.version, customers,
               admin);
    count_sent(self);
    if (now - p.last_heard > st.cfg.timeout)
      silent.emplace_back(id, "no heartbeat for "
                                + std::to_string(std::chrono::duration_cast<milliseconds>(
                                                   now - p.last_heard)
                                                   .count())
                                + " ms");
  }
  for (auto& [id, why] : silent)
    lost(self, id, why);
  connect_members(self);
  rebalance(self);
}

caf::behavior cluster_impl(self_ptr self, cluster_config cfg) {
  auto& st = self->state;
  st.cfg = std::move(cfg);
  auto saved = st.cfg.db->get<v1::ClusterView>(storage::column::metadata,
                                               storage::keys::metadata_cluster);
  if (saved && saved->has_value()) {
    st.persisted = from_record(**saved);
    st.view = *st.persisted;
    st.view.leader.clear();
    // Until the cluster answers, serve what the saved map gave this node.
    apply_ownership(self);
  } else if (!saved) {
    log::error("cluster", "cannot read the saved cluster view: ", saved.err().message());
  }
  if (st.cfg.joined)
    st.cfg.joined->store(false);
  self->set_down_handler([self](caf::down_msg& msg) {
    for (auto& [id, p] : self->state.peers)
      if (p.admin && p.admin.address() == msg.source) {
        p.admin = nullptr;
        lost(self, id, "its connection is gone (" + self->system().render(msg.reason) + ")");
        return;
      }
  });
  self->send(self, caf::tick_atom::value);
  return {
    [self](caf::tick_atom) { tick(self); },
    [self](join_atom, member_info& m, caf::actor& admin) -> caf::result<cluster_view> {
      count_received(self);
      auto& st = self->state;
      if (!st.joined)
        return caf::make_error(caf::sec::request_receiver_down,
                               "node " + st.cfg.node_id + " is not in a cluster yet");
      if (is_leader(self))
        return admit(self, std::move(m), std::move(admin));
      auto leader = st.peers[st.view.leader].admin;
      if (!leader)
        return caf::make_error(caf::sec::request_receiver_down,
                               "node " + st.cfg.node_id + " cannot reach its leader "
                                 + st.view.leader);
      auto rp = self->make_response_promise<cluster_view>();
      count_sent(self);
      self->request(leader, forward_timeout, join_atom::value, std::move(m), std::move(admin))
        .then([rp](cluster_view& v) mutable { rp.deliver(std::move(v)); },
              [rp](caf::error& err) mutable { rp.deliver(std::move(err)); });
      return rp;
    },
    [self](heartbeat_atom, const std::string& from, uint64_t version, uint64_t customers,
           caf::actor& admin) {
      count_received(self);
      auto& st = self->state;
      auto* m = st.view.find(from);
      if (m == nullptr || from == st.cfg.node_id)
        return;
      if (!st.peers[from].admin && admin && m->state != member_state::down)
        attach_peer(self, from, std::move(admin));
      auto& p = st.peers[from];
      p.heard = true;
      p.last_heard = clock_type::now();
      p.customers = customers;
      if (version > st.view.version && p.admin && st.joined) {
        count_sent(self);
        self->request(p.admin, forward_timeout, view_atom::value)
          .then([self](cluster_view& v) { adopt(self, std::move(v)); },
                [](caf::error&) { /* the next heartbeat asks again */ });
      }
    },
    [self](view_atom, cluster_view& v) {
      count_received(self);
      if (self->state.joined)
        adopt(self, std::move(v));
    },
    [self](view_atom) -> cluster_view {
      count_received(self);
      return self->state.view;
    },
    [self](nodes_atom) { return rows(self); },
    [self](members_atom) { return handles(self); },
    [self](drain_atom, const std::string& id) -> caf::result<std::string> {
      auto& st = self->state;
      if (!st.joined)
        return caf::make_error(caf::sec::request_receiver_down, "not in a cluster yet");
      if (!is_leader(self)) {
        auto leader = st.peers[st.view.leader].admin;
        if (!leader)
          return caf::make_error(caf::sec::request_receiver_down,
                                 "cannot reach the leader " + st.view.leader);
        auto rp = self->make_response_promise<std::string>();
        count_sent(self);
        self->request(leader, forward_timeout, drain_atom::value, id)
          .then([rp](std::string& text) mutable { rp.deliver(std::move(text)); },
                [rp](caf::error& err) mutable { rp.deliver(std::move(err)); });
        return rp;
      }
      auto* m = st.view.find(id);
      if (m == nullptr)
        return caf::make_error(caf::sec::request_receiver_down,
                               "no member named '" + id + "'");
      if (m->state == member_state::down)
        return caf::make_error(caf::sec::request_receiver_down,
                               "member " + id + " is down: its shards cannot be streamed");
      auto others = st.view.receivers();
      others.erase(std::remove(others.begin(), others.end(), id), others.end());
      if (others.empty())
        return caf::make_error(caf::sec::request_receiver_down,
                               "member " + id + " is the only one up: nobody could take its "
                                 "shards");
      auto shards = st.view.map.shards_of(id).size();
      if (m->state != member_state::leaving) {
        m->state = member_state::leaving;
        publish_view(self);
        rebalance(self);
      }
      return "draining " + id + ": " + std::to_string(shards) + " shards to hand off";
    },
    [self](handoff_atom, sharding::shard_move& move) {
      count_received(self);
      auto& st = self->state;
      auto target = st.peers[move.to].admin;
      if (!target) {
        self->send(self, moved_atom::value, move, false,
                   "this node cannot reach " + move.to);
        return;
      }
      st.outgoing.insert(move.shard);
      handoff_job job;
      job.move = move;
      job.target = target;
      job.reply_to = caf::actor_cast<caf::actor>(self);
      job.db = st.cfg.db;
      job.ownership = st.cfg.ownership;
      job.batch = st.cfg.handoff_batch;
      job.metrics = st.cfg.metrics;
      spawn_handoff_sender(self->system(), std::move(job));
    },
    [self](moved_atom, sharding::shard_move& move, bool ok, std::string& reason) {
      auto& st = self->state;
      if (move.from == st.cfg.node_id && !ok)
        st.outgoing.erase(move.shard);
      if (!is_leader(self)) {
        // From this node's sender: to the leader.
        auto leader = st.peers[st.view.leader].admin;
        if (leader) {
          self->send(leader, moved_atom::value, move, ok, reason);
          count_sent(self);
        }
        return;
      }
      if (!st.moving || st.moving->shard != move.shard || st.moving->to != move.to)
        return;
      auto seconds = std::chrono::duration<double>(clock_type::now() - st.move_started).count();
      st.moving.reset();
      if (!ok) {
        log::warn("cluster", "handoff of shard ", move.shard, " to ", move.to,
                  " failed: ", reason, " (will try again)");
        return;
      }
      if (st.cfg.metrics)
        st.cfg.metrics->handoff_seconds->Observe(seconds);
      st.view.map = sharding::apply_move(st.view.map, move);
      log::info("cluster", "shard ", move.shard, " now on ", move.to, " (map ",
                st.view.map.version, ", ", seconds, " s)");
      publish_view(self);
      rebalance(self);
    },
    [self](erased_atom, uint32_t shard, bool) {
      self->state.outgoing.erase(shard);
      self->state.erasing.erase(shard);
      maybe_drained(self);
    },
  };
}

} // namespace

caf::actor spawn_cluster_actor(caf::actor_system& sys, cluster_config cfg) {
  return sys.spawn<caf::detached>(cluster_impl, std::move(cfg));
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
