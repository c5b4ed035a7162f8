// The replicated placement map and the leader's plan over it: changes and
// their refusals, failover without an out-of-sync promotion, and the plan
// run to its end for joins, drains, losses and every factor, checking at
// each step that no planned change lowers a shard's in-sync copies.

#include <random>

#include <gtest/gtest.h>

#include "sharding/placement_plan.hpp"

using namespace troupe::sharding;

namespace {

struct settle_stats {
  int changes = 0;
  uint32_t most_catching_up = 0;
  std::map<uint32_t, int> moves; ///< factor 1: how often each shard moved
};

uint32_t catching_up(const placement_map& map, const member_set& m) {
  uint32_t n = 0;
  for (auto& p : map.shards)
    for (auto& r : p.replicas)
      n += (!r.in_sync && m.is_live(r.node)) ? 1 : 0;
  return n;
}

uint32_t eligible_in_sync(const placement& p, const member_set& m) {
  uint32_t n = m.eligible(p.primary) ? 1 : 0;
  for (auto& r : p.replicas)
    n += (r.in_sync && m.eligible(r.node)) ? 1 : 0;
  return n;
}

/// Runs the plan until it has nothing left to do: lost members first, then
/// planned changes; catch-ups finish (in sync) whenever the plan waits.
settle_stats settle(placement_map& map, const member_set& m, uint32_t max_catch_ups = 2) {
  settle_stats stats;
  for (int round = 0; round < 20000; ++round) {
    for (auto& c : lost_member_changes(map, m)) {
      auto why = apply_change(map, c);
      EXPECT_FALSE(why) << *why;
      ++stats.changes;
    }
    if (auto c = next_change(map, m, max_catch_ups)) {
      auto target = std::min<uint32_t>(map.factor, static_cast<uint32_t>(m.live.size()
                                                                         - m.leaving.size()));
      auto before = eligible_in_sync(map.shards[c->shard], m);
      auto why = apply_change(map, *c);
      EXPECT_FALSE(why) << *why;
      auto after = eligible_in_sync(map.shards[c->shard], m);
      EXPECT_GE(after, std::min(before, target)) << describe(*c);
      EXPECT_FALSE(problem_of(map)) << *problem_of(map);
      stats.most_catching_up = std::max(stats.most_catching_up, catching_up(map, m));
      ++stats.changes;
      continue;
    }
    // The catch-ups end, as a primary ends them: the replica in sync; with
    // factor 1 it is a move (the replica takes over, the old copy goes).
    bool caught_up = false;
    for (uint32_t s = 0; s < map.shard_count(); ++s) {
      auto& p = map.shards[s];
      for (std::size_t i = 0; i < p.replicas.size(); ++i) {
        auto r = p.replicas[i];
        if (r.in_sync || !m.is_live(r.node))
          continue;
        caught_up = true;
        auto old = p.primary;
        auto epoch = p.epoch;
        EXPECT_FALSE(apply_change(map, {change_kind::mark_in_sync, s, r.node, epoch}));
        if (map.factor == 1) {
          EXPECT_FALSE(apply_change(map, {change_kind::switch_primary, s, r.node, epoch}));
          EXPECT_FALSE(apply_change(map, {change_kind::drop_replica, s, old, epoch + 1}));
          ++stats.moves[s];
        }
        break;
      }
    }
    if (!caught_up)
      return stats;
  }
  ADD_FAILURE() << "the plan did not settle";
  return stats;
}

/// Every shard has `copies` in-sync copies on distinct members of `nodes`.
void expect_placed(const placement_map& map, const std::vector<std::string>& nodes,
                   uint32_t copies) {
  for (uint32_t s = 0; s < map.shard_count(); ++s) {
    const auto& p = map.shards[s];
    EXPECT_EQ(p.copies(), copies) << "shard " << s;
    EXPECT_EQ(p.copies_in_sync(), copies) << "shard " << s;
    EXPECT_NE(std::find(nodes.begin(), nodes.end(), p.primary), nodes.end()) << s;
    for (auto& r : p.replicas)
      EXPECT_NE(std::find(nodes.begin(), nodes.end(), r.node), nodes.end()) << s;
  }
}

/// Counts of `counts` over `nodes` differ by one at most.
void expect_even(const std::map<std::string, uint32_t>& counts,
                 const std::vector<std::string>& nodes) {
  uint32_t lo = UINT32_MAX, hi = 0;
  for (auto& n : nodes) {
    auto i = counts.find(n);
    auto c = i == counts.end() ? 0u : i->second;
    lo = std::min(lo, c);
    hi = std::max(hi, c);
  }
  EXPECT_LE(hi, lo + 1);
}

placement_map three_nodes(uint32_t factor) {
  auto map = initial_placement(64, "n1", factor);
  settle(map, {{"n1", "n2", "n3"}, {}});
  return map;
}

} // namespace

TEST(placement_test, three_members_with_factor_two_hold_two_in_sync_copies_evenly) {
  auto map = initial_placement(64, "n1", 2);
  EXPECT_EQ(health_of(map, {"n1"}).under_replicated, 64u);
  EXPECT_FALSE(next_change(map, {{"n1"}, {}}, 2)); // alone: one copy is all there can be
  auto stats = settle(map, {{"n1", "n2", "n3"}, {}});
  expect_placed(map, {"n1", "n2", "n3"}, 2);
  expect_even(map.primary_counts(), {"n1", "n2", "n3"});
  expect_even(map.copy_counts(), {"n1", "n2", "n3"});
  EXPECT_LE(stats.most_catching_up, 2u);
  auto h = health_of(map, {"n1", "n2", "n3"});
  EXPECT_EQ(h.under_replicated, 0u);
  EXPECT_EQ(h.unavailable, 0u);
}

TEST(placement_test, factor_one_moves_primaries_through_a_replica_and_keeps_none) {
  auto map = initial_placement(64, "n1", 1);
  auto stats = settle(map, {{"n1", "n2", "n3"}, {}});
  int moves = 0;
  for (auto& [shard, n] : stats.moves) {
    EXPECT_EQ(n, 1) << "shard " << shard << " moved back and forth";
    moves += n;
  }
  EXPECT_EQ(moves, 42); // 21 to n2, 21 to n3, none twice
  expect_placed(map, {"n1", "n2", "n3"}, 1);
  auto c = map.primary_counts();
  EXPECT_EQ(c["n1"] + c["n2"] + c["n3"], 64u);
  expect_even(c, {"n1", "n2", "n3"});
  for (auto& p : map.shards)
    EXPECT_TRUE(p.replicas.empty());
}

TEST(placement_test, factor_three_on_three_members_puts_every_shard_everywhere) {
  auto map = three_nodes(3);
  expect_placed(map, {"n1", "n2", "n3"}, 3);
  expect_even(map.primary_counts(), {"n1", "n2", "n3"});
}

TEST(placement_test, a_fourth_member_takes_an_even_share_of_copies_and_primaries) {
  auto map = three_nodes(2);
  settle(map, {{"n1", "n2", "n3", "n4"}, {}});
  expect_placed(map, {"n1", "n2", "n3", "n4"}, 2);
  for (auto& [node, n] : map.primary_counts())
    EXPECT_EQ(n, 16u) << node;
  for (auto& [node, n] : map.copy_counts())
    EXPECT_EQ(n, 32u) << node;
}

TEST(placement_test, a_lost_primary_is_replaced_by_its_in_sync_replica_under_a_new_epoch) {
  auto map = three_nodes(2);
  auto before = map;
  member_set two{{"n1", "n3"}, {}};
  EXPECT_GT(health_of(map, {"n1", "n3"}).unavailable, 0u);
  auto changes = lost_member_changes(map, two);
  ASSERT_FALSE(changes.empty());
  for (auto& c : changes)
    ASSERT_FALSE(apply_change(map, c));
  for (uint32_t s = 0; s < 64; ++s) {
    auto& was = before.shards[s];
    auto& now = map.shards[s];
    EXPECT_FALSE(now.holds("n2")) << s;
    if (was.primary == "n2") {
      EXPECT_EQ(now.epoch, was.epoch + 1) << s;
      EXPECT_TRUE(was.in_sync(now.primary)) << s; // promoted from the in-sync replica
    } else {
      EXPECT_EQ(now.epoch, was.epoch) << s;
      EXPECT_EQ(now.primary, was.primary) << s;
    }
  }
  EXPECT_EQ(health_of(map, {"n1", "n3"}).unavailable, 0u);
  EXPECT_GT(health_of(map, {"n1", "n3"}).under_replicated, 0u);
  settle(map, two);
  expect_placed(map, {"n1", "n3"}, 2);
  EXPECT_EQ(health_of(map, {"n1", "n3"}).under_replicated, 0u);
}

TEST(placement_test, an_out_of_sync_replica_is_never_promoted) {
  placement_map map = initial_placement(2, "n1", 2);
  ASSERT_FALSE(apply_change(map, {change_kind::add_replica, 0, "n2", 1}));
  ASSERT_FALSE(apply_change(map, {change_kind::add_replica, 1, "n2", 1}));
  ASSERT_FALSE(apply_change(map, {change_kind::mark_in_sync, 1, "n2", 1}));
  member_set without_n1{{"n2"}, {}};
  auto changes = lost_member_changes(map, without_n1);
  ASSERT_EQ(changes.size(), 1u);
  EXPECT_EQ(changes[0], (placement_change{change_kind::promote, 1, "n2", 1}));
  ASSERT_FALSE(apply_change(map, changes[0]));
  EXPECT_EQ(map.shards[0].primary, "n1"); // shard 0 waits for n1
  auto h = health_of(map, {"n2"});
  EXPECT_EQ(h.unavailable, 1u);
  EXPECT_EQ(h.under_replicated, 2u);
  EXPECT_FALSE(next_change(map, without_n1, 2)); // nothing to copy shard 0 from
  auto why = apply_change(map, {change_kind::promote, 0, "n2", 1});
  ASSERT_TRUE(why);
  EXPECT_NE(why->find("not an in-sync replica"), std::string::npos) << *why;
  // Forced by an operator: the data n2 lacks is given up.
  ASSERT_FALSE(apply_change(map, {change_kind::force_promote, 0, "n2", 1}));
  EXPECT_EQ(map.shards[0].primary, "n2");
  EXPECT_EQ(map.shards[0].epoch, 2u);
}

TEST(placement_test, a_leaving_member_hands_over_and_is_drained) {
  auto map = three_nodes(2);
  member_set draining{{"n1", "n2", "n3"}, {"n3"}};
  settle(map, draining);
  EXPECT_TRUE(drained(map, "n3"));
  expect_placed(map, {"n1", "n2"}, 2);
  expect_even(map.primary_counts(), {"n1", "n2"});
}

TEST(placement_test, fewer_members_than_the_factor_run_under_replicated) {
  auto map = initial_placement(16, "n1", 3);
  settle(map, {{"n1", "n2"}, {}});
  expect_placed(map, {"n1", "n2"}, 2);
  EXPECT_EQ(health_of(map, {"n1", "n2"}).under_replicated, 16u);
  settle(map, {{"n1", "n2", "n3"}, {}});
  expect_placed(map, {"n1", "n2", "n3"}, 3);
  EXPECT_EQ(health_of(map, {"n1", "n2", "n3"}).under_replicated, 0u);
}

TEST(placement_test, catch_ups_run_at_most_the_limit_at_once) {
  auto map = initial_placement(64, "n1", 2);
  auto stats = settle(map, {{"n1", "n2", "n3"}, {}}, 1);
  EXPECT_EQ(stats.most_catching_up, 1u);
  expect_placed(map, {"n1", "n2", "n3"}, 2);
}

TEST(placement_test, a_change_that_does_not_fit_is_refused_and_the_map_kept) {
  auto map = three_nodes(2);
  auto before = map;
  auto& p = map.shards[5];
  auto replica_node = p.replicas.at(0).node;
  std::string other;
  for (auto n : {"n1", "n2", "n3"})
    if (!p.holds(n))
      other = n;
  auto refused = [&](placement_change c, const std::string& part) {
    auto why = apply_change(map, c);
    ASSERT_TRUE(why) << describe(c);
    EXPECT_NE(why->find(part), std::string::npos) << *why;
    EXPECT_EQ(map, before);
  };
  refused({change_kind::switch_primary, 5, replica_node, p.epoch + 1}, "at epoch");
  refused({change_kind::add_replica, 5, replica_node, p.epoch}, "holds a copy already");
  refused({change_kind::add_replica, 64, other, 1}, "has 64 shards");
  refused({change_kind::drop_replica, 5, other, p.epoch}, "is not a replica");
  refused({change_kind::switch_primary, 5, other, p.epoch}, "not an in-sync replica");
  refused({change_kind::add_replica, 5, "", p.epoch}, "no node named");
  refused({change_kind::mark_out_of_sync, 5, replica_node, p.epoch + 1}, "at epoch");
  // A node that is no replica (dropped as a lost member) is out of sync
  // already: taken, nothing changes.
  auto shard5 = map.shards[5];
  ASSERT_FALSE(apply_change(map, {change_kind::mark_out_of_sync, 5, other, p.epoch}));
  EXPECT_EQ(map.shards[5], shard5);
  before = map;
  // Switched: the old primary stays as an in-sync replica.
  auto old = p.primary;
  ASSERT_FALSE(apply_change(map, {change_kind::switch_primary, 5, replica_node, p.epoch}));
  EXPECT_EQ(map.shards[5].primary, replica_node);
  EXPECT_TRUE(map.shards[5].in_sync(old));
  EXPECT_EQ(map.version, before.version + 1);
}

TEST(placement_test, a_malformed_map_is_named) {
  auto map = initial_placement(4, "n1", 2);
  map.shards[2].replicas.push_back({"n1", true});
  auto why = problem_of(map);
  ASSERT_TRUE(why);
  EXPECT_NE(why->find("shard 2"), std::string::npos) << *why;
  map = initial_placement(4, "n1", 0);
  EXPECT_TRUE(problem_of(map));
}

TEST(placement_test, random_joins_losses_and_drains_always_settle_on_target) {
  for (uint32_t seed = 1; seed <= 150; ++seed) {
    std::mt19937 rng{seed};
    uint32_t factor = 1 + rng() % 3;
    auto map = initial_placement(32, "n1", factor);
    member_set m{{"n1"}, {}};
    int next_id = 2;
    for (int event = 0; event < 12; ++event) {
      auto roll = rng() % 4;
      if (roll <= 1 || m.live.size() < 2) {
        m.live.push_back("n" + std::to_string(next_id++));
      } else if (roll == 2) { // lost (with its copies)
        m.live.erase(m.live.begin() + static_cast<long>(rng() % m.live.size()));
      } else { // a member drains and leaves
        auto node = m.live[rng() % m.live.size()];
        m.leaving.insert(node);
        settle(map, m);
        if (m.live.size() > 1) {
          EXPECT_TRUE(drained(map, node)) << "seed " << seed << " node " << node;
        }
        m.leaving.erase(node);
        m.live.erase(std::find(m.live.begin(), m.live.end(), node));
      }
      settle(map, m);
      std::set<std::string> live{m.live.begin(), m.live.end()};
      auto h = health_of(map, live);
      auto copies = std::min<uint32_t>(factor, static_cast<uint32_t>(m.live.size()));
      if (h.unavailable == 0) {
        expect_placed(map, m.live, copies);
        expect_even(map.primary_counts(), m.live);
        expect_even(map.copy_counts(), m.live);
      }
      if (::testing::Test::HasFailure()) {
        ADD_FAILURE() << "seed " << seed << " event " << event << " factor " << factor;
        return;
      }
    }
  }
}

TEST(placement_test, an_unreachable_member_keeps_its_copies_and_takes_no_new_one) {
  auto map = three_nodes(2);
  member_set m{{"n1", "n2", "n3", "n4"}, {}, {"n4"}};
  settle(map, m);
  EXPECT_TRUE(drained(map, "n4")) << "n4 took a copy it cannot be sent";
  expect_placed(map, {"n1", "n2", "n3"}, 2);
  // Reachable again: it takes its share.
  m.unreachable.clear();
  settle(map, m);
  expect_placed(map, {"n1", "n2", "n3", "n4"}, 2);
  // Unreachable while it holds copies: nothing moves off it, nothing fails over.
  auto before = map;
  m.unreachable = {"n2"};
  EXPECT_TRUE(lost_member_changes(map, m).empty());
  settle(map, m);
  EXPECT_EQ(map.primaries_of("n2"), before.primaries_of("n2"));
}

namespace {

/// Shard 0: n1 primary, n2 in sync, n3 catching up. Shard 1: n2 primary,
/// n1 in sync. Shard 2: n1 primary alone. Shard 3: n1 primary, n3 (down)
/// in sync, then n2 in sync.
placement_map restart_map() {
  placement_map map = initial_placement(4, "n1", 2);
  auto add = [&](uint32_t shard, const std::string& node, bool in_sync) {
    auto epoch = map.shards[shard].epoch;
    EXPECT_FALSE(apply_change(map, {change_kind::add_replica, shard, node, epoch}));
    if (in_sync)
      EXPECT_FALSE(apply_change(map, {change_kind::mark_in_sync, shard, node, epoch}));
  };
  add(0, "n2", true);
  add(0, "n3", false);
  add(1, "n2", true);
  EXPECT_FALSE(apply_change(map, {change_kind::switch_primary, 1, "n2", 1}));
  add(3, "n3", true);
  add(3, "n2", true);
  return map;
}

} // namespace

TEST(placement_test, a_restarted_member_with_its_data_renews_the_epochs_of_its_primaries) {
  auto map = restart_map();
  member_set all{{"n1", "n2"}, {}};
  auto changes = restart_changes(map, "n1", all, false);
  std::vector<placement_change> want{{change_kind::renew_epoch, 0, "n1", 1},
                                     {change_kind::renew_epoch, 2, "n1", 1},
                                     {change_kind::renew_epoch, 3, "n1", 1}};
  EXPECT_EQ(changes, want);
  for (auto& c : changes)
    ASSERT_FALSE(apply_change(map, c));
  EXPECT_EQ(map.shards[0].epoch, 2u);
  EXPECT_TRUE(map.shards[0].in_sync("n2")); // its replicas' data is theirs
  EXPECT_EQ(map.shards[1].epoch, 2u);       // n2's shard: n1 stays in sync
  EXPECT_TRUE(map.shards[1].in_sync("n1"));
  // Only the primary renews its epoch, and only at the epoch it read.
  EXPECT_TRUE(apply_change(map, {change_kind::renew_epoch, 1, "n1", 2}));
  EXPECT_TRUE(apply_change(map, {change_kind::renew_epoch, 0, "n1", 1}));
}

TEST(placement_test, a_restarted_member_with_an_empty_data_dir_hands_its_shards_away) {
  auto map = restart_map();
  member_set without_n3{{"n1", "n2"}, {}};
  auto changes = restart_changes(map, "n1", without_n3, true);
  std::vector<placement_change> want{{change_kind::promote, 0, "n2", 1},
                                     {change_kind::mark_out_of_sync, 1, "n1", 2},
                                     {change_kind::renew_epoch, 2, "n1", 1},
                                     {change_kind::promote, 3, "n2", 1}};
  EXPECT_EQ(changes, want);
  for (auto& c : changes)
    ASSERT_FALSE(apply_change(map, c));
  EXPECT_EQ(map.shards[0].primary, "n2"); // the live in-sync replica, not n3
  EXPECT_FALSE(map.shards[0].holds("n1"));
  EXPECT_FALSE(map.shards[1].in_sync("n1"));
  EXPECT_EQ(map.shards[3].primary, "n2"); // n3 is down: the live one
  // With every in-sync replica down, one of them: the shard waits for it.
  auto alone = restart_map();
  member_set only_n1{{"n1"}, {}};
  auto waits = restart_changes(alone, "n1", only_n1, true);
  ASSERT_EQ(waits.size(), 4u);
  EXPECT_EQ(waits[0], (placement_change{change_kind::promote, 0, "n2", 1}));
  for (auto& c : waits)
    ASSERT_FALSE(apply_change(alone, c));
  // Shards 0 and 1 wait for n2, shard 3 for n3.
  EXPECT_EQ(health_of(alone, {"n1"}).unavailable, 3u);
}

TEST(placement_test, a_member_not_in_the_map_has_nothing_to_renew) {
  auto map = restart_map();
  EXPECT_TRUE(restart_changes(map, "n4", member_set{{"n1", "n4"}, {}}, true).empty());
  EXPECT_TRUE(restart_changes(map, "n3", member_set{{"n1", "n3"}, {}}, false).empty());
}

TEST(placement_test, a_restarted_member_with_an_empty_data_dir_gives_up_what_only_it_had) {
  // n1 leads shard 0 alone in sync; n2 is still catching up.
  placement_map map = initial_placement(1, "n1", 2);
  ASSERT_FALSE(apply_change(map, {change_kind::add_replica, 0, "n2", 1}));
  member_set both{{"n1", "n2"}, {}};
  auto changes = restart_changes(map, "n1", both, true);
  ASSERT_EQ(changes, (std::vector<placement_change>{{change_kind::give_up, 0, "n1", 1}}));
  ASSERT_FALSE(apply_change(map, changes[0]));
  EXPECT_EQ(map.shards[0].primary, "");
  EXPECT_EQ(map.shards[0].epoch, 2u);
  EXPECT_FALSE(problem_of(map));
  EXPECT_EQ(health_of(map, {"n1", "n2"}).unavailable, 1u);
  // Nothing is planned for it (no empty copy is assigned in its place)...
  EXPECT_FALSE(next_change(map, both, 2));
  EXPECT_TRUE(lost_member_changes(map, both).empty());
  // ...until an operator forces the out-of-sync copy in.
  ASSERT_FALSE(apply_change(map, {change_kind::force_promote, 0, "n2", 2}));
  EXPECT_EQ(map.shards[0].primary, "n2");
  EXPECT_EQ(health_of(map, {"n1", "n2"}).unavailable, 0u);
  // A shard with an in-sync replica is promoted, never given up.
  placement_map synced = initial_placement(1, "n1", 2);
  ASSERT_FALSE(apply_change(synced, {change_kind::add_replica, 0, "n2", 1}));
  ASSERT_FALSE(apply_change(synced, {change_kind::mark_in_sync, 0, "n2", 1}));
  EXPECT_TRUE(apply_change(synced, {change_kind::give_up, 0, "n1", 1}));
}
