#include "cluster/cluster_policy.hpp"

#include <cstdio>

#include "cluster/cluster_errc.hpp"
#include "cluster/etcd_records.hpp"
#include "common/log.hpp"
#include "troupe.pb.h"

namespace troupe::cluster {

namespace etcd_keys {
std::string policy(std::string_view prefix) { return std::string{prefix} + "policy"; }
} // namespace etcd_keys

namespace {

constexpr uint32_t max_basis_points = 10000;

std::string encode(const cluster_policy& p) {
  v1::ClusterPolicyRecord r;
  r.set_holdout_basis_points(p.holdout_basis_points);
  return r.SerializeAsString();
}

result<cluster_policy> decode(const std::string& key, const std::string& bytes) {
  v1::ClusterPolicyRecord r;
  if (!r.ParseFromString(bytes) || r.holdout_basis_points() > max_basis_points)
    return make_error(cluster_errc::bad_record,
                      "etcd key " + key + " does not hold a cluster policy (a holdout of 0 to "
                        "10000 basis points)");
  return cluster_policy{r.holdout_basis_points()};
}

/// The ids of the member records under `prefix` other than `self`'s, and
/// the revision they were read at.
struct members_read {
  std::vector<std::string> others;
  int64_t revision = 0;
};
result<members_read> other_members(coord::etcd_client& etcd, const std::string& prefix,
                                   const std::string& self) {
  auto members = etcd_keys::members(prefix);
  auto found = etcd.prefix(members);
  if (!found)
    return found.err();
  members_read out;
  out.revision = found->revision;
  for (const auto& kv : found->kvs)
    if (auto id = kv.key.substr(members.size()); id != self)
      out.others.push_back(id);
  return out;
}

} // namespace

result<std::optional<cluster_policy>> read_policy(coord::etcd_client& etcd,
                                                  const std::string& prefix) {
  auto key = etcd_keys::policy(prefix);
  auto found = etcd.get(key);
  if (!found)
    return found.err();
  if (found->kvs.empty())
    return std::optional<cluster_policy>{};
  auto p = decode(key, found->kvs.front().value);
  if (!p)
    return p.err();
  return std::optional<cluster_policy>{*p};
}

std::string percent_text(uint32_t basis_points) {
  char text[32];
  std::snprintf(text, sizeof text, "%u.%02u", basis_points / 100, basis_points % 100);
  return text;
}

result<cluster_policy> agree_policy(coord::etcd_client& etcd, const std::string& prefix,
                                    const cluster_policy& mine, bool change,
                                    const std::string& self) {
  auto key = etcd_keys::policy(prefix);
  auto founded = etcd.txn({coord::compare::absent(key)}, {coord::txn_op::put(key, encode(mine))},
                          {coord::txn_op::get(key)});
  if (!founded)
    return founded.err();
  if (founded->succeeded) {
    log::info("cluster", "the cluster's holdout is ", percent_text(mine.holdout_basis_points),
              "% (first member; etcd key ", key, ")");
    return mine;
  }
  if (founded->ranges.empty() || founded->ranges[0].kvs.empty())
    return make_error(cluster_errc::map_changed, "etcd key " + key + " vanished while read");
  const auto& kv = founded->ranges[0].kvs.front();
  auto theirs = decode(key, kv.value);
  if (theirs && theirs->holdout_basis_points == mine.holdout_basis_points)
    return mine;
  auto cluster_value = theirs ? percent_text(theirs->holdout_basis_points) + "%" : std::string{"?"};
  if (!change) {
    if (!theirs)
      return theirs.err();
    return make_error(cluster_errc::policy_differs,
                      "--holdout-percent " + percent_text(mine.holdout_basis_points)
                        + " differs from the cluster's holdout of " + cluster_value + " (etcd key " + key
                        + "): every member holds out the same customers. Start with "
                          "--holdout-percent " + percent_text(theirs->holdout_basis_points)
                        + ", or change it with every member stopped (--holdout-change)");
  }
  auto others = other_members(etcd, prefix, self);
  if (!others)
    return others.err();
  if (!others->others.empty()) {
    std::string names;
    for (const auto& id : others->others)
      names += (names.empty() ? "" : ", ") + id;
    return make_error(cluster_errc::policy_differs,
                      "--holdout-change: the cluster's holdout (" + cluster_value
                        + ") changes only with every member stopped; running: " + names);
  }
  // Only if neither the policy nor the members changed since: a member that
  // entered meanwhile runs with the old value (and one that agrees to the
  // old value and enters later sees the new one and stops: etcd_agent).
  auto replaced = etcd.txn({coord::compare::mod_revision_is(key, kv.mod_revision),
                            coord::compare::none_created_after(etcd_keys::members(prefix),
                                                               others->revision)},
                           {coord::txn_op::put(key, encode(mine))});
  if (!replaced)
    return replaced.err();
  if (!replaced->succeeded)
    return make_error(cluster_errc::map_changed,
                      "etcd key " + key + " or the members changed while it was replaced: "
                      "start again");
  log::warn("cluster", "--holdout-change: the cluster's holdout is now ",
            percent_text(mine.holdout_basis_points), "% (was ", cluster_value, ")");
  return mine;
}

} // namespace troupe::cluster
