#pragma once
/// Errors of the cluster folder: why a member refused a join, a drain or a
/// view. Sent between actors and nodes as `caf::error` through
/// `actors::make_caf_error(code, message, retryable(code))`, and recognised
/// with `actors::is(err, cluster_errc::...)`.

#include <cstdint>
#include <string>

#include "common/error.hpp"

namespace troupe::cluster {

enum class cluster_errc : uint8_t {
  not_in_cluster = 1,   ///< this node has not joined (or formed) a cluster yet (retryable)
  leader_unreachable,   ///< a member cannot reach its leader to hand a request on (retryable)
  shard_count_mismatch, ///< a joining node's data dir has another shard count than the cluster's
  refused_join,         ///< the leader will never admit this join (e.g. it names the leader's id)
  malformed_join,       ///< a join that names no admin actor to answer
  unknown_member,       ///< no member of that id in the view
  member_down,          ///< the member is down: its shards cannot be streamed
  no_receiver,          ///< no other member is up to take the shards
  stale_view,           ///< a view no newer than the one this member has
  refused,              ///< a member message this node does not take from its sender (counted)
  bad_record,           ///< a record read from etcd that does not parse or breaks a rule
};

constexpr error_domain domain_of(cluster_errc) { return error_domain::cluster; }

/// Whether the same request may succeed later without anyone changing it.
constexpr bool retryable(cluster_errc code) {
  return code == cluster_errc::not_in_cluster || code == cluster_errc::leader_unreachable;
}

/// The error of `code`, with its retryable flag.
inline error make_error(cluster_errc code, std::string message) {
  return error{domain_of(code), static_cast<int>(code), std::move(message), retryable(code)};
}

} // namespace troupe::cluster
