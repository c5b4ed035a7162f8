#include "cluster/etcd_records.hpp"

#include "cluster/cluster_errc.hpp"
#include "common/identifier.hpp"

namespace troupe::cluster::etcd_keys {

std::string members(std::string_view prefix) { return std::string{prefix} + "members/"; }

std::string member(std::string_view prefix, std::string_view id) {
  return members(prefix) + std::string{id};
}

std::string leader(std::string_view prefix) { return std::string{prefix} + "leader"; }

std::string map(std::string_view prefix) { return std::string{prefix} + "map"; }

} // namespace troupe::cluster::etcd_keys

namespace troupe::cluster {

namespace {

error bad(std::string_view what, const std::string& why) {
  return make_error(cluster_errc::bad_record,
                    "etcd record " + std::string{what} + ": " + why);
}

} // namespace

std::string encode_member(const member_info& m, int64_t started_at_ms) {
  v1::MemberRecord r;
  r.set_id(m.id);
  r.set_host(m.host);
  r.set_port(m.port);
  r.set_shard_count(m.shard_count);
  r.set_node(m.node);
  r.set_state(m.state);
  r.set_started_at_ms(started_at_ms);
  return r.SerializeAsString();
}

result<member_info> decode_member(std::string_view key, std::string_view bytes,
                                  std::string_view prefix) {
  v1::MemberRecord r;
  if (!r.ParseFromArray(bytes.data(), static_cast<int>(bytes.size())))
    return bad(key, "not a member record");
  auto expected = etcd_keys::member(prefix, r.id());
  if (!valid_identifier(r.id()) || key != expected)
    return bad(key, "its id '" + r.id() + "' is not the key's (" + identifier_rule + ")");
  if (r.port() == 0 || r.port() > 65535 || r.host().empty() || r.host().size() > 255)
    return bad(key, "no valid address");
  if (r.state() != member_state::up && r.state() != member_state::leaving)
    return bad(key, "state '" + r.state() + "' is neither up nor leaving");
  if (r.shard_count() == 0 || r.shard_count() > max_shards)
    return bad(key, "shard count " + std::to_string(r.shard_count()));
  member_info m;
  m.id = r.id();
  m.host = r.host();
  m.port = static_cast<uint16_t>(r.port());
  m.state = r.state();
  m.shard_count = r.shard_count();
  m.node = r.node();
  return m;
}

v1::PlacementMapRecord to_record(const sharding::placement_map& map) {
  v1::PlacementMapRecord r;
  r.set_version(map.version);
  r.set_factor(map.factor);
  for (auto& p : map.shards) {
    auto* rp = r.add_shards();
    rp->set_epoch(p.epoch);
    rp->set_primary(p.primary);
    for (auto& rep : p.replicas) {
      auto* rr = rp->add_replicas();
      rr->set_node(rep.node);
      rr->set_in_sync(rep.in_sync);
    }
  }
  return r;
}

result<sharding::placement_map> from_record(const v1::PlacementMapRecord& r,
                                            uint32_t shard_count) {
  auto n = static_cast<uint32_t>(r.shards_size());
  if (n == 0 || n > max_shards || (shard_count != 0 && n != shard_count))
    return bad("map", "it has " + std::to_string(n) + " shards, the cluster "
                        + (shard_count == 0 ? std::string{"at most "} + std::to_string(max_shards)
                                            : std::to_string(shard_count)));
  sharding::placement_map map;
  map.version = r.version();
  map.factor = r.factor();
  map.shards.reserve(n);
  for (uint32_t s = 0; s < n; ++s) {
    const auto& rp = r.shards(static_cast<int>(s));
    sharding::placement p;
    p.epoch = rp.epoch();
    p.primary = rp.primary();
    if (!p.primary.empty() && !valid_identifier(p.primary))
      return bad("map", "shard " + std::to_string(s) + ": primary '" + p.primary + "'");
    for (auto& rr : rp.replicas()) {
      if (!valid_identifier(rr.node()))
        return bad("map", "shard " + std::to_string(s) + ": replica '" + rr.node() + "'");
      p.replicas.push_back({rr.node(), rr.in_sync()});
    }
    map.shards.push_back(std::move(p));
  }
  if (auto why = sharding::problem_of(map))
    return bad("map", *why);
  return map;
}

std::string encode_map(const sharding::placement_map& map) {
  return to_record(map).SerializeAsString();
}

result<sharding::placement_map> decode_map(std::string_view bytes, uint32_t shard_count) {
  v1::PlacementMapRecord r;
  if (!r.ParseFromArray(bytes.data(), static_cast<int>(bytes.size())))
    return bad("map", "not a map record");
  return from_record(r, shard_count);
}

} // namespace troupe::cluster
