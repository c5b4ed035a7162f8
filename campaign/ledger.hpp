#pragma once
/// The campaign's ledger: turns finished work items into what the store
/// keeps of them — the counters of their shard's checkpoint, a Delivery for
/// each delivered customer, a DeadLetter for each failed one, the audit
/// records of their safety decisions and deliveries — and writes it through
/// the node's shard writer, one atomic part per shard (its records, its
/// checkpoint, its audit records), so that a crash keeps either all of a
/// shard's part or none of it.
///
/// Used by the runner (a customer's first run: `record`, then the shard's
/// checkpoint with `checkpoint`) and by the dead-letter replay (a dead
/// letter tried again: `rerecord`, which moves the customer out of `failed`
/// in its shard's stored checkpoint). One owner (the runner's or replay's
/// actor); blocking (RocksDB I/O) in `commit` and `rerecord`.

#include <cstdint>
#include <map>
#include <optional>
#include <memory>
#include <string>
#include <vector>

#include "campaign/counters.hpp"
#include "campaign/work_item.hpp"
#include "common/error.hpp"
#include "campaign/arm_assignment.hpp"
#include "storage/shard_writer.hpp"
#include "storage/store.hpp"

namespace troupe::campaign {

class ledger {
public:
  /// `db`: where checkpoints are read; `writer`: where everything is
  /// written; `audit` false: no audit records.
  ledger(std::shared_ptr<storage::store> db, std::shared_ptr<storage::shard_writer> writer,
         bool audit, std::string campaign_id, std::string channel,
         const google::protobuf::RepeatedPtrField<v1::Arm>& arms);

  /// The arm (its position in the spec) whose audience a customer recorded
  /// as `counted` joins (campaign_counters::arm_audience): delivered,
  /// blocked and failed customers and those a holdout arm held; nullopt
  /// for the rest (skipped, capped, held out by the global holdout).
  std::optional<std::size_t> audience_arm(const work_item& w, outcome counted) const;

  /// A customer's first run: its delivery (delivered) or dead letter
  /// (failed; an item still pending counts as failed) and its audit
  /// records join the batch. Returns the outcome it counts as.
  outcome record(const work_item& w, int64_t now_ms);

  /// The checkpoint of `shard` joins the batch.
  void checkpoint(uint32_t shard, const v1::Checkpoint& cp);

  /// A dead letter tried again with result `w`: failed again, the letter
  /// stays with the new reason and more attempts; otherwise it goes, the
  /// delivery (if delivered) joins the batch, and the customer moves from
  /// `failed` to its new outcome in its shard's stored checkpoint. Reads
  /// each shard's checkpoint once per batch (a storage error if it cannot).
  status rerecord(const work_item& w, v1::DeadLetter letter, int64_t now_ms);

  /// The batch of `shard`'s part, for records that go with its items (a
  /// triggered campaign's pending sends, erased with their deliveries).
  storage::write_batch& batch_of(uint32_t shard) { return parts_.of(shard).batch; }

  /// Items recorded since the last commit.
  std::size_t items() const { return items_; }

  /// Forgets everything since the last commit (nothing is written).
  void discard();

  /// Everything since the last commit, to be written elsewhere (a ledger
  /// writer, off the caller's thread) as `commit` would; starts anew.
  std::vector<storage::shard_write> take();

  /// Writes everything since the last commit, one part per shard, the
  /// audit records chained in their shard's chain. Starts anew either way;
  /// a shard's part is written whole or not at all (the first failure is
  /// returned, naming its shard).
  status commit();

private:
  void audit(uint32_t shard, const work_item& w, int64_t now_ms);

  std::shared_ptr<storage::store> db_;
  std::shared_ptr<storage::shard_writer> writer_;
  bool audited_;
  std::string id_;
  std::string channel_;
  arm_assignment arms_;
  storage::shard_writes parts_;
  std::map<uint32_t, v1::Checkpoint> replayed_; ///< checkpoints `rerecord` changed
  std::size_t items_ = 0;
};

/// The dead letter of a customer whose first run failed.
v1::DeadLetter dead_letter_of(const std::string& campaign_id, const work_item& w,
                              int64_t failed_at_ms);

} // namespace troupe::campaign
