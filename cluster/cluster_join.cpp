// The cluster actor joining a cluster through a seed, forming one alone
// (or resuming the one it saved), and, as leader, admitting a member. The
// rules are cluster/membership; refusals travel as cluster_errc.

#include <caf/io/middleman.hpp>
#include <caf/io/middleman_actor.hpp>

#include "cluster/member_protocol.hpp"
#include "actors/actor_error.hpp"
#include "cluster/cluster_errc.hpp"
#include "cluster/cluster_state.hpp"
#include "cluster/membership.hpp"
#include "common/log.hpp"

namespace troupe::cluster {

namespace {

/// Forms a cluster of this node alone, or resumes the one it saved.
void form(self_ptr self) {
  auto& st = self->state;
  st.view = membership::form(st.persisted, self_info(self), st.cfg.db->shard_count());
  if (st.persisted)
    log::info("cluster", "no member answered: resuming the saved cluster (view ",
              st.view.version, ") with this node as leader");
  else
    log::info("cluster", "formed a new cluster: ", st.cfg.db->shard_count(),
              " shards, all on this node");
  set_joined(self, true);
  publish_view(self);
  connect_members(self);
}

/// A join the leader will never accept for this node: retrying cannot
/// help, the node stops. (A malformed join is retried: the next one names
/// the admin actor again.)
bool refused(const caf::error& err) {
  return actors::is(err, cluster_errc::shard_count_mismatch)
         || actors::is(err, cluster_errc::refused_join);
}

/// The leader's view arrived: this node is in.
void joined(self_ptr self, cluster_view view) {
  auto& st = self->state;
  count_received(self);
  st.joining = false;
  st.failed_joins = 0;
  set_joined(self, true);
  log::info("cluster", "joined the cluster led by ", view.leader, " (", view.members.size(),
            " members, view ", view.version, ")");
  adopt(self, std::move(view));
}

} // namespace

void try_join(self_ptr self) {
  auto& st = self->state;
  if (st.joining || st.cfg.port->load() == 0)
    return;
  auto seeds = membership::join_addresses(st.cfg.seeds, st.persisted, st.cfg.node_id);
  // Without --seeds, a node that tried every member it knew leads alone.
  if (membership::should_form(!st.cfg.seeds.empty(), seeds.size(), st.failed_joins))
    return form(self);
  auto admin = own_admin(self);
  if (!admin)
    return; // the admin actor is (re)starting: the next tick tries
  auto address = seeds[st.next_seed++ % seeds.size()];
  auto colon = address.rfind(':');
  auto host = address.substr(0, colon);
  auto port = static_cast<uint16_t>(std::stoi(address.substr(colon + 1)));
  st.joining = true;
  auto mm = self->state.cfg.transport;
  auto failed = [self, address, port](const std::string& why) {
    auto& st = self->state;
    st.joining = false;
    ++st.failed_joins;
    // Tried every tick: logged at the 1st, 2nd, 4th, 8th... failure.
    if ((st.failed_joins & (st.failed_joins - 1)) != 0)
      return;
    auto refused = st.cfg.gate ? st.cfg.gate->refused_at(port) : std::nullopt;
    log::warn("cluster", "cannot join through ", address, ": ",
              refused ? "refused: " + refused->message() : why,
              st.cfg.seeds.empty() ? ""
                                   : " (trying again; " + std::to_string(st.failed_joins) +
                                       " tries so far, logged again at " +
                                       std::to_string(st.failed_joins * 2) + ")");
  };
  self->request(mm, connect_timeout, caf::connect_atom::value, host, port)
    .then(
      [self, failed, admin](const caf::node_id&, caf::strong_actor_ptr& ptr,
                            const std::set<std::string>&) {
        if (!ptr)
          return failed("no admin actor is published there");
        // What is published is the node's shell gateway; the join goes to
        // its member gateway, whose handle the shell gateway gives.
        self->request(caf::actor_cast<caf::actor>(ptr), connect_timeout, member_atom::value)
          .then(
            [self, failed, admin](caf::actor& seed) {
              count_sent(self);
              self->request(seed, forward_timeout, join_atom::value, self_info(self), admin)
                .then([self](cluster_view& view) { joined(self, std::move(view)); },
                      [self, failed](caf::error& err) {
                        if (refused(err) && self->state.cfg.fatal) {
                          self->state.cfg.fatal(actors::describe(err));
                          self->state.joining = false;
                          return;
                        }
                        failed(self->system().render(err));
                      });
            },
            [failed](caf::error& err) { failed("no member gateway: " + actors::describe(err)); });
      },
      [self, failed](caf::error& err) { failed(self->system().render(err)); });
}

caf::result<cluster_view> admit(self_ptr self, member_info m, caf::actor admin) {
  auto& st = self->state;
  auto id = m.id;
  auto address = m.address();
  auto admitted = membership::admit(st.view, std::move(m), st.cfg.node_id);
  if (!admitted)
    return actors::to_caf_error(admitted.err());
  if (!admin)
    return actors::make_caf_error(cluster_errc::malformed_join,
                                  "the join of " + id + " names no admin actor",
                                  retryable(cluster_errc::malformed_join));
  attach_peer(self, id, std::move(admin));
  log::info("cluster", "member ", id, admitted->rejoined ? " is back at " : " joins at ",
            address);
  st.view = std::move(admitted->view);
  publish_view(self);
  return st.view;
}

} // namespace troupe::cluster
