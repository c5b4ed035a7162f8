#pragma once
/// The member protocol: what one node's actors ask of another member, and
/// only of a member. It is a typed interface of its own, apart from the
/// shell's (runtime/shell_api.hpp): a shell holds a `shell_api` handle, in
/// which none of these messages exist, and the node's shell gateway has no
/// handler for them. A member reaches another member's `member_api` by the
/// handle that member gives in its heartbeats, or asks a node's
/// shell gateway for it (`member_atom`) when it first connects.
///
///   member_api:
///     -- this node's part of a command another member coordinates --
///     (local_atom, import_chunk)           -> import_result
///     (local_atom, count_atom, predicate)  -> uint64_t
///     (local_atom, fields_atom)            -> attribute names imported here
///     (local_atom, report_atom, campaign, by, cuped) -> campaign_report // its shards' sums
///     (local_atom, campaign_command)       -> campaign_status
///     (local_atom, list_atom)              -> vector<campaign_status>
///     (local_atom, customer_atom, id)      -> customer_snapshot  // the owner's copy
///     (local_atom, export_atom, id)        -> holdings_bytes     // all it holds
///     (local_atom, erase_atom, id)         -> erased_records     // what went here
///     -- membership and shards (cluster/cluster_protocol.hpp) --
///     (heartbeat_atom, from, map version, customers, records per shard, member)
///     (handover_atom, placement_change)              // leader -> a shard's primary
///     (handoff_atom, shard, RecordBatch bytes) -> uint64_t // primary -> new replica
///     (replicate_atom, shard, epoch, ShardBatch bytes) -> uint8_t // primary -> replica:
///                                          // the storage::apply_outcome
///     (drain_atom, node id)                -> std::string  // to that member
///     (corpus_atom, versions)  -> those not committed here // primary -> new
///                                          // replica, before a copy: the
///                                          // corpus versions to send first
///                                          // (at most max_corpus_versions)
///
/// Each is taken only from whom cluster/member_admission says (refused
/// ones are counted in troupe_refused_messages_total{reason}); a refused
/// request is answered with cluster_errc::refused.

#include <cstdint>
#include <string>
#include <vector>

#include <caf/actor.hpp>
#include <caf/atom.hpp>
#include <caf/meta/type_name.hpp>
#include <caf/typed_actor.hpp>

#include "actors/atoms.hpp"
#include "campaign/report.hpp"
#include "campaign/status.hpp"
#include "cluster/cluster_protocol.hpp"
#include "cluster/cluster_view.hpp"
#include "common/identifier.hpp"
#include "customers/import_types.hpp"
#include "sharding/placement_plan.hpp"
#include "storage/customer_records.hpp"

namespace troupe::cluster {

using local_atom = caf::atom_constant<caf::atom("local")>;   ///< this node's part only
using member_atom = caf::atom_constant<caf::atom("member")>; ///< the member interface
using customer_atom = caf::atom_constant<caf::atom("customer")>; ///< one customer

/// What a campaign command asks: one verb, on a campaign or a new spec.
enum class campaign_verb : uint8_t { create, start, pause, resume, cancel, status };

/// False for a value no verb has (a peer's message is not trusted to hold one).
constexpr bool is_verb(campaign_verb v) { return v <= campaign_verb::status; }

struct campaign_command {
  campaign_verb verb = campaign_verb::status;
  campaign_id campaign; ///< every verb but create
  std::string spec;     ///< create: the spec's JSON text
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, campaign_command& x) {
  return f(caf::meta::type_name("troupe.campaign_command"), x.verb, x.campaign, x.spec);
}

/// A customer as its shard's owner holds it.
struct customer_snapshot {
  customer_id id;
  bool found = false;
  std::string record; ///< a serialized v1::Customer when found
  std::string profile; ///< a serialized v1::Profile; empty: none
  std::vector<std::string> pending_sends; ///< serialized v1::PendingSend, by due time
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, customer_snapshot& x) {
  return f(caf::meta::type_name("troupe.customer_snapshot"), x.id, x.found, x.record, x.profile,
           x.pending_sends);
}

/// The most corpus versions one `corpus_atom` may ask about.
inline constexpr std::size_t max_corpus_versions = 4096;

using member_api = caf::typed_actor<
  caf::replies_to<local_atom, customers::import_chunk>::with<customers::import_result>,
  caf::replies_to<local_atom, actors::count_atom, std::string>::with<uint64_t>,
  caf::replies_to<local_atom, actors::fields_atom>::with<std::vector<std::string>>,
  caf::replies_to<local_atom, actors::report_atom, std::string, std::string,
                  std::string>::with<campaign::campaign_report>,
  caf::replies_to<local_atom, campaign_command>::with<campaign::campaign_status>,
  caf::replies_to<local_atom, actors::list_atom>::with<std::vector<campaign::campaign_status>>,
  caf::replies_to<local_atom, customer_atom, customer_id>::with<customer_snapshot>,
  caf::replies_to<local_atom, actors::export_atom, customer_id>::with<storage::holdings_bytes>,
  caf::replies_to<local_atom, actors::erase_atom, customer_id>::with<storage::erased_records>,
  caf::reacts_to<heartbeat_atom, std::string, uint64_t, uint64_t, std::vector<uint64_t>,
                 caf::actor>,
  caf::reacts_to<handover_atom, sharding::placement_change>,
  caf::replies_to<handoff_atom, uint32_t, std::string>::with<uint64_t>,
  caf::replies_to<actors::replicate_atom, uint32_t, uint64_t, std::string>::with<uint8_t>,
  caf::replies_to<drain_atom, std::string>::with<std::string>,
  caf::replies_to<actors::corpus_atom, std::vector<uint64_t>>::with<std::vector<uint64_t>>,
  caf::replies_to<actors::info_atom>::with<uint64_t>>; // mailbox depth, for `actors`

} // namespace troupe::cluster
