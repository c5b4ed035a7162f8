#pragma once
/// The admin actor: the shell's entry point into a node, published on the
/// node's --cluster-port through CAF's middleman.
///
///   admin_actor:
///     (health_atom) -> health_info    // node id, uptime, storage, schema
///
/// It answers from in-memory state only (no disk I/O on the scheduler).

#include <memory>

#include <caf/typed_actor.hpp>

#include "cluster/wire_types.hpp"
#include "runtime/node_status.hpp"

namespace troupe::runtime {

using admin_actor =
  caf::typed_actor<caf::replies_to<cluster::health_atom>::with<cluster::health_info>>;

/// Spawns the admin actor of a node.
admin_actor spawn_admin_actor(caf::actor_system& sys,
                              std::shared_ptr<const node_status> status);

/// What `health` answers for this node right now.
cluster::health_info health_of(const node_status& status);

} // namespace troupe::runtime
