#include "storage/storage_probe.hpp"

#include "common/metrics.hpp"
#include "storage/store.hpp"

namespace troupe::storage {

storage_probe::storage_probe(prometheus::Registry& registry) {
  auto& keys = metrics::gauge_family(
    registry, "troupe_rocksdb_estimated_keys",
    "RocksDB's estimate of the number of keys, per column family");
  auto& bytes = metrics::gauge_family(registry, "troupe_rocksdb_sst_bytes",
                                      "Bytes of live SST files, per column family");
  for (auto c : all_columns()) {
    auto i = static_cast<std::size_t>(c);
    std::string name{name_of(c)};
    keys_[i] = &keys.Add({{"column", name}});
    sst_bytes_[i] = &bytes.Add({{"column", name}});
  }
  wal_syncs_ = metrics::gauge(registry, "troupe_rocksdb_wal_syncs",
                              "fsyncs of the write-ahead log since the store opened "
                              "(one per write group with --sync-writes, else none)");
}

void storage_probe::update(const store& db) {
  if (!db.is_open())
    return;
  for (auto c : all_columns()) {
    auto i = static_cast<std::size_t>(c);
    keys_[i]->Set(static_cast<double>(db.estimate_keys(c)));
    sst_bytes_[i]->Set(static_cast<double>(db.sst_bytes(c)));
  }
  if (auto syncs = db.wal_syncs())
    wal_syncs_->Set(static_cast<double>(*syncs));
}

} // namespace troupe::storage
