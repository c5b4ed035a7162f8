// `nodes` counts customers truly: each member the customers of the shards
// it is the primary of, so the counts add up to what was imported with two
// copies of every shard, and follow shards a member hands away.

#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/security_fixture.hpp"

using namespace troupe::test;
using namespace std::chrono_literals;
using json = nlohmann::json;

namespace {

class node_counts_process_test : public security_fixture {
protected:
  /// Member id -> customers as `nodes --json` says (-1 for null).
  std::map<std::string, int64_t> counts(const running_node& n) {
    std::map<std::string, int64_t> out;
    for (auto& [id, row] : members(n))
      out[id] = row["customers"].is_null() ? -1 : row["customers"].get<int64_t>();
    return out;
  }

  static int64_t total(const std::map<std::string, int64_t>& c) {
    int64_t sum = 0;
    for (auto& [id, n] : c)
      sum += n;
    return sum;
  }
};

} // namespace

TEST_F(node_counts_process_test,
       counts_add_up_to_the_import_with_replicas_and_after_a_drain) {
  replication_factor = 2;
  ASSERT_NO_FATAL_FAILURE(start_three());
  auto& n1 = *nodes["n1"];
  ASSERT_NO_FATAL_FAILURE(import_customers(n1, "", 300));
  // Counted again once the last count (kept 5 s) is stale.
  std::map<std::string, int64_t> c;
  EXPECT_TRUE(eventually(
      [&] {
        c = counts(n1);
        return total(c) == 300;
      },
      30s));
  ASSERT_EQ(c.size(), 3u);
  for (auto& [id, n] : c)
    EXPECT_GT(n, 0) << id;
  EXPECT_EQ(total(c), 300); // not 600: replicas' copies are not counted
  // n3 hands its shards away: it counts none, the others all.
  auto drained = shell(n1, "node drain n3", 120s);
  ASSERT_EQ(drained.code, 0) << drained.out << drained.err;
  std::map<std::string, int64_t> after;
  EXPECT_TRUE(eventually(
      [&] {
        after = counts(n1);
        return after.count("n3") == 0 || after["n3"] <= 0;
      },
      90s));
  EXPECT_TRUE(eventually(
      [&] {
        after = counts(n1);
        return after["n1"] + after["n2"] == 300;
      },
      30s))
      << after["n1"] << " + " << after["n2"];
}
