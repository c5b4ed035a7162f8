#pragma once
/// What every member of a cluster must agree on, kept in etcd (key PREFIX
/// "policy", a v1.ClusterPolicyRecord): today the global holdout, so that
/// every member holds out the same customers. The first member to start
/// writes its own; a member whose value differs does not start, with an
/// error naming both values. An operator changes it with every member
/// stopped, starting one with `change` (--holdout-change): refused while
/// another member's record is in etcd. Blocking (etcd calls): called once,
/// before the node joins.

#include <cstdint>
#include <optional>
#include <string>

#include "common/error.hpp"
#include "coord/etcd_client.hpp"

namespace troupe::cluster {

struct cluster_policy {
  uint32_t holdout_basis_points = 0;
};

namespace etcd_keys {
std::string policy(std::string_view prefix);
} // namespace etcd_keys

/// The policy this node runs with: `mine`, once etcd holds it (written
/// now if etcd had none, or replaced with `change`); an error
/// (cluster_errc::policy_differs) if etcd holds another, or coord/'s if
/// etcd cannot be asked. `self`: this node's id (its own member record, a
/// lease not yet ended, does not count as another member).
result<cluster_policy> agree_policy(coord::etcd_client& etcd, const std::string& prefix,
                                    const cluster_policy& mine, bool change,
                                    const std::string& self);

/// The policy etcd holds now (nullopt: none yet).
result<std::optional<cluster_policy>> read_policy(coord::etcd_client& etcd,
                                                  const std::string& prefix);

/// "12.50" (percent) for 1250 basis points.
std::string percent_text(uint32_t basis_points);

} // namespace troupe::cluster
