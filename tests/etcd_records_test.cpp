// The cluster's records in etcd: round trips, and every record that breaks
// a rule refused with the key and the reason.

#include <gtest/gtest.h>

#include "cluster/cluster_errc.hpp"
#include "cluster/etcd_records.hpp"
#include "sharding/placement_plan.hpp"

using namespace troupe;
using namespace troupe::cluster;

namespace {

member_info sample_member() {
  member_info m;
  m.id = "n2";
  m.host = "127.0.0.1";
  m.port = 7402;
  m.state = member_state::up;
  m.shard_count = 64;
  m.node = "CAFNODE#1";
  return m;
}

void expect_bad(const error& e, const std::string& part) {
  EXPECT_TRUE(e.is(cluster_errc::bad_record)) << e.message();
  EXPECT_NE(e.message().find(part), std::string::npos) << e.message();
}

} // namespace

TEST(etcd_records_test, keys_live_under_the_prefix) {
  EXPECT_EQ(etcd_keys::member("/troupe/", "n1"), "/troupe/members/n1");
  EXPECT_EQ(etcd_keys::members("/t/"), "/t/members/");
  EXPECT_EQ(etcd_keys::leader("/t/"), "/t/leader");
  EXPECT_EQ(etcd_keys::map("/t/"), "/t/map");
}

TEST(etcd_records_test, a_member_round_trips_and_a_bad_one_is_named) {
  auto bytes = encode_member(sample_member(), 123);
  auto m = decode_member("/t/members/n2", bytes, "/t/");
  ASSERT_TRUE(m) << m.err().message();
  EXPECT_EQ(m->id, "n2");
  EXPECT_EQ(m->address(), "127.0.0.1:7402");
  EXPECT_EQ(m->node, "CAFNODE#1");
  // Filed under another id's key.
  auto other = decode_member("/t/members/n3", bytes, "/t/");
  ASSERT_FALSE(other);
  expect_bad(other.err(), "/t/members/n3");
  auto broken = sample_member();
  broken.state = "down";
  expect_bad(decode_member("/t/members/n2", encode_member(broken, 0), "/t/").err(),
             "neither up nor leaving");
  broken = sample_member();
  broken.port = 0;
  expect_bad(decode_member("/t/members/n2", encode_member(broken, 0), "/t/").err(),
             "no valid address");
  expect_bad(decode_member("/t/members/n2", "\xff\xff\xff", "/t/").err(), "not a member");
}

TEST(etcd_records_test, a_map_round_trips_with_epochs_and_sync_flags) {
  auto map = sharding::initial_placement(8, "n1", 2);
  ASSERT_FALSE(sharding::apply_change(map, {sharding::change_kind::add_replica, 3, "n2", 1}));
  ASSERT_FALSE(sharding::apply_change(map, {sharding::change_kind::mark_in_sync, 3, "n2", 1}));
  ASSERT_FALSE(
    sharding::apply_change(map, {sharding::change_kind::switch_primary, 3, "n2", 1}));
  auto back = decode_map(encode_map(map), 8);
  ASSERT_TRUE(back) << back.err().message();
  EXPECT_EQ(*back, map);
  EXPECT_EQ(back->shards[3].epoch, 2u);
  EXPECT_EQ(back->shards[3].primary, "n2");
}

TEST(etcd_records_test, a_map_that_breaks_a_rule_is_refused) {
  auto map = sharding::initial_placement(8, "n1", 2);
  expect_bad(decode_map(encode_map(map), 16).err(), "8 shards");
  auto twice = map;
  twice.shards[1].replicas.push_back({"n1", true});
  expect_bad(decode_map(encode_map(twice), 8).err(), "two copies");
  auto bad_id = map;
  bad_id.shards[2].primary = "n 1";
  expect_bad(decode_map(encode_map(bad_id), 8).err(), "shard 2");
  auto no_factor = map;
  no_factor.factor = 0;
  expect_bad(decode_map(encode_map(no_factor), 8).err(), "factor");
  expect_bad(decode_map("\x08", 8).err(), "map");
}
