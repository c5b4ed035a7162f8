#pragma once
/// Moving one shard's records between stores, as Protobuf record batches
/// (v1.RecordBatch): the customers of the shard, and the deliveries, dead
/// letters, events and campaign checkpoints of its customers, and its audit
/// chain (storage/audit_log.hpp), plus the
/// state of every campaign (few records: the new owner must know the
/// campaigns of the shards it takes, whether they reached the shard yet). Used by the shard
/// handoff on both ends; blocking (RocksDB I/O).
///
/// The receiving end recomputes every key from the record itself and
/// refuses a record that does not belong to the batch's shard. A shard
/// number the store does not have is refused by every function here.

#include <cstdint>
#include <functional>

#include "common/error.hpp"
#include "storage/store.hpp"
#include "troupe.pb.h"

namespace troupe::storage {

/// Reads every record of `shard` and hands them to `emit` in batches of at
/// most `batch_size` records (the last one marked `last` and carrying the
/// shard's applied position, read before the records; at least one batch,
/// possibly empty). Stops at the first error `emit` returns.
status read_shard(const store& db, uint32_t shard, std::size_t batch_size,
                  const std::function<status(v1::RecordBatch&)>& emit);

/// Writes the records of `batch` into `db` in one write batch; a campaign
/// state is written only where the store has none. The first batch of a
/// transfer (sequence 0) clears the shard's position and the last one
/// stores the sender's, each in the same write batch: a whole copy leaves
/// the receiver at the sender's position. Returns the number of records
/// written. (A `shard_log` of `db` is reset for the shard afterwards.)
result<uint64_t> write_shard_batch(store& db, const v1::RecordBatch& batch);

/// Deletes every record of `shard` (after it moved away) and, first, its
/// position; campaign states stay (other shards may need them).
status erase_shard(store& db, uint32_t shard);

/// True if `db` holds a customer or a campaign checkpoint of `shard` (a
/// cheap look: it does not scan the per-customer columns).
result<bool> holds_shard(const store& db, uint32_t shard);

} // namespace troupe::storage
