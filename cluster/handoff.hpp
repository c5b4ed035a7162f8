#pragma once
/// A primary's side of a catch-up (a full copy of a shard to a new
/// replica), the seal of a handover, and the clean-up after a copy left.
///
/// `spawn_handoff_sender` first sends the replica the corpus versions it
/// lacks (cluster/corpus_copy.hpp), then seals the shard (this node stops serving it and
/// waits until no campaign runner is inside it), streams its records to the
/// replica's member gateway in batches — the next batch leaves only when
/// the replica acknowledged the last one as written, the final one synced
/// to its WAL; the first clears what the replica held of the shard — and
/// then tells `reply_to` (caught_atom, copy, ok, reason). On failure the
/// shard is unsealed and this node keeps serving it; on success it stays
/// sealed until the cluster actor unseals it (or its copy is deleted).
///
/// `spawn_sealer` seals a shard for a handover and answers `reply_to`
/// (sealed_atom, change, ok).
///
/// `spawn_shard_eraser` deletes the shard's records once the map no longer
/// gives it to this node, then answers `reply_to` (erased_atom, shard,
/// ok). All run as blocking actors on their own threads.

#include <cstddef>
#include <memory>

#include <caf/all.hpp>

#include "sharding/placement_plan.hpp"
#include "sharding/shard_ownership.hpp"
#include "cluster/cluster_metrics.hpp"
#include "cluster/shard_work.hpp"
#include "storage/shard_log.hpp"
#include "storage/store.hpp"

namespace troupe::cluster {

struct handoff_job {
  catch_up copy;       ///< the shard, the replica it goes to, the epoch
  caf::actor target;   ///< the replica's member gateway
  caf::actor reply_to; ///< this node's cluster actor
  std::shared_ptr<storage::store> db;
  std::shared_ptr<sharding::shard_ownership> ownership;
  std::size_t batch = 2000;
  std::shared_ptr<cluster_metrics> metrics; ///< may be null
};

void spawn_handoff_sender(caf::actor_system& sys, handoff_job job);

using sealed_atom = caf::atom_constant<caf::atom("sealed")>;

void spawn_sealer(caf::actor_system& sys, std::shared_ptr<sharding::shard_ownership> ownership,
                  sharding::placement_change change, caf::actor reply_to);

void spawn_shard_eraser(caf::actor_system& sys, std::shared_ptr<storage::store> db,
                        std::shared_ptr<storage::shard_log> log,
                        std::shared_ptr<sharding::shard_ownership> ownership, uint32_t shard,
                        caf::actor reply_to);

} // namespace troupe::cluster
