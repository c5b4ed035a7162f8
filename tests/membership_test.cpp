// The membership rules (cluster/membership) and the rebalancer's
// (cluster/rebalancer): forming and resuming, join addresses, admission and
// its refusals, losing members (leader, successor, bystander), adoption,
// connections, drains and the leader's one move at a time. Pure: no actors.

#include <gtest/gtest.h>

#include "actors/actor_error.hpp"
#include "cluster/cluster_errc.hpp"
#include "cluster/membership.hpp"
#include "cluster/rebalancer.hpp"

using namespace troupe;
using namespace troupe::cluster;
using namespace std::chrono_literals;

namespace {

member_info member(const std::string& id, uint64_t seq, const char* state = member_state::up,
                   uint32_t shards = 8) {
  member_info m;
  m.id = id;
  m.host = "10.0.0." + std::to_string(seq + 1);
  m.port = 4000;
  m.state = state;
  m.seq = seq;
  m.shard_count = shards;
  return m;
}

/// n1 (leader), n2, n3 up; 8 shards shared 3/3/2.
cluster_view three() {
  cluster_view v;
  v.version = 7;
  v.leader = "n1";
  v.members = {member("n1", 0), member("n2", 1), member("n3", 2)};
  v.next_seq = 3;
  v.map = sharding::initial_shard_map(8, "n1");
  for (uint32_t s : {3u, 4u, 5u})
    v.map.owners[s] = {"n2"};
  for (uint32_t s : {6u, 7u})
    v.map.owners[s] = {"n3"};
  return v;
}

TEST(membership_test, a_node_alone_forms_a_cluster_with_every_shard) {
  auto v = membership::form(std::nullopt, member("n1", 9, member_state::down), 8);
  EXPECT_EQ(v.leader, "n1");
  ASSERT_EQ(v.members.size(), 1u);
  EXPECT_EQ(v.members[0].state, member_state::up);
  EXPECT_EQ(v.members[0].seq, 0u);
  EXPECT_EQ(v.next_seq, 1u);
  EXPECT_EQ(v.map.shards_of("n1").size(), 8u);
}

TEST(membership_test, resuming_a_saved_view_marks_the_others_down_and_keeps_the_map) {
  auto saved = three();
  saved.leader = "n1";
  auto me = member("n2", 99);
  me.host = "10.9.9.9";
  me.node = "CAF-NODE#42"; // this process's: whom the others take its messages from
  auto v = membership::form(saved, me, 8);
  EXPECT_EQ(v.leader, "n2");
  EXPECT_EQ(v.version, saved.version);
  EXPECT_EQ(v.find("n1")->state, member_state::down);
  EXPECT_EQ(v.find("n3")->state, member_state::down);
  EXPECT_EQ(v.find("n2")->state, member_state::up);
  EXPECT_EQ(v.find("n2")->host, "10.9.9.9");
  EXPECT_EQ(v.find("n2")->node, "CAF-NODE#42");
  EXPECT_EQ(v.find("n2")->seq, 1u); // its place in the join order stays
  EXPECT_EQ(v.map.owners, saved.map.owners);
  // A node the saved view does not name joins it at the end.
  auto stranger = membership::form(saved, member("n9", 0), 8);
  EXPECT_EQ(stranger.find("n9")->seq, 3u);
  EXPECT_EQ(stranger.next_seq, 4u);
  EXPECT_EQ(stranger.leader, "n9");
}

TEST(membership_test, join_addresses_are_the_seeds_else_the_other_saved_members) {
  EXPECT_EQ(membership::join_addresses({"a:1"}, three(), "n1"), std::vector<std::string>{"a:1"});
  EXPECT_EQ(membership::join_addresses({}, three(), "n2"),
            (std::vector<std::string>{"10.0.0.1:4000", "10.0.0.3:4000"}));
  EXPECT_TRUE(membership::join_addresses({}, std::nullopt, "n1").empty());
}

TEST(membership_test, a_node_forms_when_it_knows_nobody_or_tried_every_saved_member) {
  EXPECT_TRUE(membership::should_form(false, 0, 0));
  EXPECT_TRUE(membership::should_form(true, 0, 0));
  EXPECT_FALSE(membership::should_form(false, 2, 1));
  EXPECT_TRUE(membership::should_form(false, 2, 2));
  EXPECT_FALSE(membership::should_form(true, 2, 50)); // --seeds: it keeps trying
}

TEST(membership_test, the_leader_admits_a_new_member_with_the_next_seq) {
  auto a = membership::admit(three(), member("n4", 0, member_state::joining), "n1");
  ASSERT_TRUE(a.ok());
  EXPECT_FALSE(a->rejoined);
  EXPECT_EQ(a->view.version, 7u); // the caller publishes
  EXPECT_EQ(a->view.find("n4")->state, member_state::up);
  EXPECT_EQ(a->view.find("n4")->seq, 3u);
  EXPECT_EQ(a->view.next_seq, 4u);
}

TEST(membership_test, a_member_back_after_being_down_is_up_again_with_a_new_seq) {
  auto v = three();
  v.find("n2")->state = member_state::down;
  auto back = member("n2", 0);
  back.host = "10.1.1.1";
  auto a = membership::admit(v, back, "n1");
  ASSERT_TRUE(a.ok());
  EXPECT_TRUE(a->rejoined);
  EXPECT_EQ(a->view.members.size(), 3u);
  EXPECT_EQ(a->view.find("n2")->state, member_state::up);
  EXPECT_EQ(a->view.find("n2")->host, "10.1.1.1");
  EXPECT_EQ(a->view.find("n2")->seq, 3u);
}

TEST(membership_test, the_leader_refuses_another_shard_count_and_its_own_id_for_good) {
  auto odd = membership::admit(three(), member("n4", 0, member_state::up, 16), "n1");
  ASSERT_FALSE(odd.ok());
  EXPECT_TRUE(odd.err().is(cluster_errc::shard_count_mismatch));
  EXPECT_FALSE(odd.err().retryable());
  EXPECT_EQ(odd.err().message(),
            "node n4 has 16 shards in its data dir; the cluster has 8 shards: start it on a new "
            "data dir with --shards 8");
  auto twin = membership::admit(three(), member("n1", 0), "n1");
  ASSERT_FALSE(twin.ok());
  EXPECT_TRUE(twin.err().is(cluster_errc::refused_join));
  EXPECT_FALSE(twin.err().retryable());
}

TEST(membership_test, the_leader_marks_a_lost_member_down_and_keeps_its_shards_in_the_map) {
  auto v = membership::lose(three(), "n1", "n3", {"n3"});
  ASSERT_TRUE(v);
  EXPECT_EQ(v->leader, "n1");
  EXPECT_EQ(v->find("n3")->state, member_state::down);
  EXPECT_EQ(v->map.shards_of("n3").size(), 2u);
  EXPECT_EQ(v->version, 7u);
}

TEST(membership_test, a_leaving_member_lost_with_no_shard_left_is_removed) {
  auto v = three();
  v.find("n3")->state = member_state::leaving;
  for (uint32_t s : {6u, 7u})
    v.map.owners[s] = {"n1"};
  auto after = membership::lose(v, "n1", "n3", {"n3"});
  ASSERT_TRUE(after);
  EXPECT_EQ(after->find("n3"), nullptr);
  // With shards left it is only down: they have no other copy.
  v.map.owners[7] = {"n3"};
  after = membership::lose(v, "n1", "n3", {"n3"});
  ASSERT_TRUE(after);
  EXPECT_EQ(after->find("n3")->state, member_state::down);
}

TEST(membership_test, the_next_oldest_reachable_member_takes_over_from_a_lost_leader) {
  auto v = membership::lose(three(), "n2", "n1", {"n1"});
  ASSERT_TRUE(v);
  EXPECT_EQ(v->leader, "n2");
  EXPECT_EQ(v->find("n1")->state, member_state::down);
  // n3 is not next while n2 is reachable from it...
  EXPECT_FALSE(membership::lose(three(), "n3", "n1", {"n1"}));
  // ...and is when n2 is gone too.
  auto n3 = membership::lose(three(), "n3", "n1", {"n1", "n2"});
  ASSERT_TRUE(n3);
  EXPECT_EQ(n3->leader, "n3");
  EXPECT_EQ(n3->find("n1")->state, member_state::down);
  EXPECT_EQ(n3->find("n2")->state, member_state::up); // the new leader marks it on its own loss
}

TEST(membership_test, a_follower_losing_another_follower_or_a_known_down_member_changes_nothing) {
  EXPECT_FALSE(membership::lose(three(), "n2", "n3", {"n3"}));
  auto v = three();
  v.find("n3")->state = member_state::down;
  EXPECT_FALSE(membership::lose(v, "n1", "n3", {"n3"}));
  EXPECT_FALSE(membership::lose(v, "n1", "n9", {"n9"}));
  EXPECT_FALSE(membership::lose(v, "n1", "n1", {}));
}

TEST(membership_test, only_a_newer_view_is_adopted) {
  auto v = three();
  auto older = v;
  older.version = 6;
  auto same = v;
  auto newer = v;
  newer.version = 8;
  EXPECT_TRUE(membership::check_newer(v, newer).ok());
  auto stale = membership::check_newer(v, same);
  ASSERT_FALSE(stale.ok());
  EXPECT_TRUE(stale.err().is(cluster_errc::stale_view));
  EXPECT_FALSE(membership::check_newer(v, older).ok());
}

TEST(membership_test, a_node_stands_as_member_down_or_removed) {
  auto v = three();
  EXPECT_EQ(membership::standing_of(v, "n2"), membership::standing::member);
  v.find("n2")->state = member_state::leaving;
  EXPECT_EQ(membership::standing_of(v, "n2"), membership::standing::member);
  v.find("n2")->state = member_state::down;
  EXPECT_EQ(membership::standing_of(v, "n2"), membership::standing::down);
  EXPECT_EQ(membership::standing_of(v, "n9"), membership::standing::removed);
}

TEST(membership_test, a_member_connects_to_the_older_members_that_are_not_down) {
  auto v = three();
  EXPECT_TRUE(membership::connect_to(v, "n1").empty());
  EXPECT_EQ(membership::connect_to(v, "n3"), (std::vector<std::string>{"n1", "n2"}));
  v.find("n1")->state = member_state::down;
  EXPECT_EQ(membership::connect_to(v, "n3"), std::vector<std::string>{"n2"});
  // Not in the view (yet): every member that is not down.
  EXPECT_EQ(membership::connect_to(v, "n9"), (std::vector<std::string>{"n2", "n3"}));
}

TEST(membership_test, a_leaving_node_is_drained_once_it_owns_and_streams_nothing) {
  auto v = three();
  EXPECT_FALSE(membership::drained(v, "n3", false)); // not leaving
  v.find("n3")->state = member_state::leaving;
  EXPECT_FALSE(membership::drained(v, "n3", false)); // shards left
  for (uint32_t s : {6u, 7u})
    v.map.owners[s] = {"n1"};
  EXPECT_FALSE(membership::drained(v, "n3", true)); // an old copy not deleted yet
  EXPECT_TRUE(membership::drained(v, "n3", false));
}

TEST(membership_test, ownership_and_state_counts_follow_the_view) {
  auto v = three();
  EXPECT_EQ(membership::owned_by(v.map, "n2"),
            (std::vector<bool>{false, false, false, true, true, true, false, false}));
  v.find("n3")->state = member_state::down;
  v.members.push_back(member("n4", 3, member_state::leaving));
  auto c = membership::count_states(v);
  EXPECT_EQ(c.up, 2u);
  EXPECT_EQ(c.down, 1u);
  EXPECT_EQ(c.leaving, 1u);
  EXPECT_EQ(c.joining, 0u);
}

TEST(rebalancer_test, a_drain_sets_the_member_leaving_or_says_why_not) {
  auto plan = start_drain(three(), "n3");
  ASSERT_TRUE(plan.ok());
  EXPECT_TRUE(plan->changed);
  EXPECT_EQ(plan->shards, 2u);
  EXPECT_EQ(plan->view.find("n3")->state, member_state::leaving);
  auto again = start_drain(plan->view, "n3");
  ASSERT_TRUE(again.ok());
  EXPECT_FALSE(again->changed);

  auto unknown = start_drain(three(), "n9");
  ASSERT_FALSE(unknown.ok());
  EXPECT_TRUE(unknown.err().is(cluster_errc::unknown_member));
  EXPECT_EQ(unknown.err().message(), "no member named 'n9'");
  auto v = three();
  v.find("n3")->state = member_state::down;
  EXPECT_TRUE(start_drain(v, "n3").err().is(cluster_errc::member_down));
  v.find("n2")->state = member_state::down;
  auto alone = start_drain(v, "n1");
  ASSERT_FALSE(alone.ok());
  EXPECT_TRUE(alone.err().is(cluster_errc::no_receiver));
  EXPECT_FALSE(alone.err().retryable());
}

TEST(rebalancer_test, the_leader_streams_one_move_at_a_time_until_it_is_reported) {
  auto v = three();
  v.members.push_back(member("n4", 3)); // n4 has nothing: a move is due
  rebalancer r{10min};
  auto t0 = rebalancer::clock_type::time_point{} + 1h;
  auto all = [](const std::string&) { return true; };
  auto step = r.next(v, t0, all);
  ASSERT_EQ(step.what, rebalancer::action::stream);
  EXPECT_EQ(step.move.to, "n4");
  ASSERT_TRUE(r.moving());
  // While it is under way, nothing else starts.
  EXPECT_EQ(r.next(v, t0 + 1s, all).what, rebalancer::action::none);
  // A report on another move does not finish it.
  auto other = step.move;
  other.shard += 1;
  EXPECT_FALSE(r.finished(other, t0 + 2s));
  auto took = r.finished(step.move, t0 + 3s);
  ASSERT_TRUE(took);
  EXPECT_EQ(*took, 3s);
  EXPECT_FALSE(r.moving());
}

TEST(rebalancer_test, an_unreachable_member_delays_the_move_and_a_lost_one_drops_it) {
  auto v = three();
  v.members.push_back(member("n4", 3));
  rebalancer r;
  auto t0 = rebalancer::clock_type::time_point{} + 1h;
  auto step = r.next(v, t0, [](const std::string& id) { return id != "n4"; });
  EXPECT_EQ(step.what, rebalancer::action::none);
  EXPECT_FALSE(r.moving());
  step = r.next(v, t0, [](const std::string&) { return true; });
  ASSERT_EQ(step.what, rebalancer::action::stream);
  r.forget("n2"); // not part of it
  EXPECT_TRUE(r.moving());
  r.forget("n4");
  EXPECT_FALSE(r.moving());
}

TEST(rebalancer_test, a_move_past_its_deadline_is_given_up_and_the_next_one_starts) {
  auto v = three();
  v.members.push_back(member("n4", 3));
  rebalancer r{1min};
  auto t0 = rebalancer::clock_type::time_point{} + 1h;
  auto all = [](const std::string&) { return true; };
  auto first = r.next(v, t0, all);
  ASSERT_EQ(first.what, rebalancer::action::stream);
  EXPECT_EQ(r.next(v, t0 + 1min, all).what, rebalancer::action::none);
  auto late = r.next(v, t0 + 1min + 1s, all);
  EXPECT_TRUE(late.expired);
  EXPECT_EQ(late.what, rebalancer::action::stream); // tried again
  EXPECT_EQ(late.move.shard, first.move.shard);
}

TEST(rebalancer_test, a_shard_with_no_owner_is_applied_at_once) {
  auto v = three();
  v.map.owners[7].clear();
  rebalancer r;
  auto step = r.next(v, rebalancer::clock_type::now(), [](const std::string&) { return false; });
  ASSERT_EQ(step.what, rebalancer::action::apply);
  EXPECT_EQ(step.move.shard, 7u);
  EXPECT_TRUE(step.move.from.empty());
  EXPECT_FALSE(r.moving());
}

TEST(rebalancer_test, an_old_copy_is_deleted_once_the_map_gave_the_shard_away) {
  auto v = three();
  outgoing_shards out;
  out.streaming(3);
  out.streaming(4);
  EXPECT_TRUE(out.busy());
  EXPECT_TRUE(out.to_erase(v.map, "n2").empty()); // the map still gives them to n2
  v.map.owners[3] = {"n1"};
  EXPECT_EQ(out.to_erase(v.map, "n2"), std::vector<uint32_t>{3});
  EXPECT_TRUE(out.to_erase(v.map, "n2").empty()); // being deleted already
  out.erased(3);
  out.failed(4);
  EXPECT_FALSE(out.busy());
}

TEST(cluster_errc_test, cluster_errors_cross_actors_with_their_code_and_retry_flag) {
  auto e = actors::make_caf_error(cluster_errc::not_in_cluster, "node n1 is not in a cluster yet",
                                  retryable(cluster_errc::not_in_cluster));
  EXPECT_TRUE(actors::is(e, cluster_errc::not_in_cluster));
  EXPECT_FALSE(actors::is(e, cluster_errc::leader_unreachable));
  EXPECT_EQ(actors::describe(e), "node n1 is not in a cluster yet");
  auto back = actors::from_caf_error(e);
  EXPECT_EQ(back.domain(), error_domain::cluster);
  EXPECT_TRUE(back.retryable());
  EXPECT_TRUE(retryable(cluster_errc::leader_unreachable));
  for (auto code : {cluster_errc::shard_count_mismatch, cluster_errc::refused_join,
                    cluster_errc::malformed_join, cluster_errc::unknown_member,
                    cluster_errc::member_down, cluster_errc::no_receiver,
                    cluster_errc::stale_view, cluster_errc::refused})
    EXPECT_FALSE(retryable(code)) << static_cast<int>(code);
}

} // namespace
