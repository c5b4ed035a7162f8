#pragma once
/// The old owner's side of a shard handoff, and the clean-up after it.
///
/// `spawn_handoff_sender` seals the shard (this node stops serving it and
/// waits until no campaign runner is inside it), streams its records to the
/// new owner's admin actor in batches — the next batch leaves only when the
/// new owner acknowledged the last one as written, the final one synced to
/// its WAL — and then tells `reply_to` (moved_atom, move, ok, reason). On
/// failure the shard is unsealed and this node keeps serving it.
///
/// `spawn_shard_eraser` deletes the shard's records once the map says it
/// moved, then answers `reply_to` (erased_atom, shard, ok). Both run as
/// blocking actors on their own threads.

#include <cstddef>
#include <memory>

#include <caf/all.hpp>

#include "sharding/shard_ownership.hpp"
#include "cluster/cluster_metrics.hpp"
#include "sharding/shard_map.hpp"
#include "storage/store.hpp"

namespace troupe::cluster {

struct handoff_job {
  sharding::shard_move move;
  caf::actor target;   ///< the new owner's admin actor
  caf::actor reply_to; ///< this node's cluster actor
  std::shared_ptr<storage::store> db;
  std::shared_ptr<sharding::shard_ownership> ownership;
  std::size_t batch = 2000;
  std::shared_ptr<cluster_metrics> metrics; ///< may be null
};

void spawn_handoff_sender(caf::actor_system& sys, handoff_job job);

void spawn_shard_eraser(caf::actor_system& sys, std::shared_ptr<storage::store> db,
                        std::shared_ptr<sharding::shard_ownership> ownership, uint32_t shard,
                        caf::actor reply_to);

} // namespace troupe::cluster
