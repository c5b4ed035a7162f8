#pragma once
/// Every type that crosses a process boundary in a CAF message, with its
/// `inspect` overload, and `register_wire_types`, which every process that
/// sends or receives them calls on its config before the actor system is
/// built. (A receiver that lacks a registration silently gets an empty
/// message: keep every wire type in this one header.)

#include <cstdint>
#include <string>

#include <caf/actor_system_config.hpp>
#include <caf/atom.hpp>
#include <caf/meta/type_name.hpp>

#include "actors/actor_entry.hpp"
#include "actors/atoms.hpp"
#include "customers/audit_report.hpp"
#include "actors/breaker_status.hpp"
#include "campaign/report.hpp"
#include "campaign/status.hpp"
#include "campaign/dead_letter_replay.hpp"
#include "customers/import_types.hpp"
#include "cluster/cluster_protocol.hpp"
#include "cluster/cluster_view.hpp"
#include "cluster/member_protocol.hpp"

namespace troupe::cluster {

// Atoms of the admin protocol (at most 10 characters each).
using health_atom = caf::atom_constant<caf::atom("health")>;
using breakers_atom = caf::atom_constant<caf::atom("breakers")>;
using actors::cancel_atom;
using actors::count_atom;
using actors::create_atom;
using actors::list_atom;
using actors::page_atom;
using actors::pause_atom;
using actors::replay_atom;
using actors::resume_atom;
using actors::start_atom;
using actors::status_atom;
using actors::import_atom;
using actors::tree_atom;
using actors::verify_atom;
using actors::report_atom;
using actors::export_atom;
using actors::erase_atom;

/// A node's answer to `health`.
struct health_info {
  std::string node_id;
  int64_t uptime_ms = 0;
  std::string storage_state;   ///< "open" or "closed"
  uint32_t schema_version = 0;
  uint32_t shard_count = 0;
  bool ready = false;          ///< storage open, not draining
  /// "off", or how peers prove who they are ("tls, tokens, cluster secret").
  std::string authentication;
  /// Who asked, as the node knows them: "alice (operator)".
  std::string caller;
  /// Copies wanted per shard, and the shards short of in-sync copies or
  /// without a live primary, as this node's view of the map says.
  uint32_t replication_factor = 1;
  uint32_t under_replicated = 0;
  uint32_t unavailable = 0;
  /// The corpus version campaigns started here now would use (0: none).
  uint64_t corpus_version = 0;
  /// The node's build (TROUPE_VERSION).
  std::string version;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, health_info& x) {
  return f(caf::meta::type_name("troupe.health_info"), x.node_id, x.uptime_ms,
           x.storage_state, x.schema_version, x.shard_count, x.ready,
           x.authentication, x.caller, x.replication_factor, x.under_replicated,
           x.unavailable, x.corpus_version, x.version);
}

/// Registers every wire type; call once per process on its config.
void register_wire_types(caf::actor_system_config& cfg);

} // namespace troupe::cluster
