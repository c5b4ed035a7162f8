// cluster/membership (connections, what a member serves, drained, counts),
// cluster/shard_work (catch-ups due, retries, old copies deleted) and the
// folder's errors.

#include <gtest/gtest.h>

#include "actors/actor_error.hpp"
#include "cluster/cluster_errc.hpp"
#include "cluster/membership.hpp"
#include "cluster/shard_work.hpp"

using namespace troupe;
using namespace troupe::cluster;
using namespace std::chrono_literals;

namespace {

member_info member(const std::string& id, const char* state = member_state::up) {
  member_info m;
  m.id = id;
  m.host = "127.0.0.1";
  m.port = 7400;
  m.state = state;
  return m;
}

/// n1, n2, n3 live in that order; 4 shards: 0 on n1 (replica n2 in sync),
/// 1 on n1 (replica n3 catching up), 2 on n2, 3 on n4 (not live).
cluster_view sample() {
  cluster_view v;
  v.leader = "n1";
  v.members = {member("n1"), member("n2"), member("n3")};
  v.map = sharding::initial_placement(4, "n1", 2);
  v.map.shards[0].replicas = {{"n2", true}};
  v.map.shards[1].replicas = {{"n3", false}};
  v.map.shards[2].primary = "n2";
  v.map.shards[3].primary = "n4";
  return v;
}

} // namespace

TEST(membership_test, a_member_connects_to_the_older_members_only) {
  auto v = sample();
  EXPECT_TRUE(membership::connect_to(v, "n1").empty());
  EXPECT_EQ(membership::connect_to(v, "n3"), (std::vector<std::string>{"n1", "n2"}));
  EXPECT_EQ(membership::connect_to(v, "n9"), (std::vector<std::string>{"n1", "n2", "n3"}));
}

TEST(membership_test, a_member_serves_the_shards_it_is_the_primary_of) {
  auto v = sample();
  EXPECT_EQ(membership::owned_by(v.map, "n1"), (std::vector<bool>{true, true, false, false}));
  EXPECT_EQ(membership::owned_by(v.map, "n2"), (std::vector<bool>{false, false, true, false}));
  EXPECT_EQ(membership::missing_members(v), std::vector<std::string>{"n4"});
  auto c = membership::count_states(v);
  EXPECT_EQ(c.up, 3u);
  EXPECT_EQ(c.leaving, 0u);
  EXPECT_EQ(c.down, 1u);
}

TEST(membership_test, a_leaving_member_is_drained_once_it_holds_and_copies_nothing) {
  auto v = sample();
  v.members[2].state = member_state::leaving;
  EXPECT_FALSE(membership::drained(v, "n3", false)) << "it holds a replica of shard 1";
  v.map.shards[1].replicas.clear();
  EXPECT_TRUE(membership::drained(v, "n3", false));
  EXPECT_FALSE(membership::drained(v, "n3", true)) << "busy";
  EXPECT_FALSE(membership::drained(v, "n2", false)) << "not leaving";
}

TEST(shard_work_test, a_primary_copies_each_replica_catching_up_once_within_the_limit) {
  auto v = sample();
  v.map.shards[0].replicas.push_back({"n3", false});
  shard_work work{5s};
  auto t0 = shard_work::clock_type::now();
  auto due = work.due(v, "n1", 1, t0);
  ASSERT_EQ(due.size(), 1u);
  EXPECT_EQ(due[0].shard, 0u);
  EXPECT_EQ(due[0].to, "n3");
  EXPECT_EQ(work.due(v, "n1", 2, t0).size(), 2u);
  EXPECT_TRUE(work.due(v, "n2", 2, t0).empty()) << "n2 leads nothing that catches up";
  work.started(due[0]);
  EXPECT_TRUE(work.copying(0));
  auto next = work.due(v, "n1", 2, t0);
  ASSERT_EQ(next.size(), 1u);
  EXPECT_EQ(next[0].shard, 1u);
  EXPECT_TRUE(work.due(v, "n1", 1, t0).empty()) << "the limit counts the one running";
  // A failed catch-up waits before it is due again.
  work.finished(due[0], false, t0);
  EXPECT_EQ(work.due(v, "n1", 2, t0 + 1s).size(), 1u);
  EXPECT_EQ(work.due(v, "n1", 2, t0 + 6s).size(), 2u);
  // A replica on a member that is not live is not copied to.
  v.members.pop_back();
  EXPECT_TRUE(work.due(v, "n1", 2, t0 + 6s).empty());
}

TEST(shard_work_test, the_map_version_a_catch_up_was_first_due_at_is_kept) {
  shard_work work;
  catch_up c{1, "n3", 1, {}};
  EXPECT_EQ(work.due_since(c, 7), 7u);
  EXPECT_EQ(work.due_since(c, 9), 7u);
  work.finished(c, true, shard_work::clock_type::now());
  EXPECT_EQ(work.due_since(c, 9), 9u);
}

TEST(shard_work_test, a_copy_the_map_no_longer_gives_is_deleted_once) {
  auto before = sample().map;
  shard_work work;
  work.holding(before, "n2"); // a replica of 0, the primary of 2
  auto after = before;
  after.shards[0].replicas.clear();
  EXPECT_EQ(work.to_erase(after, "n2"), std::vector<uint32_t>{0});
  EXPECT_TRUE(work.busy());
  EXPECT_TRUE(work.to_erase(after, "n2").empty()) << "being deleted already";
  work.erased(0, false); // failed: tried again with the next map
  EXPECT_EQ(work.to_erase(after, "n2"), std::vector<uint32_t>{0});
  work.erased(0, true);
  EXPECT_FALSE(work.busy());
  EXPECT_TRUE(work.to_erase(after, "n2").empty());
  // Not while a handover of it runs.
  work.handover(2, true);
  after.shards[2].primary = "n1";
  EXPECT_TRUE(work.to_erase(after, "n2").empty());
  work.handover(2, false);
  EXPECT_EQ(work.to_erase(after, "n2"), std::vector<uint32_t>{2});
}

TEST(cluster_errc_test, cluster_errors_cross_actors_with_their_code_and_retry_flag) {
  auto e = actors::make_caf_error(cluster_errc::not_in_cluster, "node n1 is not in a cluster yet",
                                  retryable(cluster_errc::not_in_cluster));
  EXPECT_TRUE(actors::is(e, cluster_errc::not_in_cluster));
  EXPECT_FALSE(actors::is(e, cluster_errc::member_down));
  EXPECT_EQ(actors::describe(e), "node n1 is not in a cluster yet");
  auto back = actors::from_caf_error(e);
  EXPECT_EQ(back.domain(), error_domain::cluster);
  EXPECT_TRUE(back.retryable());
  for (auto code : {cluster_errc::member_down, cluster_errc::member_exists,
                    cluster_errc::map_changed})
    EXPECT_TRUE(retryable(code)) << static_cast<int>(code);
  for (auto code : {cluster_errc::unknown_member, cluster_errc::no_receiver,
                    cluster_errc::refused, cluster_errc::bad_record,
                    cluster_errc::change_refused})
    EXPECT_FALSE(retryable(code)) << static_cast<int>(code);
}
