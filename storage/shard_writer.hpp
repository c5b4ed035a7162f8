#pragma once
/// Where every write of shard data goes: a shard writer takes one shard's
/// part of a write (its records, and the audit records that go with them)
/// and makes it durable where the design says before it answers: on this
/// node alone (`local_writer`, a node without a cluster), or on the shard's
/// primary and every in-sync replica (cluster/replicating_writer).
///
/// Each part is one atomic shard batch (storage/shard_log): its records,
/// its audit records appended to the shard's audit chain, and the shard's
/// new position, all or nothing. Parts of different shards are written
/// independently: one may fail while another is written, and each part's
/// status says which.
///
/// The node makes one writer in `main` and hands it to every actor that
/// writes shard data (campaign runners, imports, event ingest, erasures,
/// dead-letter replay). Thread-safe; blocking (RocksDB I/O and, with
/// replication, the replicas' answers): call it from detached actors.

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <vector>

#include "common/error.hpp"
#include "storage/shard_log.hpp"
#include "storage/store.hpp"
#include "troupe.pb.h"

namespace troupe::storage {

/// One shard's part of a write.
struct shard_write {
  uint32_t shard = 0;
  write_batch batch;                    ///< shard-keyed records of `shard` only
  std::vector<v1::AuditRecord> audit;   ///< appended to the shard's chain
  bool empty() const { return batch.size() == 0 && audit.empty(); }
};

/// The parts of a write, by shard, as a caller builds them.
class shard_writes {
public:
  shard_write& of(uint32_t shard);
  bool empty() const;
  /// The parts, in shard order; the collection is left empty.
  std::vector<shard_write> take();

private:
  std::map<uint32_t, shard_write> parts_;
};

class shard_writer {
public:
  virtual ~shard_writer() = default;

  /// Writes every part (see above); the i-th status is the i-th part's. A
  /// written part is left empty; one not written is left in no useful
  /// state (build it anew to try again).
  virtual std::vector<status> write(std::vector<shard_write>& parts) = 0;

  /// One part; its status.
  status write_one(shard_write& part);

  /// Every part; the first failure (with its shard), or success.
  status write_all(std::vector<shard_write>& parts);
};

/// One mutex per shard, taken in ascending shard order by a writer that
/// writes several shards at once (no two writers wait on each other).
class shard_locks {
public:
  explicit shard_locks(uint32_t shard_count) : mutexes_(shard_count) {}
  /// Locks the shards of `parts` (ascending, each once) until the guard goes.
  std::vector<std::unique_lock<std::mutex>> lock(const std::vector<shard_write>& parts);

private:
  std::vector<std::mutex> mutexes_;
};

/// A node alone: the parts written to this store through its shard log,
/// each at its shard's current epoch, in one RocksDB write (one WAL record
/// for an import chunk's 64 shards, not 64): written together or not at all,
/// but for a part refused before the write (shard_log::write_local).
class local_writer final : public shard_writer {
public:
  local_writer(std::shared_ptr<store> db, std::shared_ptr<shard_log> log);
  std::vector<status> write(std::vector<shard_write>& parts) override;

private:
  std::shared_ptr<store> db_;
  std::shared_ptr<shard_log> log_;
  shard_locks locks_;
};

/// A local writer with a shard log of its own (tests, tools: where nothing
/// else writes the store's shard positions).
std::shared_ptr<shard_writer> local_writer_of(std::shared_ptr<store> db);

/// `e` with "shard N: " before its message.
error in_shard(uint32_t shard, const error& e);

/// `invalid` unless `shard` is one of `db`'s.
status check_part_shard(const store& db, const shard_write& part);

} // namespace troupe::storage
