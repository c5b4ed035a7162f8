#pragma once
/// Errors of the storage folder. `rocksdb::Status` is converted here, at the
/// boundary, and never escapes.

#include <string>

#include "common/error.hpp"

namespace troupe::storage {

enum class storage_errc {
  io_error = 1,   ///< the disk or the file system failed (retryable)
  no_space,       ///< the disk is full
  corruption,     ///< a record or the database is damaged
  busy,           ///< a transient conflict (retryable)
  locked,         ///< the data dir is open in another process
  wrong_node,     ///< the data dir belongs to another node id
  newer_schema,   ///< the data dir was written by a newer schema
  invalid,        ///< a bad argument (e.g. a shard out of range)
  closed,         ///< the store was closed
  bad_json,       ///< an imported line is not a JSON object
  bad_record,     ///< an imported record lacks a field or has a wrong type
  stale_epoch,    ///< a primary's write under an epoch older than its shard log's
  shard_log_broken, ///< a shard batch failed to apply here: `shard_log::reset` first
};

constexpr error_domain domain_of(storage_errc) { return error_domain::storage; }

error make_error(storage_errc code, std::string message);

} // namespace troupe::storage
