// cluster/member_admission: every rule, each accept path and each refusal
// reason, over a three-member view as n2 holds it (n1 leads; shards 0-1 on
// n1, 2-3 on n2; n2 is an in-sync replica of shard 0 and a replica of
// shard 1 catching up; n3 is an in-sync replica of shard 2).

#include <gtest/gtest.h>

#include "cluster/member_admission.hpp"

using namespace troupe;
using namespace troupe::cluster;
using namespace troupe::cluster::admission;
using sharding::change_kind;
using sharding::placement_change;

namespace {

member_info member(const std::string& id, const std::string& node) {
  member_info m;
  m.id = id;
  m.node = node;
  m.state = member_state::up;
  return m;
}

class member_admission_test : public ::testing::Test {
protected:
  cluster_view view;
  roster r; // n2's

  void SetUp() override {
    view.revision = 7;
    view.leader = "n1";
    view.members = {member("n1", "node-1"), member("n2", "node-2"), member("n3", "node-3")};
    view.map = sharding::initial_placement(4, "n1", 2);
    view.map.shards[0].replicas = {{"n2", true}};
    view.map.shards[1].replicas = {{"n2", false}};
    view.map.shards[2].primary = "n2";
    view.map.shards[2].replicas = {{"n3", true}};
    view.map.shards[3].primary = "n2";
    r = roster_of(view, "n2");
  }

  static sender from(const std::string& node, trust::role role = trust::role::node) {
    return sender{role, node, false};
  }
  static sender local() { return sender{trust::role::node, "node-2", true}; }
  static sender nobody() { return sender{std::nullopt, "node-9", false}; }
};

TEST_F(member_admission_test, the_roster_holds_the_view_and_the_members_nodes) {
  EXPECT_TRUE(r.in_cluster);
  EXPECT_EQ(r.leader, "n1");
  EXPECT_EQ(r.nodes.at("n3"), "node-3");
  EXPECT_EQ(r.map, view.map);
  EXPECT_EQ(member_of(r, from("node-3")), "n3");
  EXPECT_EQ(member_of(r, local()), "n2");
  EXPECT_EQ(member_of(r, from("node-9")), std::nullopt);
  EXPECT_EQ(member_of(r, from("")), std::nullopt);
  EXPECT_EQ(member_of(r, from("node-2")), std::nullopt) << "a remote peer claiming this node";
}

TEST_F(member_admission_test, any_message_needs_a_member_with_a_node_role) {
  EXPECT_EQ(check_member(r, from("node-1")), "");
  EXPECT_EQ(check_member(r, local()), "");
  EXPECT_EQ(check_member(r, from("node-1", trust::role::open)), "");
  EXPECT_EQ(check_member(r, nobody()), reason::unknown_peer);
  EXPECT_EQ(check_member(r, from("node-1", trust::role::operator_)), reason::not_node_role);
  EXPECT_EQ(check_member(r, from("node-9")), reason::not_a_member);
  roster outside;
  outside.self = "n2";
  EXPECT_EQ(check_member(outside, from("node-1")), reason::not_a_member);
}

TEST_F(member_admission_test, a_heartbeat_speaks_for_its_sender_only) {
  EXPECT_EQ(check_heartbeat(r, from("node-3"), "n3", "node-3", 4), "");
  EXPECT_EQ(check_heartbeat(r, from("node-3"), "n1", "node-3", 4), reason::impersonation);
  EXPECT_EQ(check_heartbeat(r, from("node-3"), "n3", "node-1", 4), reason::impersonation);
  EXPECT_EQ(check_heartbeat(r, from("node-9"), "n9", "node-9", 4), reason::not_a_member);
  // Its record counts: one per shard of the map (4), no more, no fewer.
  EXPECT_EQ(check_heartbeat(r, from("node-3"), "n3", "node-3", 3), reason::wrong_shard_count);
  EXPECT_EQ(check_heartbeat(r, from("node-3"), "n3", "node-3", 1u << 20),
            reason::wrong_shard_count);
}

TEST_F(member_admission_test, a_handover_comes_from_the_leader_for_a_shard_this_node_leads) {
  placement_change ok{change_kind::switch_primary, 2, "n3", 1};
  EXPECT_EQ(check_handover(r, from("node-1"), ok), "");
  EXPECT_EQ(check_handover(r, from("node-3"), ok), reason::not_from_leader);
  EXPECT_EQ(check_handover(r, nobody(), ok), reason::unknown_peer);
  auto wrong = ok;
  wrong.kind = change_kind::drop_replica;
  EXPECT_EQ(check_handover(r, from("node-1"), wrong), reason::unexpected_handover);
  wrong = ok;
  wrong.shard = 0; // n1 leads shard 0, not this node
  EXPECT_EQ(check_handover(r, from("node-1"), wrong), reason::unexpected_handover);
  wrong = ok;
  wrong.epoch = 2;
  EXPECT_EQ(check_handover(r, from("node-1"), wrong), reason::unexpected_handover);
  wrong = ok;
  wrong.shard = 3; // no in-sync replica to take it
  EXPECT_EQ(check_handover(r, from("node-1"), wrong), reason::unexpected_handover);
  wrong = ok;
  wrong.shard = 99;
  EXPECT_EQ(check_handover(r, from("node-1"), wrong), reason::unexpected_handover);
}

TEST_F(member_admission_test, a_batch_comes_from_the_primary_to_a_replica_catching_up) {
  EXPECT_EQ(check_batch(r, from("node-1"), 1), "");
  EXPECT_EQ(check_batch(r, from("node-3"), 1), reason::unexpected_handoff) << "not the primary";
  EXPECT_EQ(check_batch(r, from("node-1"), 0), reason::unexpected_handoff) << "in sync already";
  EXPECT_EQ(check_batch(r, from("node-3"), 2), reason::unexpected_handoff) << "this node leads it";
  EXPECT_EQ(check_batch(r, from("node-1"), 4), reason::unexpected_handoff) << "no such shard";
  EXPECT_EQ(check_batch(r, from("node-9"), 1), reason::not_a_member);
}

TEST_F(member_admission_test, a_drain_is_of_this_node) {
  EXPECT_EQ(check_drain(r, from("node-3"), "n2"), "");
  EXPECT_EQ(check_drain(r, from("node-3"), "n1"), reason::not_this_node);
  EXPECT_EQ(check_drain(r, from("node-9"), "n2"), reason::not_a_member);
}

} // namespace
