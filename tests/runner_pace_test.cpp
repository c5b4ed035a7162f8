// campaign/runner_pace: a campaign's rate_limit split among members by the
// shards each owns, and the runner's bucket set again only when it changes.
#include <gtest/gtest.h>

#include "campaign/runner_pace.hpp"

namespace troupe::campaign {
namespace {

TEST(runner_pace_test, each_member_runs_its_share_of_the_campaigns_rate) {
  sharding::shard_ownership ownership{64};
  EXPECT_DOUBLE_EQ(rate_share(150, &ownership, 64), 150) << "one node owns every shard";
  std::vector<bool> half(64, false);
  for (std::size_t i = 0; i < 32; ++i)
    half[i] = true;
  ownership.assign(half);
  EXPECT_DOUBLE_EQ(rate_share(150, &ownership, 64), 75);
  std::vector<bool> one(64, false);
  one[7] = true;
  ownership.assign(one);
  EXPECT_DOUBLE_EQ(rate_share(64, &ownership, 64), 1);
  EXPECT_DOUBLE_EQ(rate_share(0, &ownership, 64), 0) << "unlimited stays unlimited";
  EXPECT_DOUBLE_EQ(rate_share(150, nullptr, 64), 150) << "no cluster: the whole rate";
}

TEST(runner_pace_test, the_bucket_changes_only_with_the_rate) {
  std::optional<actors::token_bucket> bucket;
  double current = 0;
  pace(bucket, current, 0);
  EXPECT_FALSE(bucket);
  pace(bucket, current, 100);
  ASSERT_TRUE(bucket);
  EXPECT_DOUBLE_EQ(current, 100);
  auto now = actors::real_clock()->now();
  auto before = bucket->available(now);
  ASSERT_TRUE(bucket->reserve(now, actors::clock::duration::zero()));
  pace(bucket, current, 100); // the same rate: the bucket keeps its state
  EXPECT_LT(bucket->available(now), before);
  pace(bucket, current, 50);
  EXPECT_DOUBLE_EQ(current, 50);
  EXPECT_NEAR(bucket->available(actors::real_clock()->now()), 5, 0.05)
    << "a new bucket: a burst of a tenth of a second";
  pace(bucket, current, 0);
  EXPECT_FALSE(bucket);
}

} // namespace
} // namespace troupe::campaign
