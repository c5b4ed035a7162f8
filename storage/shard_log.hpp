#pragma once
/// The storage side of shard replication: every write to a shard's data is a
/// shard batch (v1.ShardBatch) with a position (epoch, seq) and the position
/// `prev` of the batch before it on the primary. `seq` grows with every batch
/// of the shard and never resets, across epochs too; `epoch` is the shard's
/// epoch in the cluster's shard map when the primary wrote it. A store
/// writes a batch's data and its shard's applied position (shard_position.hpp)
/// in one RocksDB write batch, so a crash leaves both or neither.
///
///   primary:  prepare ──ship to replicas──▶ (acks) ──▶ apply
///             or write_as_primary (write here first, then ship)
///   replica:  apply_replica(batch, current epoch) ─▶ apply_outcome
///
/// Primary rules. `prepare` hands out the next position and chains it from
/// the last one handed out, so concurrent prepares on one shard form one
/// gapless chain; `apply` writes a prepared batch and takes them only in
/// chain order (the next after the applied position). A batch whose write
/// fails breaks the shard's log on this node: every later prepare, apply and
/// write_as_primary of the shard fails with `shard_log_broken` until
/// `reset(shard)` reloads the position from the store, so no batch is ever
/// written past a gap. A reset also voids every batch prepared before it
/// (apply refuses them), and the positions handed out before it are never
/// handed out again in this process: the next prepare skips their seqs
/// (prev is still the applied position). A position thus names one content
/// within an epoch even where a replica applied a batch the primary then
/// failed to write (that replica sees `diverged`). After a restart the
/// in-memory high-water mark is gone: a node must not go on writing as
/// primary in an epoch it wrote in before the restart (the shard map gives
/// it a new epoch), or a lost prepared seq may be handed out again.
///
/// Replica rules, in this order: a batch of a shard the store lacks, whose
/// position is not after its prev, or with an op the store refuses
/// (`op_column`: no column, or `metadata`) or a key of another shard is an
/// `invalid` error. Then its epoch against the caller's current one
/// (`stale_epoch` / `future_epoch`: refresh the shard map); a replica whose
/// applied epoch is newer than the batch's also answers `stale_epoch`. Then
/// `duplicate` where the batch's epoch is the applied one and its seq is at
/// most the applied seq: a replica keeps only its last position, and within
/// one epoch there is one primary that never hands out a position twice (see
/// above), so such a batch is one already applied; acknowledged, not written.
/// Then `diverged` where its prev is not the applied position (a gap, or a
/// history the primary does not share: do a full copy). Else `applied`.
///
/// Keys checked against the batch's shard: `customers` (the shard prefix),
/// `checkpoints` (the shard suffix), `deliveries`, `dead_letters`,
/// `events` (their customer id's shard under this store's shard count) and
/// `audit` (the shard's chain, see audit_log.hpp). `corpus` and
/// `campaigns` are each node's own: no shard batch writes them.
///
/// The positions are cached in memory, loaded from the store on first use.
/// Whoever writes a shard's position other than through this object (a full
/// copy by shard_transfer, erase_shard) calls `reset(shard)` afterwards, and
/// so does a node whose role for the shard changes (primary <-> replica).
///
/// Thread safety: every method may be called from any thread; calls on
/// different shards run in parallel, calls on one shard one at a time (a
/// write holds its shard's lock for the RocksDB write). Blocking (RocksDB
/// I/O). The store must outlive the shard_log.

#include <cstdint>
#include <memory>
#include <vector>

#include "common/error.hpp"
#include "storage/shard_position.hpp"
#include "storage/store.hpp"
#include "troupe.pb.h"

namespace troupe::storage {

/// What a replica did with a shard batch.
enum class apply_outcome {
  applied,      ///< written, with its position
  duplicate,    ///< applied before; acknowledge it, nothing written
  stale_epoch,  ///< its epoch is older than the current one (or than this replica's)
  future_epoch, ///< its epoch is newer than the caller's current one
  diverged,     ///< its prev is not this replica's position: a full copy is due
};

const char* to_string(apply_outcome o);

/// `invalid` where an op of `batch` writes a column no shard batch may write
/// or a key of another shard than `batch.shard()`, naming the op's index.
status check_shard_ops(const store& db, const v1::ShardBatch& batch);

class shard_log {
public:
  explicit shard_log(store& db);
  ~shard_log();
  shard_log(const shard_log&) = delete;
  shard_log& operator=(const shard_log&) = delete;

  // -- primary ------------------------------------------------------------

  /// Moves the writes of `batch` into a shard batch at the next position of
  /// `shard` under `epoch` (reserved: the next prepare chains from it);
  /// writes nothing. `batch` is cleared on success and left as it was on an
  /// error: `stale_epoch` for an epoch older than the shard's last position,
  /// `invalid` for a shard the store lacks or an op `check_shard_ops`
  /// refuses, `shard_log_broken`.
  result<v1::ShardBatch> prepare(uint32_t shard, uint64_t epoch, write_batch& batch);

  /// Writes a batch `prepare` handed out, with its position, atomically.
  /// `invalid` unless it is the next one of its shard (prev = the applied
  /// position, prepared since the last reset); a failed write breaks the
  /// shard's log (see above).
  status apply(const v1::ShardBatch& batch);

  /// prepare + apply in one step (write here first, then ship the returned
  /// batch). `invalid` while prepared batches of the shard await their apply.
  result<v1::ShardBatch> write_as_primary(uint32_t shard, uint64_t epoch, write_batch& batch);

  /// One shard's part of a write on a node alone.
  struct local_part {
    uint32_t shard = 0;
    uint64_t epoch = 0;
    write_batch* batch = nullptr; ///< moved out when written
  };

  /// Writes the parts of several shards in one RocksDB write batch, each at
  /// its shard's next position under its epoch (as write_as_primary, with
  /// no shard batch built: nothing is shipped). A part refused before the
  /// write (its shard broken or unknown, a stale epoch, an op of another
  /// shard, a shard twice) keeps its writes and gets its error; the others
  /// are written together or not at all (a failed write breaks each of
  /// their logs). The i-th status is the i-th part's.
  std::vector<status> write_local(std::vector<local_part>& parts);

  // -- replica ------------------------------------------------------------

  /// Applies a batch from the shard's primary if it is the next one of the
  /// current epoch (see the rules above). A failed write is an error and
  /// leaves the cached position to be reloaded.
  result<apply_outcome> apply_replica(const v1::ShardBatch& batch, uint64_t current_epoch);

  // -- both ---------------------------------------------------------------

  /// The position of `shard` as applied to the store.
  result<position> applied(uint32_t shard);

  /// Reloads `shard`'s position from the store, mends a broken log and voids
  /// every batch prepared before (see above).
  status reset(uint32_t shard);

private:
  struct shard_state;
  struct impl;
  std::unique_ptr<impl> impl_;
};

} // namespace troupe::storage
