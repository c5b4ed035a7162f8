#pragma once
/// What the cluster keeps in etcd, and how: the keys under the cluster's
/// prefix (`--etcd-prefix`), and the records under them, decoded with
/// every rule checked (etcd is trusted, but a record written by another
/// version, or by hand, must not crash or mislead a member).
///
///   PREFIX members/ID   v1.MemberRecord, under the member's lease: a live member
///   PREFIX leader       the leader's id, under the leader's lease
///   PREFIX map          v1.PlacementMapRecord: the shard map, changed only by
///                       transactions that compare its revision

#include <cstdint>
#include <string>
#include <string_view>

#include "cluster/cluster_view.hpp"
#include "common/error.hpp"
#include "sharding/placement.hpp"
#include "troupe.pb.h"

namespace troupe::cluster::etcd_keys {

std::string members(std::string_view prefix);
std::string member(std::string_view prefix, std::string_view id);
std::string leader(std::string_view prefix);
std::string map(std::string_view prefix);

} // namespace troupe::cluster::etcd_keys

namespace troupe::cluster {

/// The most shards a map may have (a shard is 2 bytes in keys).
inline constexpr uint32_t max_shards = 65536;

std::string encode_member(const member_info& m, int64_t started_at_ms);
/// The member under `key` (its id must be the key's last part): a
/// bad_record error naming the key when it is not a valid member (a node id by common/identifier's rule, a port, a
/// state of up or leaving).
result<member_info> decode_member(std::string_view key, std::string_view bytes,
                                  std::string_view prefix);

v1::PlacementMapRecord to_record(const sharding::placement_map& map);
/// The map, checked: node ids valid identifiers (common/identifier), no node twice in a shard, the
/// factor at least 1, `shard_count` shards (0: any count up to max_shards).
result<sharding::placement_map> from_record(const v1::PlacementMapRecord& r,
                                            uint32_t shard_count);

std::string encode_map(const sharding::placement_map& map);
result<sharding::placement_map> decode_map(std::string_view bytes, uint32_t shard_count);

} // namespace troupe::cluster
