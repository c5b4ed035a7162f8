#include "storage/rocksdb_options.hpp"

#include <rocksdb/cache.h>
#include <rocksdb/filter_policy.h>
#include <rocksdb/table.h>

namespace troupe::storage {

const rocksdb::ColumnFamilyOptions& rocksdb_options::of(column c) const {
  // In these columns most point reads miss (has this customer a delivery,
  // a dead letter, an unsubscribe or a pending send; is this event a
  // duplicate?): a Bloom filter per table file and one over each memtable's
  // keys answer a miss without a search. The other columns are read by
  // keys that are there, or scanned, and skip the cost of building filters
  // (the customers' are the largest tables).
  switch (c) {
  case column::deliveries:
  case column::events:
  case column::dead_letters:
  case column::timers:
  case column::entries:
    return filtered;
  default:
    return plain;
  }
}

rocksdb_options make_rocksdb_options(const store_options& opts) {
  rocksdb_options out;
  out.db.create_if_missing = true;
  out.db.create_missing_column_families = true;
  out.db.max_background_jobs = 2;
  out.db.keep_log_file_num = 4;
  rocksdb::BlockBasedTableOptions table;
  table.block_cache = rocksdb::NewLRUCache(opts.block_cache_mb << 20);
  out.plain.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
  out.filtered = out.plain;
  table.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
  out.filtered.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
  out.filtered.memtable_whole_key_filtering = true;
  out.filtered.memtable_prefix_bloom_size_ratio = 0.02;
  return out;
}

} // namespace troupe::storage
