#pragma once
/// The membership rules a member applies to the view it read from etcd,
/// pure (no actors, no clock): which members it connects to, which shards
/// it serves, whether it has drained, how many members are in each state.
/// Who is a member, who leads and where shards go are etcd's and the
/// leader's plan's (sharding/placement_plan), not these.

#include <string>
#include <vector>

#include "cluster/cluster_view.hpp"

namespace troupe::cluster::membership {

/// The members `self` opens a connection to: the older ones (earlier in
/// the join order). A newer member is never connected to: it connects
/// here (one connection per pair; see cluster/README.md). Every other
/// member while `self` is not in the view.
std::vector<std::string> connect_to(const cluster_view& view, const std::string& self);

/// Which shards `self` serves (is the primary of), by shard.
std::vector<bool> owned_by(const sharding::placement_map& map, const std::string& self);

/// True once `self` is leaving, holds no copy in the map, and streams or
/// deletes none (`busy`): it may stop.
bool drained(const cluster_view& view, const std::string& self, bool busy);

/// How many members are in each state (for the metrics): live ones up or
/// leaving; down ones named by the map but not live.
struct state_counts {
  std::size_t up = 0, leaving = 0, down = 0;
};
state_counts count_states(const cluster_view& view);

/// The members the map names (as primary or replica) that are not live.
std::vector<std::string> missing_members(const cluster_view& view);

} // namespace troupe::cluster::membership
