#pragma once
/// The shell door: the actor published on the cluster port, in front of the
/// shell gateway. For every message it looks up who sent it (the peer
/// directory the gate fills), checks the sender's role against the command
/// (runtime/shell_commands.hpp), appends a command that changes state to
/// the audit chain with who sent it and from where, and only then hands the
/// message on to the gateway (delegated: the gateway answers the sender).
/// A refused command gets `permission denied: <command> needs the
/// <role> role`, counted in troupe_refused_messages_total{reason=
/// "permission_denied"}; a message that is no shell command gets CAF's
/// unexpected_message, as the typed gateway would answer it.

#include <memory>

#include <caf/actor_system.hpp>

#include "runtime/gateway_context.hpp"
#include "runtime/shell_api.hpp"
#include "storage/audit_log.hpp"

namespace troupe::runtime {

/// Spawns the door in front of `gateway` (linked: they end together).
shell_api spawn_shell_door(caf::actor_system& sys, shell_api gateway, gateway_context ctx);

} // namespace troupe::runtime
