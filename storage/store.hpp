#pragma once
/// A node's store: one RocksDB at the data dir, one column family per kind
/// of record (see column.hpp), Protobuf records as values, WAL on.
///
/// Opening checks the metadata record: a data dir that belongs to another
/// node id or was written by a newer schema is refused, as is one already
/// open in another process. The shard count is fixed at first start and read
/// back from the metadata afterwards.
///
/// Thread safety: every method may be called from any thread. Every method
/// may block on disk I/O, so actors call it from detached actors or a
/// dedicated pool, never from the cooperative scheduler's workers.

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <google/protobuf/message_lite.h>

#include "common/error.hpp"
#include "storage/column.hpp"
#include "storage/storage_error.hpp"
#include "troupe.pb.h"

namespace troupe::storage {

/// How to open a store. Plain values with their defaults.
struct store_options {
  /// Directory of the RocksDB; created if missing.
  std::filesystem::path data_dir;
  /// Node id stamped into a new data dir and checked on every later open.
  std::string node_id;
  /// Shard count for a new data dir; an existing one keeps its own.
  uint32_t shard_count = 64;
  /// fsync the WAL on every write (default: off, the WAL is still written).
  bool sync_writes = false;
  /// Block cache size in MiB.
  std::size_t block_cache_mb = 64;
};

/// A set of writes applied atomically by `store::write`.
class write_batch {
public:
  write_batch();
  ~write_batch();
  write_batch(write_batch&&) noexcept;
  write_batch& operator=(write_batch&&) noexcept;

  void put(column c, std::string_view key, const google::protobuf::MessageLite& record);
  void put_raw(column c, std::string_view key, std::string_view bytes);
  /// The same, taking the key and bytes (no copy).
  void put_owned(column c, std::string&& key, std::string&& bytes);
  void erase(column c, std::string_view key);
  std::size_t size() const;
  void clear();
  /// Drops the writes after the first `ops` (a part added, taken back).
  void truncate(std::size_t ops);
  /// Moves the writes of `other` after this batch's; `other` is left empty.
  void append(write_batch&& other);
  /// Visits the column and key of each write, in order, until `visit`
  /// returns false.
  void for_each_key(const std::function<bool(column, std::string_view)>& visit) const;

  /// Appends this batch's writes to `out.ops` in order, as shipped between
  /// nodes (shard replication); the batch is left as it is.
  void to_ops(v1::ShardBatch& out) const;

  /// The writes of `in.ops`, in order; refuses the batch where an op's
  /// column is refused by `op_column`.
  static result<write_batch> from_ops(const v1::ShardBatch& in);

private:
  friend class store;
  struct impl;
  std::unique_ptr<impl> impl_;
};

/// The column of op `index` of `batch`; `invalid`, naming the op's index
/// and column, where it is no column of this build or is `metadata` (no
/// shard batch writes a node's metadata, cluster view or shard positions).
result<column> op_column(const v1::ShardBatch& batch, int index);

class store {
public:
  /// Opens (or creates) the store at `opts.data_dir`.
  static result<std::unique_ptr<store>> open(const store_options& opts);

  ~store();
  store(const store&) = delete;
  store& operator=(const store&) = delete;

  const v1::NodeMetadata& metadata() const;
  const std::filesystem::path& data_dir() const;
  uint32_t shard_count() const;

  /// The shard of a customer id under this store's shard count.
  uint32_t shard_of(std::string_view customer_id) const;

  // -- typed access -----------------------------------------------------

  status put(column c, std::string_view key, const google::protobuf::MessageLite& record);

  /// nullopt if the key is absent; `corruption` if the value does not parse.
  template <class Record>
  result<std::optional<Record>> get(column c, std::string_view key) const {
    auto bytes = get_raw(c, key);
    if (!bytes)
      return bytes.err();
    if (!bytes->has_value())
      return std::optional<Record>{};
    Record record;
    if (!record.ParseFromString(**bytes))
      return corrupt_record(c, key);
    return std::optional<Record>{std::move(record)};
  }

  status erase(column c, std::string_view key);

  /// Visits the records with keys in [begin, end) in key order (an empty
  /// `end` means no upper bound). `visit` returns false to stop early.
  template <class Record, class Visit>
  status scan(column c, std::string_view begin, std::string_view end, Visit&& visit) const {
    Record record;
    bool parse_failed = false;
    std::string bad_key;
    auto st = scan_raw(c, begin, end, [&](std::string_view key, std::string_view bytes) {
      if (!record.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
        parse_failed = true;
        bad_key = std::string{key};
        return false;
      }
      return visit(key, record);
    });
    if (!st)
      return st;
    if (parse_failed)
      return corrupt_record(c, bad_key);
    return status::success();
  }

  /// Applies every write of `batch` atomically (and clears it).
  status write(write_batch& batch);

  // -- raw access -------------------------------------------------------

  result<std::optional<std::string>> get_raw(column c, std::string_view key) const;

  /// The value under the largest key in [begin, end) of a column (an empty
  /// `end`: no upper bound), if there is one.
  result<std::optional<std::string>> last_raw(column c, std::string_view begin = {},
                                              std::string_view end = {}) const;
  status scan_raw(column c, std::string_view begin, std::string_view end,
                  const std::function<bool(std::string_view, std::string_view)>& visit) const;

  // -- maintenance ------------------------------------------------------

  /// Flushes memtables to SST files.
  status flush();
  /// Syncs the write-ahead log to disk: every write before it is durable.
  status sync_wal();
  /// Syncs of the write-ahead log since the store opened (RocksDB's
  /// cumulative WAL statistics): one per write group with `sync_writes`.
  result<uint64_t> wal_syncs() const;
  /// Deletes every key in [begin, end) of a column (one range tombstone).
  status erase_range(column c, std::string_view begin, std::string_view end);
  /// RocksDB's estimate of the number of keys in a column family.
  uint64_t estimate_keys(column c) const;
  /// Total bytes of live SST files of a column family.
  uint64_t sst_bytes(column c) const;

  /// Flushes and closes; later calls fail with `storage_errc::closed`.
  /// Also done by the destructor.
  status close();
  bool is_open() const;

private:
  struct impl;
  explicit store(std::unique_ptr<impl> impl);
  static error corrupt_record(column c, std::string_view key);
  uint64_t int_property(column c, const char* property) const;
  std::unique_ptr<impl> impl_;
};

} // namespace troupe::storage
