#pragma once
/// Which of CAF's connection managers carries this process's BASP traffic:
/// the plain middleman, or CAF's OpenSSL module when --tls-* are given. The
/// node, the cluster actor and the shell connect and publish only through
/// `transport(sys)`, so TLS on means every connection is TLS.

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/io/middleman_actor.hpp>

#include "config/tls_files.hpp"

namespace troupe::cluster {

/// Loads CAF's middleman and, with TLS files, its OpenSSL module configured
/// to present `tls.cert` and to accept only peers signed by `tls.ca`.
void load_transport(caf::actor_system_config& cfg, const config::tls_files& tls);

/// The middleman actor that connects, publishes and unpublishes: OpenSSL's
/// when the module is loaded, else the plain one.
caf::io::middleman_actor transport(caf::actor_system& sys);

} // namespace troupe::cluster
