// The cluster's state in a real etcd (cluster/etcd_membership): a member
// enters under its lease and only under it, the leader key goes to the
// first, the first map is founded once, a map change is refused when the
// map (or its leader) changed since it was read or when a change does not
// fit, and a member's record goes with its lease.

#include <gtest/gtest.h>

#include "cluster/cluster_errc.hpp"
#include "cluster/etcd_membership.hpp"
#include "cluster/etcd_records.hpp"
#include "coord/etcd_client.hpp"
#include "tests/etcd_fixture.hpp"

namespace troupe::cluster {
namespace {

using namespace std::chrono_literals;
using sharding::change_kind;
using test::etcd_server;

member_info member(const std::string& id, uint16_t port) {
  member_info m;
  m.id = id;
  m.host = "127.0.0.1";
  m.port = port;
  m.state = member_state::up;
  m.shard_count = 8;
  m.node = "node-" + id;
  return m;
}

class etcd_membership_test : public test::etcd_fixture {
protected:
  void SetUp() override {
    etcd_fixture::SetUp();
    if (IsSkipped() || HasFatalFailure())
      return;
    etcd = std::make_unique<etcd_membership>(*client, "/t/");
  }

  int64_t lease() {
    auto l = client->grant(10s);
    EXPECT_TRUE(l) << l.err().message();
    return l ? l->id : 0;
  }

  std::unique_ptr<etcd_membership> etcd;
};

TEST_F(etcd_membership_test, members_enter_under_their_lease_in_join_order) {
  auto l1 = lease(), l2 = lease();
  ASSERT_TRUE(etcd->enter(member("n2", 7402), l2));
  ASSERT_TRUE(etcd->enter(member("n1", 7401), l1));
  EXPECT_TRUE(etcd->enter(member("n1", 7401), l1)) << "entering again under its own lease";
  auto other = etcd->enter(member("n1", 7409), lease());
  ASSERT_FALSE(other);
  EXPECT_TRUE(other.err().is(cluster_errc::member_exists)) << other.err().message();
  EXPECT_TRUE(other.err().retryable());
  auto snap = etcd->read();
  ASSERT_TRUE(snap) << snap.err().message();
  ASSERT_EQ(snap->members.size(), 2u);
  EXPECT_EQ(snap->members[0].id, "n2"); // entered first
  EXPECT_EQ(snap->members[1].address(), "127.0.0.1:7401");
  EXPECT_FALSE(snap->map);
  // Leaving: the record rewritten under the same lease; the plan sees it.
  auto leaving = member("n2", 7402);
  leaving.state = member_state::leaving;
  ASSERT_TRUE(etcd->set_state(leaving, l2));
  EXPECT_FALSE(etcd->set_state(leaving, l1)) << "not under its lease";
  snap = etcd->read();
  ASSERT_TRUE(snap);
  EXPECT_EQ(snap->member_set().leaving, std::set<std::string>{"n2"});
  // The record goes with the lease.
  ASSERT_TRUE(client->revoke(l2));
  snap = etcd->read();
  ASSERT_TRUE(snap);
  ASSERT_EQ(snap->members.size(), 1u);
  EXPECT_EQ(snap->members[0].id, "n1");
}

TEST_F(etcd_membership_test, a_bad_record_is_skipped_and_named) {
  ASSERT_TRUE(etcd->enter(member("n1", 7401), lease()));
  ASSERT_TRUE(client->put(etcd_keys::member("/t/", "n9"), "not a record"));
  auto snap = etcd->read();
  ASSERT_TRUE(snap) << snap.err().message();
  EXPECT_EQ(snap->members.size(), 1u);
  ASSERT_EQ(snap->bad_records.size(), 1u);
  EXPECT_NE(snap->bad_records[0].find("/t/members/n9"), std::string::npos)
    << snap->bad_records[0];
  // A map nobody can read stops the read: nothing may act on it.
  ASSERT_TRUE(client->put(etcd_keys::map("/t/"), "\x08"));
  EXPECT_FALSE(etcd->read());
}

TEST_F(etcd_membership_test, the_leader_key_and_the_first_map_go_to_the_first) {
  auto l1 = lease(), l2 = lease();
  EXPECT_EQ(*etcd->lead("n1", l1), true);
  EXPECT_EQ(*etcd->lead("n2", l2), false);
  EXPECT_EQ(*etcd->lead("n1", l1), true) << "it holds the key already";
  auto first = etcd->found_map(sharding::initial_placement(8, "n1", 2));
  ASSERT_TRUE(first);
  auto second = etcd->found_map(sharding::initial_placement(8, "n2", 2));
  ASSERT_TRUE(second);
  EXPECT_EQ(second->primary(0), "n1") << "founded once";
  ASSERT_TRUE(client->revoke(l1));
  EXPECT_EQ(*etcd->lead("n2", l2), true) << "the key went with n1's lease";
}

TEST_F(etcd_membership_test, a_change_is_written_only_to_the_map_it_was_planned_on) {
  auto l1 = lease();
  ASSERT_TRUE(etcd->enter(member("n1", 7401), l1));
  ASSERT_TRUE(etcd->lead("n1", l1));
  ASSERT_TRUE(etcd->found_map(sharding::initial_placement(8, "n1", 2)));
  auto seen = etcd->read();
  ASSERT_TRUE(seen);
  sharding::placement_change add{change_kind::add_replica, 3, "n2", 1};
  auto changed = etcd->change_map(*seen, {add}, "n1");
  ASSERT_TRUE(changed) << changed.err().message();
  EXPECT_TRUE(changed->shards[3].holds("n2"));
  // The same read again: the map moved on since.
  sharding::placement_change other{change_kind::add_replica, 4, "n2", 1};
  auto stale = etcd->change_map(*seen, {other}, "n1");
  ASSERT_FALSE(stale);
  EXPECT_TRUE(stale.err().is(cluster_errc::map_changed)) << stale.err().message();
  // A fresh read, but not the leader's.
  auto fresh = etcd->read();
  ASSERT_TRUE(fresh);
  auto not_leader = etcd->change_map(*fresh, {other}, "n2");
  ASSERT_FALSE(not_leader);
  EXPECT_TRUE(not_leader.err().is(cluster_errc::map_changed));
  // A change that does not fit: nothing written.
  sharding::placement_change promote{change_kind::promote, 3, "n2", 1}; // not in sync
  auto refused = etcd->change_map(*fresh, {other, promote}, "n1");
  ASSERT_FALSE(refused);
  EXPECT_TRUE(refused.err().is(cluster_errc::change_refused)) << refused.err().message();
  auto now = etcd->read();
  ASSERT_TRUE(now);
  EXPECT_EQ(now->map, fresh->map);
  EXPECT_EQ(now->map_revision, fresh->map_revision);
  // Without a leader check (a primary's report), any current read will do.
  auto by_primary = etcd->change_map(*now, {{change_kind::mark_in_sync, 3, "n2", 1}});
  ASSERT_TRUE(by_primary) << by_primary.err().message();
  EXPECT_TRUE(by_primary->shards[3].in_sync("n2"));
}

} // namespace
} // namespace troupe::cluster
