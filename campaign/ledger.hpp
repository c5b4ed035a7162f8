#pragma once
/// The campaign's ledger: turns finished work items into what the store
/// keeps of them — the counters of their shard's checkpoint, a Delivery for
/// each delivered customer, a DeadLetter for each failed one, the audit
/// records of their safety decisions and deliveries — and writes it all in
/// one write batch, so that a crash keeps either all of it or none.
///
/// Used by the runner (a customer's first run: `record`, then the shard's
/// checkpoint with `checkpoint`) and by the dead-letter replay (a dead
/// letter tried again: `rerecord`, which moves the customer out of `failed`
/// in its shard's stored checkpoint). One owner (the runner's or replay's
/// actor); blocking (RocksDB I/O) in `commit` and `rerecord`.

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "campaign/counters.hpp"
#include "campaign/work_item.hpp"
#include "common/error.hpp"
#include "storage/audit_log.hpp"
#include "storage/store.hpp"

namespace troupe::campaign {

class ledger {
public:
  /// `audit` null: no audit records are written.
  ledger(std::shared_ptr<storage::store> db, std::shared_ptr<storage::shared_audit_log> audit,
         std::string campaign_id, std::string channel);

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

  /// Items recorded since the last commit.
  std::size_t items() const { return items_; }

  /// Writes everything since the last commit in one batch, the audit
  /// records chained through the node's audit log. Starts a new batch
  /// either way; a failed write leaves the store as it was.
  status commit();

private:
  void audit(const work_item& w, int64_t now_ms);

  std::shared_ptr<storage::store> db_;
  std::shared_ptr<storage::shared_audit_log> audit_log_;
  std::string id_;
  std::string channel_;
  storage::write_batch batch_;
  std::vector<v1::AuditRecord> audit_;
  std::map<uint32_t, v1::Checkpoint> replayed_; ///< checkpoints `rerecord` changed
  std::size_t items_ = 0;
};

/// The dead letter of a customer whose first run failed.
v1::DeadLetter dead_letter_of(const std::string& campaign_id, const work_item& w,
                              int64_t failed_at_ms);

} // namespace troupe::campaign
