#pragma once
/// RocksDB's options for a node's store (storage-internal: only store.cpp
/// opens RocksDB): the database's, and each column family's. The columns
/// whose point reads mostly miss have Bloom filters; the others do not.

#include <rocksdb/options.h>

#include "storage/column.hpp"
#include "storage/store.hpp"

namespace troupe::storage {

struct rocksdb_options {
  rocksdb::Options db;
  /// Columns read by keys that are there, or scanned; families this build
  /// does not know.
  rocksdb::ColumnFamilyOptions plain;
  /// Columns whose point reads mostly miss.
  rocksdb::ColumnFamilyOptions filtered;

  /// The options of column `c`.
  const rocksdb::ColumnFamilyOptions& of(column c) const;
};

/// The options for a store opened with `opts` (its block cache is shared
/// by every column).
rocksdb_options make_rocksdb_options(const store_options& opts);

} // namespace troupe::storage
