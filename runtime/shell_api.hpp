#pragma once
/// The shell's protocol: what a `troupe-shell` (or any operator's client)
/// may ask of a node, through the node's shell gateway, published on its
/// --cluster-port. None of the member protocol (cluster/member_protocol.hpp)
/// is in it: the member interface is a separate actor, whose handle a node
/// asks for (`member_atom`) when it joins or connects.
///
///   shell_api:
///     (health_atom)   -> health_info             // id, uptime, storage, schema
///     (tree_atom)     -> vector<actor_entry>     // the supervision tree
///     (breakers_atom) -> vector<breaker_status>  // every circuit breaker
///     (import_atom, import_chunk) -> import_result // routed to the shards' owners
///     (count_atom, predicate)     -> uint64_t      // over every member
///     (create_atom, spec JSON)    -> campaign_status // on every member, combined
///     (start|pause|resume|cancel|status_atom, campaign_id) -> campaign_status
///     (list_atom)                 -> vector<campaign_status>
///     (page_atom, kind, campaign_id, after, limit) -> record_page // this node's
///     (replay_atom, campaign_id)  -> replay_result // this node's dead letters
///     (verify_atom)               -> audit_report  // this node's audit chain
///     (report_atom, campaign_id, by, cuped) -> campaign_report // every member's sums
///     (customer_atom, customer_id) -> customer JSON // from its shard's owner
///     (export_atom, customer_id)  -> JSON          // all its owner holds about it
///     (erase_atom, customer_id)   -> JSON          // erased on every member (GDPR)
///     (nodes_atom)    -> vector<node_row>        // the cluster's members
///     (shards_atom)   -> vector<shard_row>       // where each shard's copies are
///     (drain_atom, node_id) -> std::string       // hand a member's shards off
///     (promote_atom, shard, node_id) -> std::string // force a member to primary
///     (info_atom)     -> mailbox depth           // for the tree listing
///     (member_atom)   -> member_api handle       // for joining nodes

#include <cstdint>
#include <string>
#include <vector>

#include <caf/typed_actor.hpp>

#include "actors/actor_entry.hpp"
#include "actors/breaker_status.hpp"
#include "cluster/member_protocol.hpp"
#include "cluster/wire_types.hpp"
#include "common/identifier.hpp"

namespace troupe::runtime {

using shell_api = caf::typed_actor<
  caf::replies_to<cluster::health_atom>::with<cluster::health_info>,
  caf::replies_to<cluster::tree_atom>::with<std::vector<actors::actor_entry>>,
  caf::replies_to<cluster::breakers_atom>::with<std::vector<actors::breaker_status>>,
  caf::replies_to<cluster::import_atom, customers::import_chunk>::with<customers::import_result>,
  caf::replies_to<cluster::count_atom, std::string>::with<uint64_t>,
  caf::replies_to<cluster::create_atom, std::string>::with<campaign::campaign_status>,
  caf::replies_to<cluster::start_atom, campaign_id>::with<campaign::campaign_status>,
  caf::replies_to<cluster::pause_atom, campaign_id>::with<campaign::campaign_status>,
  caf::replies_to<cluster::resume_atom, campaign_id>::with<campaign::campaign_status>,
  caf::replies_to<cluster::cancel_atom, campaign_id>::with<campaign::campaign_status>,
  caf::replies_to<cluster::status_atom, campaign_id>::with<campaign::campaign_status>,
  caf::replies_to<cluster::list_atom>::with<std::vector<campaign::campaign_status>>,
  caf::replies_to<cluster::page_atom, customers::record_kind, campaign_id, std::string, uint32_t>::with<
    customers::record_page>,
  caf::replies_to<cluster::replay_atom, campaign_id>::with<campaign::replay_result>,
  caf::replies_to<cluster::verify_atom>::with<customers::audit_report>,
  caf::replies_to<cluster::report_atom, campaign_id, std::string, std::string>::with<campaign::campaign_report>,
  caf::replies_to<cluster::customer_atom, customer_id>::with<std::string>,
  caf::replies_to<cluster::export_atom, customer_id>::with<std::string>,
  caf::replies_to<cluster::erase_atom, customer_id>::with<std::string>,
  caf::replies_to<cluster::nodes_atom>::with<std::vector<cluster::node_row>>,
  caf::replies_to<cluster::shards_atom>::with<std::vector<cluster::shard_row>>,
  caf::replies_to<cluster::drain_atom, node_id>::with<std::string>,
  caf::replies_to<cluster::promote_atom, uint32_t, node_id>::with<std::string>,
  caf::replies_to<actors::info_atom>::with<uint64_t>,
  caf::replies_to<cluster::member_atom>::with<caf::actor>>;

} // namespace troupe::runtime
