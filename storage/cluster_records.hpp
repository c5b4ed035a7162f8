#pragma once
/// The cluster's record in a node's store: the last shard map this node
/// acted on (key "placement" of the metadata column), so that a restart
/// never acts on an older one, and knows which shards' copies it holds.

#include <optional>

#include "common/error.hpp"
#include "storage/store.hpp"
#include "troupe.pb.h"

namespace troupe::storage {

/// Stores `map` as the last map the node acted on.
status save_placement(store& db, const v1::PlacementMapRecord& map);

/// The last map the node acted on; nullopt if it never saved one.
result<std::optional<v1::PlacementMapRecord>> load_placement(const store& db);

} // namespace troupe::storage
