#include "runtime/shell_door.hpp"

#include <chrono>

#include <caf/all.hpp>

#include "common/identifier.hpp"
#include "common/log.hpp"
#include "runtime/shell_commands.hpp"

namespace troupe::runtime {

namespace {

using door_idle_atom = caf::atom_constant<caf::atom("doorIdle")>;

/// Who sent the current message; nullopt when the node cannot tell.
std::optional<trust::peer> sender_of(caf::scheduled_actor* self, const gateway_context& ctx) {
  if (!ctx.peers)
    return trust::peer{"local", trust::role::open, ""};
  return ctx.peers->who(self->current_sender(), self->home_system().node());
}

std::string needed_role(const shell_command& cmd) {
  if (cmd.members_only)
    return "node";
  switch (cmd.needs) {
    case trust::permission::read: return "viewer";
    case trust::permission::ingest: return "ingest or operator";
    default: return "operator";
  }
}

/// The audit record of `cmd` from `who`, with the campaign or customer it names.
v1::AuditRecord command_record(const shell_command& cmd, const trust::peer& who,
                               const caf::type_erased_tuple& msg) {
  v1::AuditRecord r;
  r.set_kind("command");
  r.set_actor(who.name + " (" + std::string{trust::to_string(who.role)} + ")");
  r.set_term(cmd.name);
  r.set_address(who.address.empty() ? "local" : who.address);
  if (msg.size() > 1 && msg.match_element<campaign_id>(1))
    r.set_campaign_id(msg.get_as<campaign_id>(1).str());
  if (msg.size() > 1 && msg.match_element<customer_id>(1))
    r.set_customer_id(msg.get_as<customer_id>(1).str());
  if (msg.size() > 1 && msg.match_element<node_id>(1))
    r.set_document_id(msg.get_as<node_id>(1).str());
  r.set_ts_ms(std::chrono::duration_cast<std::chrono::milliseconds>(
                std::chrono::system_clock::now().time_since_epoch())
                .count());
  return r;
}

caf::behavior door(caf::event_based_actor* self, caf::actor gateway, gateway_context ctx) {
  self->link_to(gateway);
  self->set_default_handler(
    [self, gateway, ctx](caf::scheduled_actor*, caf::message_view& xs)
      -> caf::result<caf::message> {
      auto& content = xs.content();
      auto cmd = shell_command_of(content);
      if (!cmd)
        return caf::sec::unexpected_message;
      auto who = sender_of(self, ctx);
      if (!who || !permitted(*cmd, who->role)) {
        if (ctx.refusals)
          ctx.refusals->refuse("permission_denied", who ? who->name : "",
                               who ? who->address : "", cmd->name);
        return runtime_failure(runtime_errc::permission_denied,
                               "permission denied: " + cmd->name + " needs the " +
                                 needed_role(*cmd) + " role" +
                                 (who ? "" : " (this node cannot tell who sent it)"));
      }
      if (cmd->audited && ctx.audit && ctx.status && ctx.status->store) {
        storage::write_batch batch;
        std::vector<v1::AuditRecord> records{command_record(*cmd, *who, content)};
        if (auto st = ctx.audit->write(*ctx.status->store, batch, std::move(records)); !st) {
          log::error("audit", "cannot record ", cmd->name, " from ", who->name, ": ",
                     st.err().message());
          return runtime_failure(runtime_errc::not_running,
                                 "the audit chain cannot record " + cmd->name + ": " +
                                   st.err().message());
        }
      }
      return self->delegate(gateway, xs.move_content_to_message());
    });
  return {[](door_idle_atom) {}};
}

} // namespace

shell_api spawn_shell_door(caf::actor_system& sys, shell_api gateway, gateway_context ctx) {
  return caf::actor_cast<shell_api>(
    sys.spawn(door, caf::actor_cast<caf::actor>(gateway), std::move(ctx)));
}

} // namespace troupe::runtime
