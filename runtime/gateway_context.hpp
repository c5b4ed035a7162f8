#pragma once
/// What the node's two gateways (the shell gateway and the member gateway)
/// and the coordinators they start know of their node: handles they read
/// from slots, never by asking, and the root supervisor to find the
/// node's other actors by name. Filled by the node before the cluster port
/// opens; read from any actor (the slots are thread-safe).

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include <caf/actor.hpp>
#include <caf/error.hpp>

#include "actors/handle_slot.hpp"
#include "config/input_limits.hpp"
#include "cluster/cluster_protocol.hpp"
#include "cluster/wire_types.hpp"
#include "customers/registry.hpp"
#include "runtime/node_status.hpp"
#include "runtime/runtime_error.hpp"
#include "storage/audit_log.hpp"
#include "trust/peer_directory.hpp"
#include "trust/refusals.hpp"

namespace troupe::runtime {

/// How long a gateway waits for one of its own node's actors.
constexpr auto ask_timeout = std::chrono::seconds(3);
/// Campaign commands may wait for a runner to count the customers.
constexpr auto campaign_timeout = std::chrono::seconds(120);
/// Imports and corpus versions: a chunk's write batch.
constexpr auto import_timeout = std::chrono::seconds(120);
/// Scans of the whole store: counts, reports, the audit chain, replays.
constexpr auto scan_timeout = std::chrono::seconds(3600);

struct gateway_context {
  std::shared_ptr<const node_status> status;
  /// The root supervisor; set by the node before the cluster port opens.
  std::shared_ptr<const caf::actor> guardian;
  /// Supervision paths of the node's circuit breakers, below the root.
  std::vector<std::string> breaker_paths;
  /// The node's cluster actor, set each time it (re)starts.
  std::shared_ptr<actors::handle_slot<caf::actor>> cluster;
  /// The members and shard owners as the cluster actor last published them
  /// (null until it has): commands route without asking it.
  std::shared_ptr<actors::handle_slot<std::shared_ptr<const cluster::member_handles>>> members;
  /// The node's customer registry, set each time it (re)starts.
  std::shared_ptr<actors::handle_slot<customers::customer_registry_actor>> customers;
  /// This node's member gateway, set each time it (re)starts.
  std::shared_ptr<actors::handle_slot<caf::actor>> member_gateway;
  /// The node's storage actor and campaign manager, set each time they (re)start.
  std::shared_ptr<actors::handle_slot<caf::actor>> storage;
  std::shared_ptr<actors::handle_slot<caf::actor>> campaigns;
  /// The node's replica applier (customers/replica_applier), likewise.
  std::shared_ptr<actors::handle_slot<caf::actor>> replicas;
  /// Who each connected peer is (the gate in front of BASP binds them).
  std::shared_ptr<const trust::peer_directory> peers;
  /// Counts and logs what the gateways refuse.
  std::shared_ptr<trust::refusals> refusals;
  /// The node's audit chain: the shell door records state changes in it.
  std::shared_ptr<storage::shared_audit_log> audit;
  /// What an import chunk or a predicate may hold (--max-chunk-bytes, ...).
  config::input_limits limits;
};

/// The parts of the node a gateway hands work to. Every one is found the
/// same way: through its slot, which the supervisor's start hook fills.
enum class node_part { storage, campaigns, customers, replicas };

/// The part's handle (null while it is not running).
caf::actor part_of(const gateway_context& ctx, node_part part);

/// "the storage actor", "the campaign manager", "the customer registry",
/// "the replica applier".
const char* name_of(node_part part);

/// The node's cluster actor (null before it started).
inline caf::actor cluster_of(const gateway_context& ctx) {
  return ctx.cluster ? ctx.cluster->get() : caf::actor{};
}

/// The node's customer registry (null while it is not running).
inline customers::customer_registry_actor registry_of(const gateway_context& ctx) {
  return ctx.customers ? ctx.customers->get() : customers::customer_registry_actor{};
}

/// An error saying a part of this node the request needs is not running.
caf::error not_running(const std::string& what);

/// An error of this folder as a caf::error (code, message, retryable kept).
caf::error runtime_failure(runtime_errc code, std::string message);

/// What `health` answers for this node right now.
/// `health`'s answer: the node's status, and the map's health as the
/// cluster actor last published it in `members` (may be null).
cluster::health_info health_of(const node_status& status,
                               const std::shared_ptr<const cluster::member_handles>& members);

} // namespace troupe::runtime
