#include "cluster/etcd_membership.hpp"

#include <algorithm>

#include "cluster/cluster_errc.hpp"
#include "cluster/etcd_records.hpp"

namespace troupe::cluster {

const member_info* etcd_snapshot::find(const std::string& id) const {
  for (auto& m : members)
    if (m.id == id)
      return &m;
  return nullptr;
}

sharding::member_set etcd_snapshot::member_set() const {
  sharding::member_set out;
  for (auto& m : members) {
    if (map && m.shard_count != map->shard_count())
      continue;
    out.live.push_back(m.id);
    if (m.state == member_state::leaving)
      out.leaving.insert(m.id);
  }
  return out;
}

etcd_membership::etcd_membership(coord::etcd_client& client, std::string prefix)
  : client_(client), prefix_(std::move(prefix)) {}

result<etcd_snapshot> etcd_membership::read() {
  auto reply = client_.txn({},
                           {coord::txn_op::prefix(etcd_keys::members(prefix_)),
                            coord::txn_op::get(etcd_keys::leader(prefix_)),
                            coord::txn_op::get(etcd_keys::map(prefix_))});
  if (!reply)
    return reply.err();
  if (reply->ranges.size() != 3)
    return make_error(cluster_errc::bad_record, "etcd answered a read with "
                                                  + std::to_string(reply->ranges.size())
                                                  + " ranges, not 3");
  etcd_snapshot snap;
  snap.revision = reply->revision;
  auto kvs = reply->ranges[0].kvs;
  std::sort(kvs.begin(), kvs.end(),
            [](auto& a, auto& b) { return a.create_revision < b.create_revision; });
  for (auto& kv : kvs) {
    auto m = decode_member(kv.key, kv.value, prefix_);
    if (m)
      snap.members.push_back(std::move(*m));
    else
      snap.bad_records.push_back(m.err().message());
  }
  if (!reply->ranges[1].kvs.empty())
    snap.leader = reply->ranges[1].kvs.front().value;
  if (!reply->ranges[2].kvs.empty()) {
    auto& kv = reply->ranges[2].kvs.front();
    auto map = decode_map(kv.value, 0);
    if (!map)
      return map.err(); // nothing may act on a map it cannot read
    snap.map = std::move(*map);
    snap.map_revision = kv.mod_revision;
  }
  return snap;
}

result<int64_t> etcd_membership::enter(const member_info& self, int64_t lease) {
  auto key = etcd_keys::member(prefix_, self.id);
  auto reply = client_.txn({coord::compare::absent(key)},
                           {coord::txn_op::put(key, encode_member(self, 0), lease)},
                           {coord::txn_op::get(key)});
  if (!reply)
    return reply.err();
  if (reply->succeeded)
    return reply->revision;
  if (!reply->ranges.empty() && !reply->ranges[0].kvs.empty()
      && reply->ranges[0].kvs.front().lease == lease)
    return reply->revision; // entered already, under this lease
  return make_error(cluster_errc::member_exists,
                    "member " + self.id + " is held in etcd under another lease: another "
                      "process with this node id is alive, or the last one's lease has not "
                      "ended yet");
}

status etcd_membership::set_state(const member_info& self, int64_t lease) {
  auto key = etcd_keys::member(prefix_, self.id);
  auto reply = client_.txn({coord::compare::lease_is(key, lease)},
                           {coord::txn_op::put(key, encode_member(self, 0), lease)});
  if (!reply)
    return reply.err();
  if (!reply->succeeded)
    return make_error(cluster_errc::member_exists,
                      "member " + self.id + " is no longer in etcd under this node's lease");
  return status::success();
}

result<bool> etcd_membership::lead(const std::string& self, int64_t lease) {
  auto key = etcd_keys::leader(prefix_);
  auto reply = client_.txn({coord::compare::absent(key)}, {coord::txn_op::put(key, self, lease)},
                           {coord::txn_op::get(key)});
  if (!reply)
    return reply.err();
  if (reply->succeeded)
    return true;
  return !reply->ranges.empty() && !reply->ranges[0].kvs.empty()
         && reply->ranges[0].kvs.front().value == self;
}

result<sharding::placement_map>
etcd_membership::found_map(const sharding::placement_map& initial) {
  auto key = etcd_keys::map(prefix_);
  auto reply = client_.txn({coord::compare::absent(key)},
                           {coord::txn_op::put(key, encode_map(initial))},
                           {coord::txn_op::get(key)});
  if (!reply)
    return reply.err();
  if (reply->succeeded)
    return initial;
  if (reply->ranges.empty() || reply->ranges[0].kvs.empty())
    return make_error(cluster_errc::map_changed, "the map vanished while it was founded");
  return decode_map(reply->ranges[0].kvs.front().value, 0);
}

result<sharding::placement_map>
etcd_membership::change_map(const etcd_snapshot& seen,
                            const std::vector<sharding::placement_change>& changes,
                            const std::string& leader) {
  if (!seen.map)
    return make_error(cluster_errc::map_changed, "there is no map to change yet");
  auto map = *seen.map;
  for (auto& c : changes)
    if (auto why = sharding::apply_change(map, c))
      return make_error(cluster_errc::change_refused, *why);
  auto key = etcd_keys::map(prefix_);
  std::vector<coord::compare> compares{coord::compare::mod_revision_is(key, seen.map_revision)};
  if (!leader.empty())
    compares.push_back(coord::compare::value_is(etcd_keys::leader(prefix_), leader));
  auto reply = client_.txn(compares, {coord::txn_op::put(key, encode_map(map))});
  if (!reply)
    return reply.err();
  if (!reply->succeeded)
    return make_error(cluster_errc::map_changed,
                      "the map (or its leader) changed since revision "
                        + std::to_string(seen.map_revision) + ": read it again");
  return map;
}

} // namespace troupe::cluster
