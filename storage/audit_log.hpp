#pragma once
/// The audit log: append-only records in column `audit`, in chains, each
/// record chained to the one before it in its chain by its hash:
///
///   hash = SHA-256( prev_hash || len-prefixed fields: seq, kind, actor,
///                   campaign_id, customer_id, term, document_id, ts_ms
///                   [, address when set] )
///
/// `verify` walks the chain from the start and reports the first record
/// whose stored hash or back link does not match — an edited, removed or
/// reordered record breaks the chain there.
///
/// Chains. The node's own chain (operators' commands on this node) has
/// keys of the sequence alone (8 bytes big endian, as before chains). Each
/// shard has a chain of the records about its customers (safety decisions,
/// deliveries, erasures): key 's' + shard (2 bytes BE) + sequence (8 bytes
/// BE). A shard's chain is written in the shard's batches, so it is
/// replicated and moved with the shard, identical on every copy; a new
/// primary goes on from the chain's last record.
///
/// Appends to one chain are serialized by the caller (the node's chain:
/// `shared_audit_log`; a shard's: the shard writer's lock on the shard);
/// `append_to` adds the record to a write batch so that an audit record
/// lands atomically with what it records.

#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.hpp"
#include "storage/store.hpp"

namespace troupe::storage {

/// The chain hash of `record` given the previous record's hash.
std::string audit_hash(const v1::AuditRecord& record, const std::string& prev_hash);

/// The node's chain, as a chain number (shards are 0..65535).
inline constexpr uint32_t node_chain = 0xFFFFFFFFu;

/// "the node's chain" or "the chain of shard 12".
std::string chain_name(uint32_t chain);

struct audit_verdict {
  uint64_t records = 0;                  ///< records checked (every chain)
  uint64_t chains = 0;                   ///< chains checked
  std::optional<uint64_t> broken_at;     ///< sequence of the first bad record
  uint32_t broken_chain = node_chain;    ///< its chain
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
  /// Reads the last record of `chain` to continue from it.
  static result<audit_log> open(const store& db, uint32_t chain = node_chain);

  /// Completes `record` (seq, prev_hash, hash) and adds it to `batch`. The
  /// log advances: write the batch before the next append.
  void append_to(write_batch& batch, v1::AuditRecord record);

  /// Walks every chain, the node's first, then the shards' in order;
  /// stops at the first bad record.
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
  audit_log(uint32_t chain, uint64_t next_seq, std::string last_hash)
    : chain_(chain), next_seq_(next_seq), last_hash_(std::move(last_hash)) {}
  uint32_t chain_;
  uint64_t next_seq_;
  std::string last_hash_;
};

/// Visits every audit record, chain by chain (the node's first), each in
/// sequence order; `visit` returns false to stop.
status scan_audit(const store& db, const std::function<bool(const v1::AuditRecord&)>& visit);

/// The key of audit record `seq` of `chain`.
std::string audit_key(uint64_t seq, uint32_t chain = node_chain);

/// The key range [begin, end) of a chain in column `audit`.
std::string chain_begin(uint32_t chain);
std::string chain_end(uint32_t chain);

/// The shard whose chain `key` belongs to; nullopt for the node's chain or
/// a key of no chain's form.
std::optional<uint32_t> shard_of_audit_key(std::string_view key);

/// Appends `records` to the chain of `shard` (continuing from its last
/// record in `db`) in `batch`. The caller holds the shard's write lock
/// until the batch is written or dropped.
status append_shard_audit(const store& db, uint32_t shard, write_batch& batch,
                          std::vector<v1::AuditRecord> records);

/// The node's chain, shared by every writer of commands: `write` appends the
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
