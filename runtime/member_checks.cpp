#include "runtime/member_checks.hpp"

#include <caf/all.hpp>

#include "actors/actor_error.hpp"
#include "cluster/cluster_errc.hpp"

namespace troupe::runtime {

namespace {

using namespace cluster::admission;

/// The sender of the current message, and how to name it in the log.
struct who_sent {
  sender facts;
  std::string name;
  std::string address;
};

who_sent sender_of(caf::local_actor* self, const trust::peer_directory& peers) {
  auto& ptr = self->current_sender();
  auto own = self->home_system().node();
  who_sent out;
  if (ptr) {
    out.facts.node = caf::to_string(ptr->node());
    out.facts.local = ptr->node() == own;
    out.name = out.facts.node;
  }
  if (auto p = peers.who(ptr, own)) {
    out.facts.role = p->role;
    out.name = p->name;
    out.address = p->address;
  }
  return out;
}

} // namespace

verdict judge(caf::local_actor* self, const gateway_context& ctx, const std::string& what,
              const member_rule& rule) {
  if (!ctx.peers)
    return {};
  auto handles = ctx.members ? ctx.members->get() : nullptr;
  static const roster none;
  auto who = sender_of(self, *ctx.peers);
  auto reason = rule(handles ? handles->roster : none, who.facts);
  if (!reason.empty() && ctx.refusals)
    ctx.refusals->refuse(reason, who.name, who.address, what);
  return reason;
}

caf::error refused(verdict reason, const std::string& what) {
  return actors::make_caf_error(cluster::cluster_errc::refused,
                                "refused (" + std::string{reason} + "): " + what,
                                retryable(cluster::cluster_errc::refused));
}

std::string node_of(const caf::actor& handle) {
  return handle ? caf::to_string(handle.node()) : std::string{};
}

} // namespace troupe::runtime
