#pragma once
/// Errors of the cluster folder: why a member refused a message or a drain,
/// why a record in etcd or a change of the map was refused. Sent between actors and nodes as `caf::error` through
/// `actors::make_caf_error(code, message, retryable(code))`, and recognised
/// with `actors::is(err, cluster_errc::...)`.

#include <cstdint>
#include <string>

#include "common/error.hpp"

namespace troupe::cluster {

enum class cluster_errc : uint8_t {
  not_in_cluster = 1,   ///< this node is not a member yet (or lost its lease) (retryable)
  unknown_member,       ///< no live member of that id
  member_down,          ///< the member cannot be reached (retryable)
  no_receiver,          ///< no other member could take the shards
  refused,              ///< a member message this node does not take from its sender (counted)
  bad_record,           ///< a record read from etcd that does not parse or breaks a rule
  member_exists,        ///< the member id is held in etcd under another lease (retryable)
  map_changed,          ///< the map changed since it was read: read it again (retryable)
  change_refused,       ///< a map change that does not fit the map
  not_primary,          ///< a write to a shard this node is not the primary of (retryable)
  replica_failed,       ///< a replica did not take a write, nor could it leave the in-sync set (retryable)
  policy_differs,       ///< this node's policy (the holdout) is not the cluster's
};

constexpr error_domain domain_of(cluster_errc) { return error_domain::cluster; }

/// Whether the same request may succeed later without anyone changing it.
constexpr bool retryable(cluster_errc code) {
  return code == cluster_errc::not_in_cluster || code == cluster_errc::member_down
         || code == cluster_errc::member_exists || code == cluster_errc::map_changed
         || code == cluster_errc::not_primary || code == cluster_errc::replica_failed;
}

/// The error of `code`, with its retryable flag.
inline error make_error(cluster_errc code, std::string message) {
  return error{domain_of(code), static_cast<int>(code), std::move(message), retryable(code)};
}

} // namespace troupe::cluster
