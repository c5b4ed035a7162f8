#pragma once
/// Storage metrics: RocksDB's per-column estimates of keys and SST bytes,
/// read from the store each time `update` is called (before a scrape).
///
///   troupe_rocksdb_estimated_keys{column}   gauge
///   troupe_rocksdb_sst_bytes{column}        gauge
///   troupe_rocksdb_wal_syncs                gauge (syncs since the store opened)

#include <array>

#include <prometheus/gauge.h>
#include <prometheus/registry.h>

#include "storage/column.hpp"

namespace troupe::storage {

class store;

class storage_probe {
public:
  explicit storage_probe(prometheus::Registry& registry);

  /// Reads the current estimates from `db`. Any thread.
  void update(const store& db);

private:
  std::array<prometheus::Gauge*, column_count> keys_{};
  std::array<prometheus::Gauge*, column_count> sst_bytes_{};
  prometheus::Gauge* wal_syncs_ = nullptr;
};

} // namespace troupe::storage
