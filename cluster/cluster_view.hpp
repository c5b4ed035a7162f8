#pragma once
/// The cluster as its members see it: who is in it, in which state, and the
/// shard map. The leader (the oldest member that is up) changes the view
/// and pushes it to everyone; a higher `version` always wins. Also what
/// `nodes` answers. Plain values that cross the wire, and the pure rules
/// over them (who leads next, who may take shards).

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <caf/meta/type_name.hpp>

#include "sharding/shard_map.hpp"
#include "troupe.pb.h"

namespace troupe::cluster {

/// Member states: joining (accepted, not yet reachable from the leader),
/// up, leaving (draining: its shards move away), down (not heard from).
namespace member_state {
inline constexpr const char* joining = "joining";
inline constexpr const char* up = "up";
inline constexpr const char* leaving = "leaving";
inline constexpr const char* down = "down";
} // namespace member_state

struct member_info {
  std::string id;
  std::string host;
  uint16_t port = 0;
  std::string state;
  uint64_t seq = 0;          ///< join order (a rejoin gets a new one)
  uint32_t shard_count = 0;  ///< of the member's data dir (checked at join)
  /// The CAF node id (caf::to_string) of the member's process, as it said
  /// in its join: whom a member message must come from (see
  /// cluster/member_admission). Not saved: a member that restarts has
  /// another and joins again.
  std::string node;

  std::string address() const { return host + ":" + std::to_string(port); }
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, member_info& x) {
  return f(caf::meta::type_name("troupe.member_info"), x.id, x.host, x.port, x.state, x.seq,
           x.shard_count, x.node);
}

struct cluster_view {
  uint64_t version = 0;
  std::string leader;
  std::vector<member_info> members;
  sharding::shard_map map;
  uint64_t next_seq = 0;     ///< the seq the next joining member gets

  member_info* find(const std::string& id);
  const member_info* find(const std::string& id) const;
  /// Members that may take shards: up, in join order.
  std::vector<std::string> receivers() const;
  /// Members whose shards must move away.
  std::set<std::string> leaving() const;
  /// Who leads once `gone` are taken as down: the up member with the
  /// lowest seq that is not in `gone`; nullopt if none.
  std::optional<std::string> successor(const std::set<std::string>& gone) const;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, cluster_view& x) {
  return f(caf::meta::type_name("troupe.cluster_view"), x.version, x.leader, x.members, x.map,
           x.next_seq);
}

/// One line of `nodes`.
struct node_row {
  std::string id;
  std::string address;
  std::string state;
  uint32_t shards = 0;             ///< shards it is the primary of
  uint64_t customers = 0;          ///< customers it stores (RocksDB's estimate)
  int64_t last_heartbeat_ms = -1;  ///< since its last heartbeat here; 0: this node; -1: never
  bool leader = false;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, node_row& x) {
  return f(caf::meta::type_name("troupe.node_row"), x.id, x.address, x.state, x.shards,
           x.customers, x.last_heartbeat_ms, x.leader);
}

/// To and from the record kept in the metadata column.
v1::ClusterView to_record(const cluster_view& view);
cluster_view from_record(const v1::ClusterView& record);

} // namespace troupe::cluster
