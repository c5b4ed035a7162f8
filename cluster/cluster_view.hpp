#pragma once
/// The cluster as a member sees it: the live members (from etcd, in join
/// order), who leads, and the shard map (sharding/placement). Read from
/// etcd by the member's agent (cluster/etcd_agent) at one revision; a
/// node without etcd is a cluster of one (`solo_view`). Also what `nodes`
/// answers. Plain values.

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <caf/meta/type_name.hpp>

#include "sharding/placement.hpp"

namespace troupe::cluster {

/// Member states: up, leaving (draining: its copies move away); `down`
/// only in `nodes`, for a member the map names that is not live.
namespace member_state {
inline constexpr const char* up = "up";
inline constexpr const char* leaving = "leaving";
inline constexpr const char* down = "down";
} // namespace member_state

struct member_info {
  std::string id;
  std::string host;
  uint16_t port = 0;
  std::string state;
  uint32_t shard_count = 0;  ///< of the member's data dir
  /// The CAF node id (caf::to_string) of the member's process, from its
  /// record in etcd: whom a member message must come from (see
  /// cluster/member_admission).
  std::string node;

  std::string address() const { return host + ":" + std::to_string(port); }
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, member_info& x) {
  return f(caf::meta::type_name("troupe.member_info"), x.id, x.host, x.port, x.state,
           x.shard_count, x.node);
}

struct cluster_view {
  int64_t revision = 0;              ///< etcd's revision it was read at (0: solo)
  std::string leader;
  std::vector<member_info> members;  ///< live, in join order
  sharding::placement_map map;

  member_info* find(const std::string& id);
  const member_info* find(const std::string& id) const;
  /// Where `id` is in the join order; nullopt if it is not live.
  std::optional<std::size_t> position(const std::string& id) const;
  /// The live members' ids.
  std::set<std::string> live() const;
};

/// A node without etcd: itself alone, leading, every shard its own.
cluster_view solo_view(const member_info& self, uint32_t shard_count);

/// One line of `nodes`.
struct node_row {
  std::string id;
  std::string address;
  std::string state;
  uint32_t shards = 0;             ///< shards it is the primary of
  uint32_t replicas = 0;           ///< shards it holds a replica of
  /// Customers of the shards it is the primary of; -1: unknown. The
  /// cluster actor fills in RocksDB's estimate (replicas included) from
  /// heartbeats; `nodes` counts them (runtime/member_counts).
  int64_t customers = -1;
  int64_t last_heartbeat_ms = -1;  ///< since its last heartbeat here; 0: this node; -1: never
  bool leader = false;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, node_row& x) {
  return f(caf::meta::type_name("troupe.node_row"), x.id, x.address, x.state, x.shards,
           x.replicas, x.customers, x.last_heartbeat_ms, x.leader);
}

/// One line of `shards`: where a shard's copies are.
struct shard_row {
  uint32_t shard = 0;
  uint64_t epoch = 0;
  std::string primary;
  std::vector<std::string> replicas; ///< in the map's order
  std::vector<std::string> in_sync;  ///< those of `replicas` in sync
  bool available = false;            ///< its primary is a live member
  std::vector<int64_t> lag;          ///< per replica: records behind its primary (-1: not known)
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, shard_row& x) {
  return f(caf::meta::type_name("troupe.shard_row"), x.shard, x.epoch, x.primary, x.replicas,
           x.in_sync, x.available, x.lag);
}

/// `shards`: one row per shard of `view`'s map, with each replica's lag
/// (cluster/replica_lag; empty: none known).
std::vector<shard_row> shard_rows(const cluster_view& view,
                                  const std::vector<std::vector<int64_t>>& lag = {});

} // namespace troupe::cluster
