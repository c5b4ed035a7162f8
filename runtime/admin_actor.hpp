#pragma once
/// The admin actor: the shell's entry point into a node, published on the
/// node's --cluster-port through CAF's middleman.
///
///   admin_actor:
///     (health_atom)   -> health_info             // id, uptime, storage, schema
///     (tree_atom)     -> vector<actor_entry>     // the supervision tree
///     (breakers_atom) -> vector<breaker_status>  // every circuit breaker
///     (import_atom, import_chunk) -> import_result // -> the storage actor
///     (count_atom, predicate)     -> uint64_t      // -> the storage actor
///     (create_atom, spec JSON) | (start|pause|resume|cancel|status_atom, id)
///                                 -> campaign_status // -> the campaign manager
///     (list_atom)                 -> vector<campaign_status>
///     (page_atom, kind, campaign, after, limit) -> record_page // -> storage
///     (replay_atom, id)           -> replay_result // -> the campaign manager
///     (verify_atom)               -> audit_report  // -> the storage actor
///     (report_atom, campaign, by) -> campaign_report // -> the storage actor
///     (customer_atom, id)         -> customer JSON // its owner's customer actor
///     (export_atom, id)           -> JSON          // all its owner holds about it
///     (erase_atom, id)            -> JSON          // erased on every member (GDPR)
///     (info_atom)     -> mailbox depth           // for the tree listing
///     (nodes_atom)    -> vector<node_row>        // the cluster's members
///     (drain_atom, id) -> std::string            // hand a member's shards off
///
/// In a cluster, segment counts, corpus imports and campaign commands go to
/// every member (a member receives them with a trailing `true`: "this node
/// only") and their answers are combined; customers and events are routed to
/// the owners of their shards, and so are a customer lookup and export. An
/// erasure goes to every member (a member that was down while a shard moved
/// may hold an old copy) and is tried again while the customer's shard is
/// being handed off. The cluster protocol between nodes arrives here too (cluster/cluster_protocol.hpp) and is handed to the node's
/// cluster actor, or for handoff batches to its storage actor.
/// It answers from in-memory state and by asking other actors; it never
/// does disk I/O on the scheduler.

#include <memory>
#include <string>
#include <vector>

#include <caf/actor.hpp>
#include <caf/typed_actor.hpp>

#include "customers/registry.hpp"
#include "actors/handle_slot.hpp"
#include "cluster/cluster_protocol.hpp"
#include "cluster/wire_types.hpp"
#include "runtime/node_status.hpp"

namespace troupe::runtime {

using admin_actor = caf::typed_actor<
  caf::replies_to<cluster::health_atom>::with<cluster::health_info>,
  caf::replies_to<cluster::tree_atom>::with<std::vector<actors::actor_entry>>,
  caf::replies_to<cluster::breakers_atom>::with<std::vector<actors::breaker_status>>,
  caf::replies_to<cluster::import_atom, customers::import_chunk>::with<customers::import_result>,
  caf::replies_to<cluster::count_atom, std::string>::with<uint64_t>,
  caf::replies_to<cluster::create_atom, std::string>::with<campaign::campaign_status>,
  caf::replies_to<cluster::start_atom, std::string>::with<campaign::campaign_status>,
  caf::replies_to<cluster::pause_atom, std::string>::with<campaign::campaign_status>,
  caf::replies_to<cluster::resume_atom, std::string>::with<campaign::campaign_status>,
  caf::replies_to<cluster::cancel_atom, std::string>::with<campaign::campaign_status>,
  caf::replies_to<cluster::status_atom, std::string>::with<campaign::campaign_status>,
  caf::replies_to<cluster::list_atom>::with<std::vector<campaign::campaign_status>>,
  caf::replies_to<cluster::page_atom, std::string, std::string, std::string, uint32_t>::with<
    customers::record_page>,
  caf::replies_to<cluster::replay_atom, std::string>::with<campaign::replay_result>,
  caf::replies_to<cluster::verify_atom>::with<customers::audit_report>,
  caf::replies_to<cluster::report_atom, std::string, std::string>::with<campaign::campaign_report>,
  caf::replies_to<cluster::customer_atom, std::string>::with<std::string>,
  caf::replies_to<cluster::export_atom, std::string>::with<std::string>,
  caf::replies_to<cluster::erase_atom, std::string>::with<std::string>,
  caf::replies_to<actors::info_atom>::with<uint64_t>,
  // -- this node only (sent by another member's admin actor) --
  caf::replies_to<cluster::import_atom, customers::import_chunk, bool>::with<customers::import_result>,
  caf::replies_to<cluster::count_atom, std::string, bool>::with<uint64_t>,
  caf::replies_to<cluster::create_atom, std::string, bool>::with<campaign::campaign_status>,
  caf::replies_to<cluster::start_atom, std::string, bool>::with<campaign::campaign_status>,
  caf::replies_to<cluster::pause_atom, std::string, bool>::with<campaign::campaign_status>,
  caf::replies_to<cluster::resume_atom, std::string, bool>::with<campaign::campaign_status>,
  caf::replies_to<cluster::cancel_atom, std::string, bool>::with<campaign::campaign_status>,
  caf::replies_to<cluster::status_atom, std::string, bool>::with<campaign::campaign_status>,
  caf::replies_to<cluster::list_atom, bool>::with<std::vector<campaign::campaign_status>>,
  caf::replies_to<cluster::customer_atom, std::string, bool>::with<std::string>,
  caf::replies_to<cluster::export_atom, std::string, bool>::with<std::string>,
  caf::replies_to<cluster::erase_atom, std::string, bool>::with<std::string>,
  // -- the cluster --
  caf::replies_to<cluster::nodes_atom>::with<std::vector<cluster::node_row>>,
  caf::replies_to<cluster::drain_atom, std::string>::with<std::string>,
  caf::replies_to<cluster::join_atom, cluster::member_info, caf::actor>::with<
    cluster::cluster_view>,
  caf::reacts_to<cluster::heartbeat_atom, std::string, uint64_t, uint64_t, caf::actor>,
  caf::reacts_to<cluster::view_atom, cluster::cluster_view>,
  caf::replies_to<cluster::view_atom>::with<cluster::cluster_view>,
  caf::reacts_to<cluster::handoff_atom, sharding::shard_move>,
  caf::replies_to<cluster::handoff_atom, uint32_t, std::string>::with<uint64_t>,
  caf::reacts_to<cluster::moved_atom, sharding::shard_move, bool, std::string>,
  caf::reacts_to<caf::tick_atom, uint64_t>>; // its own timers

/// What the admin actor needs to know of its node.
struct admin_context {
  std::shared_ptr<const node_status> status;
  /// The root supervisor; set by the node before the admin port opens.
  std::shared_ptr<const caf::actor> guardian;
  /// Supervision paths of the node's circuit breakers, below the root.
  std::vector<std::string> breaker_paths;
  /// The node's cluster actor, set each time it (re)starts.
  std::shared_ptr<actors::handle_slot<caf::actor>> cluster;
  /// The members and shard owners as the cluster actor last published them
  /// (null until it has): customer lookups route without asking it.
  std::shared_ptr<actors::handle_slot<std::shared_ptr<const cluster::member_handles>>> members;
  /// The node's customer registry, set each time it (re)starts.
  std::shared_ptr<actors::handle_slot<customers::customer_registry_actor>> customers;
};

/// Spawns the admin actor of a node.
admin_actor spawn_admin_actor(caf::actor_system& sys, admin_context ctx);

/// What `health` answers for this node right now.
cluster::health_info health_of(const node_status& status);

} // namespace troupe::runtime
