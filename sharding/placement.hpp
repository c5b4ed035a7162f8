#pragma once
/// Where each shard's copies live, for a replicated cluster: per shard an
/// epoch, a primary and an ordered list of replicas, each in sync or not.
/// Pure values and functions, no actors: the leader computes changes with
/// sharding/placement_plan, every member routes with `primary`, and a
/// replica takes batches of its shard's current epoch only.
///
/// - The *epoch* of a shard grows by one each time its primary changes
///   (a failover, a switch, a forced promotion), never otherwise; a batch
///   written under an older epoch is refused everywhere.
/// - An *in-sync* replica has applied every batch its primary acknowledged;
///   only such a replica may be promoted without loss. A replica is added
///   out of sync (it catches up first) and marked in sync once it has.
/// - The map's *version* grows with every change; a member never acts on
///   a map older than the last one it acted on.
///
/// Invariants kept by `apply` (and checked by `problem_of`): a node holds at
/// most one copy of a shard; the primary is not also a replica.

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>


namespace troupe::sharding {

struct replica {
  std::string node;
  bool in_sync = false;

  friend bool operator==(const replica& a, const replica& b) {
    return a.node == b.node && a.in_sync == b.in_sync;
  }
};

/// One shard's copies.
struct placement {
  uint64_t epoch = 0;
  /// "" when the shard has none: none yet (no copy anywhere), or none
  /// since its primary's copy was lost while its replicas were out of sync
  /// (unavailable until an operator forces one of them to primary).
  std::string primary;
  std::vector<replica> replicas; ///< ordered: the first in-sync one is promoted first

  /// True if `node` is the primary or a replica.
  bool holds(const std::string& node) const;
  /// True if `node` is the primary or an in-sync replica.
  bool in_sync(const std::string& node) const;
  /// The primary (if any) and the in-sync replicas.
  std::size_t copies_in_sync() const;
  /// The primary (if any) and every replica.
  std::size_t copies() const;

  friend bool operator==(const placement& a, const placement& b) {
    return a.epoch == b.epoch && a.primary == b.primary && a.replicas == b.replicas;
  }
};

struct placement_map {
  uint64_t version = 0;
  /// Copies wanted per shard (the primary included): --replication-factor.
  uint32_t factor = 1;
  std::vector<placement> shards;

  uint32_t shard_count() const { return static_cast<uint32_t>(shards.size()); }
  /// The primary of `shard`, or "" when it has none (or is out of range).
  const std::string& primary(uint32_t shard) const;
  /// The shards whose primary is `node`, ascending.
  std::vector<uint32_t> primaries_of(const std::string& node) const;
  /// The shards of which `node` holds a replica, ascending.
  std::vector<uint32_t> replicas_of(const std::string& node) const;
  /// Primaries per node.
  std::map<std::string, uint32_t> primary_counts() const;
  /// Copies (primaries and replicas) per node.
  std::map<std::string, uint32_t> copy_counts() const;

  friend bool operator==(const placement_map& a, const placement_map& b) {
    return a.version == b.version && a.factor == b.factor && a.shards == b.shards;
  }
};

/// Every shard on `node` alone, epoch 1, version 1 (a cluster's first map).
placement_map initial_placement(uint32_t shard_count, const std::string& node, uint32_t factor);

/// Why a map is malformed (a node twice in one shard, an empty node name,
/// an in-sync replica without a primary, factor 0), or nullopt when it is not.
std::optional<std::string> problem_of(const placement_map& map);

/// How the shards stand against the live members and the factor.
struct placement_health {
  /// Shards with fewer in-sync copies on live members than the factor.
  uint32_t under_replicated = 0;
  /// Shards whose primary is not live (writes and reads stop until a
  /// failover, the primary's return, or a forced promotion).
  uint32_t unavailable = 0;
};

placement_health health_of(const placement_map& map, const std::set<std::string>& live);

} // namespace troupe::sharding
