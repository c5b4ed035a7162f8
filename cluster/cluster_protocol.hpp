#pragma once
/// The messages nodes exchange through each other's published admin actor
/// (which hands them to its cluster actor or storage actor), and the local
/// questions the admin actor asks its cluster actor. Atoms are at most 10
/// characters.
///
///   between nodes (sent to a member's member gateway):
///     (heartbeat_atom, from, map version, customers, records, member)  // one-way, every interval
///       records: per shard, the records its store applied (shard_position);
///       a replica's lag is its primary's count less its own
///     (handover_atom, placement_change)                       // leader -> a shard's primary
///     (handoff_atom, shard, RecordBatch bytes) -> uint64_t    // primary -> new replica,
///                                                             // acked when written
///     (drain_atom, node id)                  -> std::string   // to that member
///   local (gateways -> their cluster actor):
///     (nodes_atom)                           -> vector<node_row>
///     (shards_atom)                          -> vector<shard_row>
///     (members_atom)                         -> member_handles

#include <map>
#include <string>
#include <vector>

#include <caf/actor.hpp>
#include <caf/atom.hpp>
#include <caf/allowed_unsafe_message_type.hpp>

#include "cluster/member_admission.hpp"

namespace troupe::cluster {

using heartbeat_atom = caf::atom_constant<caf::atom("heartbeat")>;
/// The view query of the gossip membership that etcd replaced: no actor
/// takes it (the shell gateway's test checks it is refused).
using view_atom = caf::atom_constant<caf::atom("view")>;
using handoff_atom = caf::atom_constant<caf::atom("handoff")>;
using drain_atom = caf::atom_constant<caf::atom("drain")>;
using nodes_atom = caf::atom_constant<caf::atom("nodes")>;
using members_atom = caf::atom_constant<caf::atom("members")>;
using erased_atom = caf::atom_constant<caf::atom("erased")>;
using handover_atom = caf::atom_constant<caf::atom("handover")>;
using shards_atom = caf::atom_constant<caf::atom("shards")>;
using promote_atom = caf::atom_constant<caf::atom("promote")>; ///< an operator's forced promotion

/// What the admin actor needs to send a command to every member: the
/// admin actors of the members it can reach, and the members it cannot
/// with the shards they hold. A node outside a cluster answers with itself
/// alone (`self_only`).
struct member_handles {
  std::string self;
  std::vector<std::pair<std::string, caf::actor>> peers; ///< reachable members, not self
  std::map<std::string, std::vector<uint32_t>> unreachable; ///< member -> its shards
  /// The current primary of every shard, and the admin actor to send a
  /// shard's records to (null: this node, or a member it cannot reach).
  std::vector<std::string> primary;
  std::vector<caf::actor> primary_admin;
  /// What the member gateway judges member messages by (cluster/member_admission).
  admission::roster roster;
};

} // namespace troupe::cluster

// Local only (never crosses a process): no serialization needed.
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(troupe::cluster::member_handles)
