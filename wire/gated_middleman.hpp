#pragma once
/// The middleman actor this process connects and publishes through: CAF's
/// own (`caf::io::middleman_actor_impl`) with its two hooks, `connect` and
/// `open`, making gated scribes (wire/gated_scribe.hpp) instead of CAF's
/// plain or OpenSSL ones. Spawned by `wire::start_transport`.

#include <memory>

#include <caf/actor_system.hpp>
#include <caf/io/middleman_actor.hpp>

#include "wire/gate.hpp"

namespace troupe::wire {

/// Spawns the gated middleman actor of `sys`, TLS when `tls` (CAF's OpenSSL
/// module must be loaded then).
caf::io::middleman_actor spawn_gated_middleman(caf::actor_system& sys, std::shared_ptr<gate> g,
                                               bool tls);

} // namespace troupe::wire
