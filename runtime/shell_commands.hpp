#pragma once
/// What each shell-API message is, as an operator calls it, and who may
/// send it: the table the shell door (runtime/shell_door.hpp) checks every
/// message against before the shell gateway sees it.
///
///   viewer    health, nodes, actors, breakers, segment count,
///             campaign list/status/report
///   operator  the rest: imports, event ingest, campaign create/start/pause/
///             resume/cancel/export, dead letters, customer get/export/
///             delete, audit verify, node drain
///   node      the member gateway's handle (`member_atom`)
/// `audited` marks the commands that change state: each is appended to the
/// audit chain with who sent it and from where (an import once, at its
/// first chunk).

#include <optional>
#include <string>

#include <caf/message_view.hpp>

#include "trust/role.hpp"

namespace troupe::runtime {

struct shell_command {
  std::string name;       ///< "customer delete", "import customers"
  bool members_only = false; ///< the member protocol's door (member_atom)
  trust::permission needs = trust::permission::operate;
  bool audited = false;
};

/// The command `msg` is, or nullopt for a message that is no shell command.
std::optional<shell_command> shell_command_of(const caf::type_erased_tuple& msg);

/// Whether a peer with `r` may send it.
bool permitted(const shell_command& cmd, trust::role r);

} // namespace troupe::runtime
