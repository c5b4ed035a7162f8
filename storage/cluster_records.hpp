#pragma once
/// The cluster's record in a node's store: the last view (members and the
/// shard map) this node acted on, so that a restart serves what that map
/// gave it until the cluster answers. Key "cluster" of the metadata column.

#include <optional>

#include "common/error.hpp"
#include "storage/store.hpp"
#include "troupe.pb.h"

namespace troupe::storage {

/// Stores `view` as the node's last view.
status save_cluster_view(store& db, const v1::ClusterView& view);

/// The node's last view; nullopt if it never saved one.
result<std::optional<v1::ClusterView>> load_cluster_view(const store& db);

} // namespace troupe::storage
