#include "storage/cluster_records.hpp"

#include "storage/keys.hpp"

namespace troupe::storage {

status save_placement(store& db, const v1::PlacementMapRecord& map) {
  return db.put(column::metadata, keys::metadata_placement, map);
}

result<std::optional<v1::PlacementMapRecord>> load_placement(const store& db) {
  return db.get<v1::PlacementMapRecord>(column::metadata, keys::metadata_placement);
}

} // namespace troupe::storage
