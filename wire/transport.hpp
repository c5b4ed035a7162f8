#pragma once
/// How this process's BASP traffic travels: through CAF's middleman (and its
/// OpenSSL module when --tls-* are given), every connection behind the gate
/// (wire/gate.hpp). `main` loads the modules before the actor system
/// starts, then starts the gated middleman actor and hands it to whatever
/// connects or publishes (the node, the cluster actor, the shell): nothing
/// reaches CAF's own middleman actor.

#include <memory>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/io/middleman_actor.hpp>

#include "config/tls_files.hpp"
#include "wire/gate.hpp"

namespace troupe::wire {

/// Loads CAF's middleman and, with TLS files, its OpenSSL module configured
/// to present `tls.cert` and to accept only peers signed by `tls.ca`.
void load_transport(caf::actor_system_config& cfg, const config::tls_files& tls);

/// The middleman actor that connects, publishes and unpublishes through `g`
/// (TLS when the OpenSSL module is loaded).
caf::io::middleman_actor start_transport(caf::actor_system& sys, std::shared_ptr<gate> g);

/// Stops it (before the actor system ends: it is a detached actor, and like
/// CAF's own middleman actor it ignores ordinary exit messages).
void stop_transport(const caf::io::middleman_actor& transport);

/// A client's transport (the shell, a benchmark, a test tool): a gate that
/// proves this process with `creds` and counts no refusals (a client
/// exports no metrics), its middleman actor, stopped as it goes out of scope.
class client_transport {
public:
  client_transport(caf::actor_system& sys, credentials creds);
  ~client_transport() { stop_transport(actor_); }
  client_transport(const client_transport&) = delete;
  client_transport& operator=(const client_transport&) = delete;

  const caf::io::middleman_actor& actor() const { return actor_; }
  /// Why a node refused this process's connection (`refused_at`).
  const wire::gate& gate() const { return *gate_; }

private:
  std::shared_ptr<wire::gate> gate_;
  caf::io::middleman_actor actor_;
};

} // namespace troupe::wire
