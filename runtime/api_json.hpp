#pragma once
/// The JSON of what a node answers about itself and its cluster: one form
/// for `troupe-shell --json` and the node's HTTP API (`/api/v1/`, the
/// status page's source), so a script reads the same fields from either.

#include <vector>

#include <nlohmann/json.hpp>

#include "actors/actor_entry.hpp"
#include "actors/breaker_status.hpp"
#include "campaign/status.hpp"
#include "cluster/wire_types.hpp"

namespace troupe::runtime {

nlohmann::json health_json(const cluster::health_info& h);
nlohmann::json actor_json(const actors::actor_entry& e);
nlohmann::json breaker_json(const actors::breaker_status& b);
nlohmann::json node_json(const cluster::node_row& r);
nlohmann::json shard_json(const cluster::shard_row& r);
/// `by_node`: with "nodes", each member's part (node_part_json).
nlohmann::json campaign_status_json(const campaign::campaign_status& s, bool by_node = false);

/// {"node_id", "state", "processed", "total", "delivered", "blocked",
/// "failed", "held_out", "stalled_shards" (an unreachable member's; else
/// null), "error" (a member that answered with one; else null)}.
nlohmann::json node_part_json(const campaign::node_part_status& p);

/// An array of `to_json` of each element.
template <class T, class ToJson>
nlohmann::json json_array(const std::vector<T>& list, ToJson to_json) {
  auto arr = nlohmann::json::array();
  for (const auto& x : list)
    arr.push_back(to_json(x));
  return arr;
}

} // namespace troupe::runtime
