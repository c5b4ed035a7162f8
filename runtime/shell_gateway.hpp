#pragma once
/// The shell gateway: the node's actor for shells, published on the node's
/// --cluster-port; it answers `shell_api` (runtime/shell_api.hpp). Commands
/// that span members start a coordinator (runtime/coordinator.hpp) and relay
/// its answer; the rest go to this node's actors. It answers from in-memory
/// state and by asking other actors; it never does disk I/O itself.

#include <caf/actor_system.hpp>

#include "runtime/gateway_context.hpp"
#include "runtime/shell_api.hpp"

namespace troupe::runtime {

shell_api spawn_shell_gateway(caf::actor_system& sys, gateway_context ctx);

} // namespace troupe::runtime
