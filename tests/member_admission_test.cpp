// cluster/member_admission: every rule, each accept path and each refusal
// reason, over a three-member view as n2 holds it (n1 leads; n1 owns shards
// 0-1, n2 shards 2-3, n3 none; n2 expects shard 1 from n1).

#include <gtest/gtest.h>

#include "cluster/member_admission.hpp"
#include "cluster/rebalancer.hpp"

using namespace troupe;
using namespace troupe::cluster;
using namespace troupe::cluster::admission;

namespace {

member_info member(const std::string& id, const std::string& node, uint64_t seq) {
  member_info m;
  m.id = id;
  m.node = node;
  m.seq = seq;
  m.state = member_state::up;
  return m;
}

class member_admission_test : public ::testing::Test {
protected:
  cluster_view view;
  roster r; // n2's

  void SetUp() override {
    view.version = 7;
    view.leader = "n1";
    view.members = {member("n1", "node-1", 0), member("n2", "node-2", 1),
                    member("n3", "node-3", 2)};
    view.map.owners = {{"n1"}, {"n1"}, {"n2"}, {"n2"}};
    r = roster_of(view, "n2", {{1u, "n1"}});
  }

  static sender from(const std::string& node, trust::role role = trust::role::node) {
    return sender{role, node, false};
  }
  static sender local() { return sender{trust::role::node, "node-2", true}; }
  static sender nobody() { return sender{std::nullopt, "node-9", false}; }

  static sharding::shard_move move(uint32_t shard, const std::string& a, const std::string& b) {
    return sharding::shard_move{shard, a, b};
  }
};

TEST_F(member_admission_test, the_roster_holds_the_view_the_nodes_and_the_expected_shards) {
  EXPECT_TRUE(r.in_cluster);
  EXPECT_EQ(r.version, 7u);
  EXPECT_EQ(r.leader, "n1");
  EXPECT_EQ(r.nodes.at("n3"), "node-3");
  EXPECT_EQ(r.primary, (std::vector<std::string>{"n1", "n1", "n2", "n2"}));
  EXPECT_EQ(r.incoming.at(1), "n1");
  EXPECT_EQ(member_of(r, from("node-3")), "n3");
  EXPECT_EQ(member_of(r, local()), "n2");
  EXPECT_EQ(member_of(r, from("node-9")), std::nullopt);
  EXPECT_EQ(member_of(r, from("")), std::nullopt);
}

TEST_F(member_admission_test, members_and_this_node_pass_the_member_check_and_no_one_else) {
  EXPECT_EQ(check_member(r, from("node-3")), "");
  EXPECT_EQ(check_member(r, from("node-1", trust::role::open)), "");
  EXPECT_EQ(check_member(r, local()), "");
  EXPECT_EQ(check_member(r, nobody()), reason::unknown_peer);
  EXPECT_EQ(check_member(r, from("node-3", trust::role::operator_)), reason::not_node_role);
  EXPECT_EQ(check_member(r, from("node-3", trust::role::viewer)), reason::not_node_role);
  EXPECT_EQ(check_member(r, from("node-9")), reason::not_a_member);
  // A down member is still a member of the view.
  view.members[2].state = member_state::down;
  EXPECT_EQ(check_member(roster_of(view, "n2", {}), from("node-3")), "");
  // Outside a cluster only this node itself.
  roster outside;
  outside.self = "n2";
  EXPECT_EQ(check_member(outside, from("node-1")), reason::not_a_member);
  EXPECT_EQ(check_member(outside, local()), "");
}

TEST_F(member_admission_test, a_join_comes_for_itself_or_is_handed_on_by_a_member) {
  auto n4 = member("n4", "node-4", 0);
  EXPECT_EQ(check_join(r, from("node-4"), n4, "node-4"), "");
  // A member (a seed) hands another node's join on.
  EXPECT_EQ(check_join(r, from("node-3"), n4, "node-4"), "");
  // A restarted member joins again from its new node.
  auto again = member("n3", "node-3b", 0);
  EXPECT_EQ(check_join(r, from("node-3b"), again, "node-3b"), "");
  EXPECT_EQ(check_join(r, from("node-4"), n4, "node-5"), reason::impersonation);
  EXPECT_EQ(check_join(r, from("node-5"), n4, "node-4"), reason::impersonation);
  EXPECT_EQ(check_join(r, nobody(), n4, "node-9"), reason::unknown_peer);
  EXPECT_EQ(check_join(r, from("node-4", trust::role::operator_), n4, "node-4"),
            reason::not_node_role);
}

TEST_F(member_admission_test, a_heartbeat_comes_from_a_member_about_itself) {
  EXPECT_EQ(check_heartbeat(r, from("node-3"), "n3", "node-3"), "");
  EXPECT_EQ(check_heartbeat(r, from("node-9"), "n9", "node-9"), reason::not_a_member);
  EXPECT_EQ(check_heartbeat(r, from("node-3"), "n1", "node-3"), reason::impersonation);
  EXPECT_EQ(check_heartbeat(r, from("node-3"), "n3", "node-1"), reason::impersonation);
  EXPECT_EQ(check_heartbeat(r, from("node-3", trust::role::viewer), "n3", "node-3"),
            reason::not_node_role);
}

TEST_F(member_admission_test, a_view_comes_from_the_leader_or_a_member_that_took_over) {
  auto next = view;
  next.version = 8;
  EXPECT_EQ(check_view(r, from("node-1"), next), "");
  EXPECT_EQ(check_view(r, from("node-1"), view), ""); // the same again: ignored by the actor
  auto old = view;
  old.version = 6;
  EXPECT_EQ(check_view(r, from("node-1"), old), reason::stale_view);
  // Not the leader, and the view does not name it leader.
  EXPECT_EQ(check_view(r, from("node-3"), next), reason::not_from_leader);
  // n3 took over from a lost n1: a newer view it leads.
  auto takeover = next;
  takeover.leader = "n3";
  EXPECT_EQ(check_view(r, from("node-3"), takeover), "");
  auto same_version = takeover;
  same_version.version = 7;
  EXPECT_EQ(check_view(r, from("node-3"), same_version), reason::not_from_leader);
  auto forged = next;
  forged.leader = "n9";
  forged.members.push_back(member("n9", "node-9", 3));
  EXPECT_EQ(check_view(r, from("node-9"), forged), reason::not_a_member);
  EXPECT_EQ(check_view(r, nobody(), next), reason::unknown_peer);
  EXPECT_EQ(check_view(r, from("node-1", trust::role::operator_), next),
            reason::not_node_role);
}

TEST_F(member_admission_test, outside_a_cluster_only_the_view_of_its_join_is_taken) {
  roster outside;
  outside.self = "n3";
  EXPECT_EQ(check_view(outside, from("node-1"), view), "");
  EXPECT_EQ(check_view(outside, from("node-9"), view), reason::not_a_member);
  auto without = view;
  without.members.pop_back(); // no n3
  EXPECT_EQ(check_view(outside, from("node-1"), without), reason::not_a_member);
  auto leaderless = view;
  leaderless.leader = "n7";
  EXPECT_EQ(check_view(outside, from("node-1"), leaderless), reason::not_a_member);
}

TEST_F(member_admission_test, a_handoff_order_comes_from_the_leader_for_a_shard_of_this_node) {
  EXPECT_EQ(check_handoff_order(r, from("node-1"), move(2, "n2", "n3")), "");
  EXPECT_EQ(check_handoff_order(r, from("node-3"), move(2, "n2", "n3")),
            reason::not_from_leader);
  EXPECT_EQ(check_handoff_order(r, from("node-9"), move(2, "n2", "n3")), reason::not_a_member);
  EXPECT_EQ(check_handoff_order(r, from("node-1"), move(0, "n2", "n3")),
            reason::unexpected_handoff); // not this node's shard
  EXPECT_EQ(check_handoff_order(r, from("node-1"), move(2, "n1", "n3")),
            reason::unexpected_handoff); // not from here
  EXPECT_EQ(check_handoff_order(r, from("node-1"), move(2, "n2", "n2")),
            reason::unexpected_handoff);
  EXPECT_EQ(check_handoff_order(r, from("node-1"), move(2, "n2", "n9")),
            reason::unexpected_handoff); // to no member
  EXPECT_EQ(check_handoff_order(r, from("node-1"), move(40, "n2", "n3")),
            reason::unexpected_handoff); // no such shard
}

TEST_F(member_admission_test, an_incoming_move_comes_from_the_leader_in_this_view) {
  EXPECT_EQ(check_incoming(r, from("node-1"), move(0, "n1", "n2"), 7), "");
  EXPECT_EQ(check_incoming(r, from("node-1"), move(0, "n1", "n2"), 6), reason::stale_view);
  EXPECT_EQ(check_incoming(r, from("node-1"), move(0, "n1", "n2"), 8), reason::stale_view);
  EXPECT_EQ(check_incoming(r, from("node-3"), move(0, "n1", "n2"), 7), reason::not_from_leader);
  EXPECT_EQ(check_incoming(r, from("node-1"), move(0, "n3", "n2"), 7),
            reason::unexpected_handoff); // n3 does not own it
  EXPECT_EQ(check_incoming(r, from("node-1"), move(0, "n1", "n3"), 7),
            reason::unexpected_handoff); // not to here
  EXPECT_EQ(check_incoming(r, from("node-1"), move(2, "n2", "n2"), 7),
            reason::unexpected_handoff);
  EXPECT_EQ(check_incoming(r, nobody(), move(0, "n1", "n2"), 7), reason::unknown_peer);
}

TEST_F(member_admission_test, a_batch_comes_for_an_expected_shard_from_its_owner) {
  EXPECT_EQ(check_batch(r, from("node-1"), 1), "");
  EXPECT_EQ(check_batch(r, from("node-1"), 0), reason::unexpected_handoff); // not expected
  EXPECT_EQ(check_batch(r, from("node-3"), 1), reason::unexpected_handoff); // not from n1
  EXPECT_EQ(check_batch(r, from("node-9"), 1), reason::not_a_member);
  EXPECT_EQ(check_batch(r, from("node-1", trust::role::viewer), 1), reason::not_node_role);
  // The map gave the shard to another member meanwhile.
  view.map.owners[1] = {"n3"};
  EXPECT_EQ(check_batch(roster_of(view, "n2", {{1u, "n1"}}), from("node-1"), 1),
            reason::unexpected_handoff);
}

TEST_F(member_admission_test, moved_and_drain_only_at_the_leader) {
  auto leader = roster_of(view, "n1", {});
  EXPECT_EQ(check_moved(leader, from("node-2"), move(2, "n2", "n3")), "");
  EXPECT_EQ(check_moved(leader, from("node-3"), move(2, "n2", "n3")), reason::not_from_owner);
  EXPECT_EQ(check_moved(leader, from("node-9"), move(2, "n2", "n3")), reason::not_a_member);
  EXPECT_EQ(check_moved(r, from("node-2"), move(2, "n2", "n3")), reason::not_leader);
  EXPECT_EQ(check_drain(leader, from("node-3")), "");
  EXPECT_EQ(check_drain(r, from("node-3")), reason::not_leader);
  EXPECT_EQ(check_drain(leader, from("node-9")), reason::not_a_member);
  EXPECT_EQ(check_drain(leader, from("node-3", trust::role::operator_)), reason::not_node_role);
}

TEST(incoming_shards_test, a_shard_is_expected_until_the_map_moves_it_off_its_sender) {
  incoming_shards in;
  in.expect(sharding::shard_move{1, "n1", "n2"});
  in.expect(sharding::shard_move{3, "n3", "n2"});
  sharding::shard_map map;
  map.owners = {{"n1"}, {"n1"}, {"n2"}, {"n3"}};
  in.prune(map);
  EXPECT_EQ(in.expected(), (std::map<uint32_t, std::string>{{1, "n1"}, {3, "n3"}}));
  map.owners[1] = {"n2"}; // the move is done
  in.prune(map);
  EXPECT_EQ(in.expected(), (std::map<uint32_t, std::string>{{3, "n3"}}));
  in.expect(sharding::shard_move{3, "n1", "n2"}); // a later move of the shard replaces it
  EXPECT_EQ(in.expected().at(3), "n1");
  in.prune(map);
  EXPECT_TRUE(in.expected().empty());
}

} // namespace
