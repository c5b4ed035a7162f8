#pragma once
/// The audit log: append-only records in column `audit` (key: sequence, 8
/// bytes big endian), each chained to the one before by its hash:
///
///   hash = SHA-256( prev_hash || len-prefixed fields: seq, kind, actor,
///                   campaign_id, customer_id, term, document_id, ts_ms
///                   [, address when set] )
///
/// `verify` walks the chain from the start and reports the first record
/// whose stored hash or back link does not match — an edited, removed or
/// reordered record breaks the chain there.
///
/// Appends are serialized by the caller (one owner: the node's audit
/// writer); `append_to` adds the record to a write batch so that an audit
/// record lands atomically with what it records.

#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "storage/store.hpp"

namespace troupe::storage {

/// The chain hash of `record` given the previous record's hash.
std::string audit_hash(const v1::AuditRecord& record, const std::string& prev_hash);

struct audit_verdict {
  uint64_t records = 0;                  ///< records checked
  std::optional<uint64_t> broken_at;     ///< sequence of the first bad record
  std::string reason;                    ///< why it is bad
  uint64_t commands = 0;                 ///< of the records, operators' commands
  /// The last `recent_command_limit` command records, oldest first.
  std::vector<v1::AuditRecord> recent_commands;
};

constexpr size_t recent_command_limit = 20;

/// "2026-11-30T04:41:07Z alice (operator) from 127.0.0.1:50412: customer delete c1"
std::string describe_command(const v1::AuditRecord& r);

class audit_log {
public:
  /// Reads the chain's last record to continue from it.
  static result<audit_log> open(store& db);

  /// Completes `record` (seq, prev_hash, hash) and adds it to `batch`. The
  /// log advances: write the batch before the next append.
  void append_to(write_batch& batch, v1::AuditRecord record);

  /// Walks the whole chain.
  static result<audit_verdict> verify(const store& db);

  uint64_t next_seq() const { return next_seq_; }

  /// Where the log stands, to go back to if the batch that carried the
  /// appended records could not be written.
  struct position {
    uint64_t next_seq;
    std::string last_hash;
  };
  position mark() const { return {next_seq_, last_hash_}; }
  void rewind(position p) {
    next_seq_ = p.next_seq;
    last_hash_ = std::move(p.last_hash);
  }

private:
  audit_log(uint64_t next_seq, std::string last_hash)
    : next_seq_(next_seq), last_hash_(std::move(last_hash)) {}
  uint64_t next_seq_;
  std::string last_hash_;
};

/// Visits every audit record in sequence order; `visit` returns false to stop.
status scan_audit(const store& db, const std::function<bool(const v1::AuditRecord&)>& visit);

/// The key of audit record `seq`.
std::string audit_key(uint64_t seq);

/// The node's one audit log, shared by every writer: `write` appends the
/// records to the batch and writes it under one lock, so that the chain's
/// order is the order on disk, and rewinds the log if the write fails.
class shared_audit_log {
public:
  explicit shared_audit_log(audit_log log) : log_(std::move(log)) {}

  status write(store& db, write_batch& batch, std::vector<v1::AuditRecord> records);

private:
  std::mutex mutex_;
  audit_log log_;
};

} // namespace troupe::storage
