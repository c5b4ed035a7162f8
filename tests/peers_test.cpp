// cluster/peers: the peer table and its failure detector, with the time
// passed in: attaching a member's handle, heartbeats, silence, `nodes`
// rows and the admin actor's member handles.

#include <caf/all.hpp>
#include <gtest/gtest.h>

#include "cluster/peers.hpp"

using namespace troupe::cluster;
using namespace std::chrono_literals;

namespace {

class peers_test : public ::testing::Test {
protected:
  caf::actor_system_config cfg;
  caf::actor_system sys{cfg};
  caf::scoped_actor a{sys};
  caf::scoped_actor b{sys};
  peer_table peers;
  peer_table::clock_type::time_point t0 = peer_table::clock_type::time_point{} + 1h;

  caf::actor handle(caf::scoped_actor& s) { return caf::actor_cast<caf::actor>(s.ptr()); }

  static cluster_view view() {
    cluster_view v;
    v.leader = "n1";
    for (auto [id, seq] : {std::pair<const char*, uint64_t>{"n1", 0}, {"n2", 1}, {"n3", 2}}) {
      member_info m;
      m.id = id;
      m.host = "h";
      m.port = static_cast<uint16_t>(4000 + seq);
      m.state = member_state::up;
      v.members.push_back(m);
    }
    v.map = troupe::sharding::initial_placement(5, "n1", 2);
    v.map.shards[2].primary = "n2";
    v.map.shards[3].primary = "n3";
    v.map.shards[4].primary = "n4";          // n4 is not live: down
    v.map.shards[0].replicas = {{"n2", true}};
    return v;
  }
};

TEST_F(peers_test, attaching_a_handle_says_which_one_it_replaced) {
  auto first = peers.attach("n2", handle(a), t0);
  ASSERT_TRUE(first);
  EXPECT_FALSE(*first); // none before
  EXPECT_FALSE(peers.attach("n2", handle(a), t0)); // the same: nothing changes
  auto second = peers.attach("n2", handle(b), t0);
  ASSERT_TRUE(second);
  EXPECT_EQ(*second, handle(a));
  EXPECT_EQ(peers.admin_of("n2"), handle(b));
  EXPECT_EQ(peers.owner_of(handle(b).address()), std::optional<std::string>{"n2"});
  EXPECT_EQ(peers.detach("n2"), handle(b));
  EXPECT_FALSE(peers.admin_of("n2"));
  EXPECT_EQ(peers.unreachable(), std::set<std::string>{"n2"});
}

TEST_F(peers_test, rows_and_handles_follow_the_view_and_the_connections) {
  peers.attach("n2", handle(a), t0);
  peers.heard("n2", 42, t0 + 1s);
  auto rows = peers.rows(view(), "n1", 7, t0 + 1500ms);
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_EQ(rows[0].customers, 7u);
  EXPECT_EQ(rows[0].last_heartbeat_ms, 0);
  EXPECT_TRUE(rows[0].leader);
  EXPECT_EQ(rows[0].shards, 2u);
  EXPECT_EQ(rows[1].customers, 42u);
  EXPECT_EQ(rows[1].last_heartbeat_ms, 500);
  EXPECT_EQ(rows[1].replicas, 1u);
  EXPECT_EQ(rows[2].last_heartbeat_ms, -1); // never heard
  EXPECT_EQ(rows[3].id, "n4");                // named by the map, not live
  EXPECT_EQ(rows[3].state, member_state::down);
  EXPECT_EQ(rows[3].shards, 1u);
  auto h = peers.handles(view(), "n1");
  ASSERT_EQ(h.peers.size(), 1u);
  EXPECT_EQ(h.peers[0].first, "n2");
  EXPECT_EQ(h.unreachable,
            (std::map<std::string, std::vector<uint32_t>>{{"n3", {3}}, {"n4", {4}}}));
  EXPECT_EQ(h.primary, (std::vector<std::string>{"n1", "n1", "n2", "n3", "n4"}));
  EXPECT_EQ(h.primary_admin[2], handle(a));
  EXPECT_FALSE(h.primary_admin[0]);
  EXPECT_FALSE(h.primary_admin[3]);
  auto alone = peer_table::self_only("n1", 4);
  EXPECT_EQ(alone.primary, std::vector<std::string>(4, "n1"));
  EXPECT_TRUE(alone.peers.empty());
}

} // namespace

TEST_F(peers_test, a_members_record_counts_are_known_only_while_it_is_connected) {
  ASSERT_TRUE(peers.attach("n2", handle(a), t0));
  EXPECT_EQ(peers.records_of("n2", 1), std::nullopt) << "nothing heard yet";
  peers.saw_records("n2", {10, 20, 30});
  EXPECT_EQ(peers.records_of("n2", 1), std::optional<uint64_t>{20});
  EXPECT_EQ(peers.records_of("n2", 3), std::nullopt) << "a shard it did not say";
  // Its connection gone, or a new process of it: its old counts would make
  // a lag that is not there.
  peers.detach("n2");
  EXPECT_EQ(peers.records_of("n2", 1), std::nullopt);
  peers.saw_records("n2", {10, 20, 30});
  ASSERT_TRUE(peers.attach("n2", handle(b), t0));
  EXPECT_EQ(peers.records_of("n2", 1), std::nullopt);
}
