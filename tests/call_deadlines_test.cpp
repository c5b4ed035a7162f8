// actors/call_deadlines: calls settled or expired exactly once, in
// deadline order, with the queue trimmed as answers come; sweep_timer
// arming only for something earlier and ignoring superseded ticks.

#include <chrono>
#include <string>

#include <gtest/gtest.h>

#include "actors/call_deadlines.hpp"

using namespace troupe::actors;
using namespace std::chrono_literals;

namespace {
using clock_type = std::chrono::steady_clock;
} // namespace

TEST(call_deadlines_test, a_call_is_settled_or_expired_once) {
  call_deadlines<std::string> q{100ms};
  auto t0 = clock_type::time_point{} + 1h;
  auto a = q.add("a", t0);
  auto b = q.add("b", t0 + 10ms);
  auto c = q.add("c", t0 + 20ms);
  EXPECT_EQ(q.size(), 3u);
  EXPECT_EQ(q.next_deadline(), t0 + 100ms);

  ASSERT_EQ(q.settle(b), std::optional<std::string>{"b"});
  EXPECT_FALSE(q.settle(b)) << "settled twice";

  auto expired = q.expire(t0 + 115ms); // a's deadline passed, c's not yet
  ASSERT_EQ(expired.size(), 1u);
  EXPECT_EQ(expired[0], "a");
  EXPECT_FALSE(q.settle(a)) << "an answer after the deadline finds nothing";
  EXPECT_EQ(q.next_deadline(), t0 + 120ms) << "b's answered deadline was trimmed";

  EXPECT_TRUE(q.expire(t0 + 119ms).empty());
  EXPECT_EQ(q.settle(c), std::optional<std::string>{"c"});
  EXPECT_EQ(q.size(), 0u);
  EXPECT_FALSE(q.next_deadline()) << "nothing in flight: nothing to arm for";
}

TEST(call_deadlines_test, answers_in_order_keep_the_queue_as_short_as_the_calls_in_flight) {
  call_deadlines<int> q{10s};
  auto t0 = clock_type::time_point{} + 1h;
  for (int i = 0; i < 10'000; ++i) {
    auto id = q.add(i, t0 + std::chrono::microseconds{i});
    ASSERT_EQ(q.settle(id), std::optional<int>{i});
  }
  EXPECT_EQ(q.size(), 0u);
  EXPECT_FALSE(q.next_deadline());
}

TEST(sweep_timer_test, arms_only_for_something_earlier_and_ignores_superseded_ticks) {
  sweep_timer t;
  auto t0 = clock_type::time_point{} + 1h;
  auto first = t.arm(t0 + 100ms);
  ASSERT_TRUE(first);
  EXPECT_FALSE(t.arm(t0 + 200ms)) << "one armed for earlier already";
  EXPECT_FALSE(t.arm(t0 + 100ms));
  auto second = t.arm(t0 + 50ms);
  ASSERT_TRUE(second);
  EXPECT_FALSE(t.fired(*first)) << "superseded by the earlier timer";
  EXPECT_TRUE(t.fired(*second));
  EXPECT_TRUE(t.arm(t0 + 300ms)) << "after a tick, anything due arms again";
}

TEST(sweep_timer_test, waits_at_least_a_millisecond_and_past_the_due_time) {
  auto now = clock_type::time_point{} + 1h;
  EXPECT_EQ(sweep_timer::wait_for(now - 5s, now), 1ms);
  EXPECT_GE(sweep_timer::wait_for(now + 1500us, now), 2ms) << "never wakes before it is due";
}
