// The leader's rules for a replicated placement map (placement_plan.hpp).

#include "sharding/placement_plan.hpp"

#include <algorithm>
#include <functional>

namespace troupe::sharding {

bool member_set::is_live(const std::string& node) const {
  return std::find(live.begin(), live.end(), node) != live.end();
}

bool member_set::eligible(const std::string& node) const {
  return is_live(node) && leaving.count(node) == 0;
}

bool member_set::can_take(const std::string& node) const {
  return eligible(node) && unreachable.count(node) == 0;
}

std::vector<placement_change> lost_member_changes(const placement_map& map,
                                                  const member_set& members) {
  std::vector<placement_change> out;
  for (uint32_t s = 0; s < map.shard_count(); ++s) {
    const auto& p = map.shards[s];
    if (p.primary.empty())
      continue;
    auto epoch = p.epoch;
    if (!members.is_live(p.primary)) {
      const replica* pick = nullptr;
      for (auto& r : p.replicas)
        if (r.in_sync && members.is_live(r.node)
            && (!pick || (!members.eligible(pick->node) && members.eligible(r.node))))
          pick = &r;
      if (!pick)
        continue; // unavailable: nothing may be promoted without loss
      out.push_back({change_kind::promote, s, pick->node, epoch});
      ++epoch;
    }
    for (auto& r : p.replicas)
      if (!members.is_live(r.node))
        out.push_back({change_kind::drop_replica, s, r.node, epoch});
  }
  return out;
}

std::vector<placement_change> restart_changes(const placement_map& map, const std::string& node,
                                              const member_set& members, bool fresh) {
  std::vector<placement_change> out;
  for (uint32_t s = 0; s < map.shard_count(); ++s) {
    const auto& p = map.shards[s];
    if (p.primary == node) {
      const replica* pick = nullptr;
      if (fresh)
        for (auto& r : p.replicas)
          if (r.in_sync && (!pick || (!members.is_live(pick->node) && members.is_live(r.node))))
            pick = &r;
      if (pick)
        out.push_back({change_kind::promote, s, pick->node, p.epoch});
      else if (fresh && !p.replicas.empty())
        out.push_back({change_kind::give_up, s, node, p.epoch});
      else
        out.push_back({change_kind::renew_epoch, s, node, p.epoch});
      continue;
    }
    if (fresh)
      for (auto& r : p.replicas)
        if (r.node == node && r.in_sync)
          out.push_back({change_kind::mark_out_of_sync, s, node, p.epoch});
  }
  return out;
}

namespace {

/// What the plan looks at, computed once per call.
struct survey {
  const placement_map& map;
  const member_set& members;
  std::vector<std::string> eligible; ///< join order
  uint32_t target = 0;               ///< copies wanted per shard on eligible members
  std::map<std::string, uint32_t> copies;
  std::map<std::string, uint32_t> primaries;
  /// Primaries once the moves under way are done (factor 1: each replica
  /// catching up is one); the same as `primaries` otherwise.
  std::map<std::string, uint32_t> projected;
  uint32_t catching_up = 0;

  survey(const placement_map& m, const member_set& ms) : map(m), members(ms) {
    for (auto& n : ms.live)
      if (ms.eligible(n))
        eligible.push_back(n);
    target = std::min<uint32_t>(m.factor, static_cast<uint32_t>(eligible.size()));
    copies = m.copy_counts();
    primaries = m.primary_counts();
    projected = primaries;
    for (auto& p : m.shards)
      for (auto& r : p.replicas)
        if (!r.in_sync && ms.is_live(r.node)) {
          ++catching_up;
          if (m.factor == 1) { // with one copy, a replica is a move under way
            ++projected[r.node];
            --projected[p.primary];
          }
        }
  }

  uint32_t copies_of(const std::string& n) const { return count(copies, n); }
  uint32_t primaries_of(const std::string& n) const { return count(primaries, n); }
  uint32_t projected_of(const std::string& n) const { return count(projected, n); }

  /// The eligible member with the least (`fewest`) or most of `of`; ties:
  /// the earliest joined for least, the latest for most.
  template <class Of>
  std::string extreme(Of of, bool fewest,
                      const std::function<bool(const std::string&)>& allowed) const {
    std::string best;
    for (auto& n : eligible) {
      if (!allowed(n))
        continue;
      if (best.empty() || (fewest ? of(n) < of(best) : of(n) >= of(best)))
        best = n;
    }
    return best;
  }

  /// In-sync copies of shard `p` on eligible members.
  uint32_t eligible_in_sync(const placement& p) const {
    uint32_t n = members.eligible(p.primary) ? 1 : 0;
    for (auto& r : p.replicas)
      n += (r.in_sync && members.eligible(r.node)) ? 1 : 0;
    return n;
  }

  /// Copies of shard `p` on eligible members, in sync or not.
  uint32_t eligible_copies(const placement& p) const {
    uint32_t n = members.eligible(p.primary) ? 1 : 0;
    for (auto& r : p.replicas)
      n += members.eligible(r.node) ? 1 : 0;
    return n;
  }

  static bool catching(const placement& p) {
    return std::any_of(p.replicas.begin(), p.replicas.end(),
                       [](const replica& r) { return !r.in_sync; });
  }

private:
  static uint32_t count(const std::map<std::string, uint32_t>& m, const std::string& n) {
    auto i = m.find(n);
    return i == m.end() ? 0 : i->second;
  }
};

placement_change make(change_kind k, uint32_t shard, const survey& v, std::string node) {
  return placement_change{k, shard, std::move(node), v.map.shards[shard].epoch};
}

/// Steps 0 and 1: a shard with no primary, a primary on a leaving member.
std::optional<placement_change> primary_duties(const survey& v) {
  for (uint32_t s = 0; s < v.map.shard_count(); ++s) {
    const auto& p = v.map.shards[s];
    if (p.primary.empty() && p.replicas.empty()) {
      auto node = v.extreme([&](auto& n) { return v.primaries_of(n); }, true,
                            [&](auto& n) { return v.members.can_take(n); });
      if (node.empty())
        continue;
      return make(change_kind::assign_primary, s, v, node);
    }
    if (v.members.is_live(p.primary) && v.members.leaving.count(p.primary) > 0)
      for (auto& r : p.replicas)
        if (r.in_sync && v.members.can_take(r.node))
          return make(change_kind::switch_primary, s, v, r.node);
  }
  return std::nullopt;
}

/// Step 2: a switch to an in-sync replica that evens out primaries.
std::optional<placement_change> balancing_switch(const survey& v) {
  for (uint32_t s = v.map.shard_count(); s-- > 0;) {
    const auto& p = v.map.shards[s];
    if (!v.members.eligible(p.primary))
      continue;
    auto from = v.primaries_of(p.primary);
    const replica* pick = nullptr;
    for (auto& r : p.replicas)
      if (r.in_sync && v.members.can_take(r.node) && v.primaries_of(r.node) + 1 < from
          && (!pick || v.primaries_of(r.node) < v.primaries_of(pick->node)))
        pick = &r;
    if (pick && from > v.primaries_of(v.extreme([&](auto& n) { return v.primaries_of(n); },
                                                true, [](auto&) { return true; })) + 1)
      return make(change_kind::switch_primary, s, v, pick->node);
  }
  return std::nullopt;
}

/// Step 3: a surplus copy dropped without going under the target.
std::optional<placement_change> surplus_drop(const survey& v) {
  for (uint32_t s = 0; s < v.map.shard_count(); ++s) {
    const auto& p = v.map.shards[s];
    if (!v.members.is_live(p.primary))
      continue;
    auto in_sync = v.eligible_in_sync(p);
    for (auto& r : p.replicas)
      if (v.members.leaving.count(r.node) > 0 && v.members.is_live(r.node)
          && in_sync >= v.target)
        return make(change_kind::drop_replica, s, v, r.node);
    if (v.eligible_copies(p) <= v.target || in_sync < v.target + 1)
      continue;
    const replica* pick = nullptr;
    for (auto& r : p.replicas)
      if (r.in_sync && v.members.eligible(r.node)
          && (!pick || v.copies_of(r.node) >= v.copies_of(pick->node)))
        pick = &r;
    if (pick)
      return make(change_kind::drop_replica, s, v, pick->node);
  }
  return std::nullopt;
}

/// The eligible member with fewest copies that does not hold shard `p`.
std::string new_home(const survey& v, const placement& p) {
  return v.extreme([&](auto& n) { return v.copies_of(n); }, true,
                   [&](const std::string& n) { return !p.holds(n) && v.members.can_take(n); });
}

/// Step 4: a replica for a shard short of its target.
std::optional<placement_change> under_placed(const survey& v) {
  std::optional<uint32_t> pick;
  for (uint32_t s = 0; s < v.map.shard_count(); ++s) {
    const auto& p = v.map.shards[s];
    if (!v.members.is_live(p.primary) || survey::catching(p)
        || v.eligible_copies(p) >= v.target)
      continue;
    if (!pick || v.eligible_in_sync(p) < v.eligible_in_sync(v.map.shards[*pick]))
      pick = s;
  }
  if (!pick)
    return std::nullopt;
  auto home = new_home(v, v.map.shards[*pick]);
  if (home.empty())
    return std::nullopt;
  return make(change_kind::add_replica, *pick, v, home);
}

/// Step 5: copies evened out, through a replica the fullest member holds.
std::optional<placement_change> copy_balance(const survey& v) {
  auto any = [](auto&) { return true; };
  auto takes = [&](auto& n) { return v.members.can_take(n); };
  auto emptiest = v.extreme([&](auto& n) { return v.copies_of(n); }, true, takes);
  auto fullest = v.extreme([&](auto& n) { return v.copies_of(n); }, false, any);
  if (emptiest.empty() || v.copies_of(fullest) <= v.copies_of(emptiest) + 1)
    return std::nullopt;
  for (uint32_t s = 0; s < v.map.shard_count(); ++s) {
    const auto& p = v.map.shards[s];
    if (!v.members.is_live(p.primary) || survey::catching(p) || p.holds(emptiest)
        || !p.in_sync(fullest) || p.primary == fullest)
      continue;
    return make(change_kind::add_replica, s, v, emptiest);
  }
  return std::nullopt;
}

/// Step 6: primaries evened out when no replica can take over, counting
/// the moves under way.
std::optional<placement_change> primary_balance(const survey& v) {
  auto any = [](auto&) { return true; };
  auto takes = [&](auto& n) { return v.members.can_take(n); };
  auto fewest = v.extreme([&](auto& n) { return v.projected_of(n); }, true, takes);
  auto most = v.extreme([&](auto& n) { return v.projected_of(n); }, false, any);
  if (fewest.empty() || v.projected_of(most) <= v.projected_of(fewest) + 1)
    return std::nullopt;
  for (uint32_t s = v.map.shard_count(); s-- > 0;) {
    const auto& p = v.map.shards[s];
    if (p.primary != most || survey::catching(p) || p.holds(fewest))
      continue;
    return make(change_kind::add_replica, s, v, fewest);
  }
  return std::nullopt;
}

} // namespace

std::optional<placement_change> next_change(const placement_map& map, const member_set& members,
                                            uint32_t max_catch_ups) {
  survey v{map, members};
  if (v.eligible.empty())
    return std::nullopt;
  if (auto c = primary_duties(v))
    return c;
  if (auto c = balancing_switch(v))
    return c;
  if (auto c = surplus_drop(v))
    return c;
  if (v.catching_up >= max_catch_ups)
    return std::nullopt;
  if (auto c = under_placed(v))
    return c;
  // With replicas kept, a balancing step waits until the copies under way
  // are done (the copies they will free are not known before).
  if (map.factor > 1 && v.catching_up > 0)
    return std::nullopt;
  if (auto c = copy_balance(v))
    return c;
  return primary_balance(v);
}

bool drained(const placement_map& map, const std::string& node) {
  return std::none_of(map.shards.begin(), map.shards.end(),
                      [&](const placement& p) { return p.holds(node); });
}

} // namespace troupe::sharding
