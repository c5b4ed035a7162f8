#pragma once
/// The cluster's state in etcd, read and changed with one transaction per
/// step (blocking; cluster/etcd_agent runs it on a thread of its own):
///
/// - `read`: the members, the leader and the map, consistently (one
///   transaction of three ranges: one revision).
/// - `enter`: this node's member record under its lease, only if no other
///   lease holds that id (a process still alive, or one whose lease has not
///   ended yet: `member_exists`, retryable).
/// - `set_state`: the record rewritten (up, leaving) under the same lease.
/// - `lead`: takes the leader key under this node's lease if nobody holds it.
/// - `found_map`: the first map, if etcd has none yet.
/// - `change_map`: applies placement changes to the map this node read, if
///   it is still the map's revision (else `map_changed`, retryable: read
///   again and plan again); refused whole if one change does not fit.
///
/// Errors: coord/'s (etcd unreachable, refused) and cluster_errc's.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "cluster/cluster_view.hpp"
#include "common/error.hpp"
#include "coord/etcd_client.hpp"
#include "sharding/placement_plan.hpp"

namespace troupe::cluster {

/// The cluster as etcd holds it at one revision.
struct etcd_snapshot {
  int64_t revision = 0;
  /// Live members in join order (their records' creation), states up or leaving.
  std::vector<member_info> members;
  /// Records that do not decode (each with its key and why): skipped.
  std::vector<std::string> bad_records;
  std::string leader;                      ///< "" when nobody leads
  std::optional<sharding::placement_map> map;
  int64_t map_revision = 0;                ///< its key's mod revision (0: no map yet)

  const member_info* find(const std::string& id) const;
  /// The members as the plan sees them: those whose data dir has the
  /// map's shard count (another could never hold a copy).
  sharding::member_set member_set() const;
};

class etcd_membership {
public:
  etcd_membership(coord::etcd_client& client, std::string prefix);

  result<etcd_snapshot> read();
  /// etcd's revision after the record was written (or found written).
  result<int64_t> enter(const member_info& self, int64_t lease);
  status set_state(const member_info& self, int64_t lease);
  /// True if this node leads now (it took the key, or held it already).
  result<bool> lead(const std::string& self, int64_t lease);
  /// The map etcd holds after the call: `initial` if it had none.
  result<sharding::placement_map> found_map(const sharding::placement_map& initial);
  /// The new map. `leader`: when not empty, the change also requires the
  /// leader key to still hold that id.
  result<sharding::placement_map> change_map(const etcd_snapshot& seen,
                                             const std::vector<sharding::placement_change>& changes,
                                             const std::string& leader = {});

  const std::string& prefix() const { return prefix_; }

private:
  coord::etcd_client& client_;
  std::string prefix_;
};

} // namespace troupe::cluster
