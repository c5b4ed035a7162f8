// What one change does to a placement map (sharding/placement_plan.hpp).

#include <algorithm>

#include "sharding/placement_plan.hpp"

namespace troupe::sharding {

const char* to_string(change_kind k) {
  switch (k) {
    case change_kind::promote: return "promote";
    case change_kind::switch_primary: return "switch primary of";
    case change_kind::force_promote: return "force-promote";
    case change_kind::assign_primary: return "assign";
    case change_kind::add_replica: return "add a replica of";
    case change_kind::mark_in_sync: return "mark in sync";
    case change_kind::mark_out_of_sync: return "mark out of sync";
    case change_kind::drop_replica: return "drop a replica of";
    case change_kind::renew_epoch: return "renew the epoch of";
    case change_kind::give_up: return "give up";
  }
  return "?";
}

std::string describe(const placement_change& c) {
  return std::string{to_string(c.kind)} + " shard " + std::to_string(c.shard) + " to "
         + c.node + " (epoch " + std::to_string(c.epoch) + ")";
}

namespace {

using replica_iter = std::vector<replica>::iterator;

replica_iter find_replica(placement& p, const std::string& node) {
  return std::find_if(p.replicas.begin(), p.replicas.end(),
                      [&](const replica& r) { return r.node == node; });
}

/// The change applied to `p`, or why not.
std::optional<std::string> change_shard(placement& p, const placement_change& c) {
  auto r = find_replica(p, c.node);
  bool is_replica = r != p.replicas.end();
  bool in_sync = is_replica && r->in_sync;
  switch (c.kind) {
    case change_kind::promote:
    case change_kind::switch_primary: {
      if (!in_sync)
        return c.node + " is not an in-sync replica";
      auto old = p.primary;
      p.replicas.erase(r);
      p.primary = c.node;
      ++p.epoch;
      if (c.kind == change_kind::switch_primary && !old.empty())
        p.replicas.insert(p.replicas.begin(), replica{old, true});
      return std::nullopt;
    }
    case change_kind::force_promote:
      if (p.primary == c.node)
        return c.node + " is the primary already";
      if (is_replica)
        p.replicas.erase(r);
      p.primary = c.node;
      ++p.epoch;
      for (auto& other : p.replicas)
        other.in_sync = false;
      return std::nullopt;
    case change_kind::assign_primary:
      if (!p.primary.empty())
        return "the shard has a primary (" + p.primary + ")";
      if (is_replica)
        return c.node + " is a replica";
      p.primary = c.node;
      ++p.epoch;
      return std::nullopt;
    case change_kind::add_replica:
      if (p.primary.empty())
        return "the shard has no primary to copy from";
      if (p.holds(c.node))
        return c.node + " holds a copy already";
      p.replicas.push_back(replica{c.node, false});
      return std::nullopt;
    case change_kind::mark_in_sync:
      if (!is_replica)
        return c.node + " is not a replica";
      r->in_sync = true;
      return std::nullopt;
    case change_kind::mark_out_of_sync:
      // What it asks holds already where the node is no replica any more
      // (dropped as a lost member): at the same epoch, that is no refusal.
      if (is_replica)
        r->in_sync = false;
      return std::nullopt;
    case change_kind::drop_replica:
      if (!is_replica)
        return c.node + " is not a replica";
      p.replicas.erase(r);
      return std::nullopt;
    case change_kind::renew_epoch:
      if (p.primary != c.node)
        return c.node + " is not the primary";
      ++p.epoch;
      return std::nullopt;
    case change_kind::give_up:
      if (p.primary != c.node)
        return c.node + " is not the primary";
      for (auto& other : p.replicas)
        if (other.in_sync)
          return other.node + " is in sync: promote it instead";
      p.primary.clear();
      ++p.epoch;
      return std::nullopt;
  }
  return "unknown change";
}

} // namespace

std::optional<std::string> apply_change(placement_map& map, const placement_change& c) {
  auto fail = [&](const std::string& why) {
    return std::optional<std::string>{"cannot " + describe(c) + ": " + why};
  };
  if (c.shard >= map.shard_count())
    return fail("the map has " + std::to_string(map.shard_count()) + " shards");
  if (c.node.empty())
    return fail("no node named");
  auto p = map.shards[c.shard];
  if (p.epoch != c.epoch)
    return fail("the shard is at epoch " + std::to_string(p.epoch));
  if (auto why = change_shard(p, c))
    return fail(*why);
  map.shards[c.shard] = std::move(p);
  ++map.version;
  return std::nullopt;
}

} // namespace troupe::sharding
