// campaign/status_aggregation: a campaign's status over a cluster's members.

#include <gtest/gtest.h>

#include "campaign/status_aggregation.hpp"

using namespace troupe;
using namespace troupe::campaign;

namespace {

using S = campaign_state;

campaign_status member(S state, uint64_t processed, uint64_t total) {
  campaign_status s;
  s.id = "spring";
  s.name = "Spring sale";
  s.state = state;
  s.total = total;
  s.processed = processed;
  s.in_segment = processed / 2;
  s.delivered = processed / 2;
  s.skipped = processed - processed / 2;
  s.rate_per_min = 60;
  s.started_at_ms = 1'000 + static_cast<int64_t>(processed);
  s.finished_at_ms = is_final(state) ? 9'000 + static_cast<int64_t>(processed) : 0;
  return s;
}

TEST(status_aggregation, members_that_agree_keep_their_state_and_sum_their_counters) {
  auto out = aggregate_status({{"n1", member(S::completed, 100, 120), ""},
                               {"n2", member(S::completed, 50, 40), ""}},
                              {}, "");
  EXPECT_EQ(out.id, "spring");
  EXPECT_EQ(out.name, "Spring sale");
  EXPECT_EQ(out.state, S::completed);
  EXPECT_EQ(out.processed, 150u);
  EXPECT_EQ(out.delivered, 75u);
  EXPECT_EQ(out.skipped, 75u);
  EXPECT_EQ(out.total, 150u); // completed: what was processed
  EXPECT_EQ(out.rate_per_min, 120);
  EXPECT_EQ(out.started_at_ms, 1'050);
  EXPECT_EQ(out.finished_at_ms, 9'100);
  ASSERT_EQ(out.by_node.size(), 2u);
  EXPECT_EQ(by_node_line(out.by_node[0]),
            "n1  completed  processed 100 / 120  delivered 50  blocked 0  failed 0");
  EXPECT_TRUE(out.reason.empty());
}

TEST(status_aggregation, mixed_states_give_the_one_with_work_left_or_the_worst_ending) {
  EXPECT_EQ(combined_state({S::running, S::completed}, false), S::running);
  EXPECT_EQ(combined_state({S::paused, S::completed}, false), S::paused);
  EXPECT_EQ(combined_state({S::running, S::paused}, false), S::running);
  EXPECT_EQ(combined_state({S::failed, S::running, S::completed}, false), S::failed);
  EXPECT_EQ(combined_state({S::created, S::completed}, false), S::created);
  EXPECT_EQ(combined_state({S::cancelled, S::completed}, false), S::cancelled);
  EXPECT_EQ(combined_state({S::paused}, false), S::paused);
  EXPECT_EQ(combined_state({}, false), S::created);
  auto out = aggregate_status({{"n1", member(S::running, 10, 100), ""},
                               {"n2", member(S::completed, 100, 100), ""}},
                              {}, "");
  EXPECT_EQ(out.state, S::running);
  EXPECT_EQ(out.finished_at_ms, 0); // not finished as a whole
  EXPECT_EQ(out.total, 200u);
}

TEST(status_aggregation, a_member_that_answered_with_an_error_is_listed) {
  auto failed = member(S::failed, 10, 100);
  failed.reason = "cannot write";
  auto out = aggregate_status({{"n1", failed, ""},
                               {"n2", std::nullopt, "the node went away"},
                               {"n3", member(S::running, 5, 100), ""}},
                              {}, "");
  EXPECT_EQ(out.state, S::failed);
  EXPECT_EQ(out.processed, 15u);
  EXPECT_EQ(out.reason, "n1: cannot write");
  ASSERT_EQ(out.by_node.size(), 3u);
  EXPECT_EQ(by_node_line(out.by_node[1]), "n2  error: the node went away");
}

TEST(status_aggregation, unreachable_members_stall_a_campaign_that_looks_completed) {
  std::map<std::string, std::vector<uint32_t>> unreachable{{"n3", {4, 5, 6}}};
  auto out = aggregate_status({{"n1", member(S::completed, 100, 100), ""},
                               {"n2", member(S::completed, 80, 80), ""}},
                              unreachable, "3 shards on n3 (unreachable)");
  EXPECT_EQ(out.state, S::running);
  EXPECT_EQ(out.finished_at_ms, 0);
  EXPECT_EQ(out.total, 180u);
  EXPECT_EQ(out.reason, "stalled: 3 shards on n3 (unreachable)");
  ASSERT_EQ(out.by_node.size(), 3u);
  EXPECT_EQ(by_node_line(out.by_node[2]), "n3  unreachable  3 shards stalled");
  // A paused campaign stays paused; the stall joins its reason.
  auto paused = member(S::paused, 10, 100);
  paused.reason = "operator";
  auto p = aggregate_status({{"n1", paused, ""}}, unreachable, "3 shards on n3 (unreachable)");
  EXPECT_EQ(p.state, S::paused);
  EXPECT_EQ(p.reason, "n1: operator; stalled: 3 shards on n3 (unreachable)");
}

} // namespace
