#pragma once
/// The replica applier: applies the shard batches this node's member
/// gateway takes from a shard's primary (cluster/member_admission), through
/// the node's shard log (storage/shard_log: the current epoch, in order,
/// data and position in one RocksDB write). Detached, apart from the storage
/// actor: a node's own writes wait on other members' replicas, so a replica
/// batch queued behind them could wait on itself across two members.
///
///   replica_applier:
///     (replicate_atom, shard, epoch, ShardBatch bytes) -> uint8_t
///         // the storage::apply_outcome (applied, duplicate, stale_epoch,
///         // future_epoch, diverged), or bad_request for a batch that does
///         // not parse or is not of that shard and epoch
///     (info_atom) -> mailbox depth

#include <memory>
#include <string>

#include <caf/all.hpp>

#include "actors/atoms.hpp"
#include "storage/shard_log.hpp"
#include "storage/store.hpp"

namespace troupe::customers {

using replica_applier = caf::typed_actor<
  caf::replies_to<actors::replicate_atom, uint32_t, uint64_t, std::string>::with<uint8_t>,
  caf::replies_to<actors::info_atom>::with<uint64_t>>; // mailbox depth, for `actors`

/// Applies one batch (blocking): the outcome, or an error naming why not.
result<storage::apply_outcome> apply_replica_batch(storage::shard_log& log, uint32_t shard,
                                                   uint64_t epoch, const std::string& bytes);

replica_applier spawn_replica_applier(caf::actor_system& sys,
                                      std::shared_ptr<storage::store> db,
                                      std::shared_ptr<storage::shard_log> log);

} // namespace troupe::customers
