// campaign/counters: +=, one outcome, recount, the proto round trip.

#include <gtest/gtest.h>

#include "campaign/counters.hpp"

using namespace troupe;
using namespace troupe::campaign;

namespace {

campaign_counters make(uint64_t p, uint64_t in, uint64_t d, uint64_t b, uint64_t s, uint64_t f) {
  campaign_counters c;
  c.processed = p;
  c.in_segment = in;
  c.delivered = d;
  c.blocked = b;
  c.skipped = s;
  c.failed = f;
  return c;
}

TEST(campaign_counters, add_in_place) {
  auto a = make(10, 6, 3, 2, 4, 1);
  auto& same = (a += make(5, 4, 1, 1, 1, 2));
  EXPECT_EQ(&same, &a);
  EXPECT_EQ(a, make(15, 10, 4, 3, 5, 3));
  a += campaign_counters{};
  EXPECT_EQ(a, make(15, 10, 4, 3, 5, 3));
}

TEST(campaign_counters, one_customer_by_outcome) {
  auto held = campaign_counters::one(outcome::held_out);
  EXPECT_EQ(held.held_out, 1u);
  EXPECT_EQ(held.in_segment, 1u) << "selected, then held out";
  EXPECT_EQ(held.failed + held.delivered, 0u);
  auto capped = campaign_counters::one(outcome::capped);
  EXPECT_EQ(capped.capped, 1u);
  EXPECT_EQ(capped.failed + capped.delivered, 0u) << "neither a delivery nor a failure";
  EXPECT_EQ(campaign_counters::one(outcome::delivered), make(1, 1, 1, 0, 0, 0));
  EXPECT_EQ(campaign_counters::one(outcome::blocked), make(1, 1, 0, 1, 0, 0));
  EXPECT_EQ(campaign_counters::one(outcome::skipped), make(1, 0, 0, 0, 1, 0));
  EXPECT_EQ(campaign_counters::one(outcome::failed), make(1, 1, 0, 0, 0, 1));
  EXPECT_EQ(campaign_counters::one(outcome::pending), make(1, 1, 0, 0, 0, 1));
}

TEST(campaign_counters, recount_moves_a_customer_between_outcomes) {
  auto c = make(10, 6, 3, 1, 4, 2);
  c.recount(outcome::failed, outcome::delivered);
  EXPECT_EQ(c, make(10, 6, 4, 1, 4, 1));
  c.recount(outcome::failed, outcome::skipped); // no longer in the segment
  EXPECT_EQ(c, make(10, 5, 4, 1, 5, 0));
  c.recount(outcome::failed, outcome::blocked); // never below 0
  EXPECT_EQ(c, make(10, 5, 4, 2, 5, 0));
  auto empty = campaign_counters{};
  empty.recount(outcome::failed, outcome::skipped);
  EXPECT_EQ(empty, make(0, 0, 0, 0, 1, 0));
}

TEST(campaign_counters, proto_round_trip) {
  auto c = make(100'000, 31'000, 29'000, 1'500, 69'000, 500);
  c.held_out = 7;
  c.entered = 11;
  c.cancelled = 13;
  c.capped = 17;
  c.held = 19;
  auto p = to_proto(c);
  EXPECT_EQ(p.held_out(), 7u);
  EXPECT_EQ(p.triggered(), 11u);
  EXPECT_EQ(p.cancelled(), 13u);
  EXPECT_EQ(p.capped(), 17u);
  EXPECT_EQ(p.held(), 19u);
  EXPECT_EQ(p.processed(), 100'000u);
  EXPECT_EQ(p.in_segment(), 31'000u);
  EXPECT_EQ(p.delivered(), 29'000u);
  EXPECT_EQ(p.blocked(), 1'500u);
  EXPECT_EQ(p.skipped(), 69'000u);
  EXPECT_EQ(p.failed(), 500u);
  EXPECT_EQ(from_proto(p), c);
  v1::CampaignCounters parsed;
  ASSERT_TRUE(parsed.ParseFromString(p.SerializeAsString()));
  EXPECT_EQ(from_proto(parsed), c);
  EXPECT_EQ(from_proto(v1::CampaignCounters{}), campaign_counters{});
}

} // namespace
