// Each replica's lag in records (cluster/replica_lag): its primary's
// applied count less its own, unknown where either side has not said, and
// the sum a primary shows as troupe_replica_lag_records.

#include <map>

#include <gtest/gtest.h>

#include "cluster/replica_lag.hpp"
#include "sharding/placement_plan.hpp"

using namespace troupe;
using sharding::change_kind;

namespace {

TEST(replica_lag_test, a_replica_lags_by_the_records_its_primary_has_and_it_lacks) {
  // Shard 0: n1 primary, n2 in sync, n3 copying. Shard 1: n2 primary, n1.
  auto map = sharding::initial_placement(3, "n1", 2);
  ASSERT_FALSE(sharding::apply_change(map, {change_kind::add_replica, 0, "n2", 1}));
  ASSERT_FALSE(sharding::apply_change(map, {change_kind::mark_in_sync, 0, "n2", 1}));
  ASSERT_FALSE(sharding::apply_change(map, {change_kind::add_replica, 0, "n3", 1}));
  ASSERT_FALSE(sharding::apply_change(map, {change_kind::add_replica, 1, "n2", 1}));
  ASSERT_FALSE(sharding::apply_change(map, {change_kind::mark_in_sync, 1, "n2", 1}));
  ASSERT_FALSE(sharding::apply_change(map, {change_kind::switch_primary, 1, "n2", 1}));
  std::map<std::pair<std::string, uint32_t>, uint64_t> said{
    {{"n1", 0}, 1200}, {{"n2", 0}, 1190}, // n3 has said nothing of shard 0
    {{"n2", 1}, 500},  {{"n1", 1}, 507},  // n1 ahead: a batch n2 never acknowledged
    {{"n1", 2}, 40}};
  cluster::records_lookup heard = [&](const std::string& node, uint32_t shard) {
    auto i = said.find({node, shard});
    return i == said.end() ? std::nullopt : std::optional<uint64_t>{i->second};
  };
  auto lag = cluster::replica_lag(map, heard);
  ASSERT_EQ(lag.size(), 3u);
  EXPECT_EQ(lag[0], (std::vector<int64_t>{10, -1}));
  EXPECT_EQ(lag[1], (std::vector<int64_t>{0}));
  EXPECT_TRUE(lag[2].empty());
  EXPECT_EQ(cluster::lag_behind(map, lag, "n1"), 10u);
  EXPECT_EQ(cluster::lag_behind(map, lag, "n2"), 0u);
  // n3 reports its copy: the whole shard behind until it catches up.
  said[{"n3", 0}] = 0;
  lag = cluster::replica_lag(map, heard);
  EXPECT_EQ(lag[0], (std::vector<int64_t>{10, 1200}));
  EXPECT_EQ(cluster::lag_behind(map, lag, "n1"), 1210u);
}

} // namespace
