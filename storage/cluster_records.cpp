#include "storage/cluster_records.hpp"

#include "storage/keys.hpp"

namespace troupe::storage {

status save_cluster_view(store& db, const v1::ClusterView& view) {
  return db.put(column::metadata, keys::metadata_cluster, view);
}

result<std::optional<v1::ClusterView>> load_cluster_view(const store& db) {
  return db.get<v1::ClusterView>(column::metadata, keys::metadata_cluster);
}

} // namespace troupe::storage
