// actors/token_bucket and actors/limiter, with a manual clock.

#include <caf/all.hpp>
#include <gtest/gtest.h>
#include <prometheus/registry.h>

#include "actors/actor_error.hpp"
#include "actors/limiter.hpp"
#include "tests/actor_fixture.hpp"
#include "tests/actor_test_support.hpp"

using namespace troupe;
using namespace troupe::actors;
using namespace std::chrono_literals;

TEST(token_bucket_test, burst_then_rate) {
  manual_clock t;
  token_bucket b{{10.0, 3.0}, t.now()};
  for (int i = 0; i < 3; ++i)
    EXPECT_EQ(b.reserve(t.now(), 0ms), clock::duration::zero());
  EXPECT_FALSE(b.reserve(t.now(), 0ms)); // empty, no waiting allowed
  t.advance(100ms);                      // one token at 10/s
  EXPECT_EQ(b.reserve(t.now(), 0ms), clock::duration::zero());
  EXPECT_FALSE(b.reserve(t.now(), 0ms));
  t.advance(10s); // refills to the burst, not beyond
  EXPECT_DOUBLE_EQ(b.available(t.now()), 3.0);
}

TEST(token_bucket_test, bookings_wait_in_order_and_respect_max_wait) {
  manual_clock t;
  token_bucket b{{10.0, 1.0}, t.now()};
  EXPECT_EQ(b.reserve(t.now(), 1s), clock::duration::zero());
  auto first = b.reserve(t.now(), 1s);
  auto second = b.reserve(t.now(), 1s);
  ASSERT_TRUE(first && second);
  EXPECT_EQ(*first, std::chrono::nanoseconds(100ms));
  EXPECT_EQ(*second, std::chrono::nanoseconds(200ms));
  // A booking past the max wait is refused and takes nothing.
  EXPECT_FALSE(b.reserve(t.now(), 250ms));
  EXPECT_NEAR(b.available(t.now()), -2.0, 1e-9);
  t.advance(300ms);
  EXPECT_NEAR(b.available(t.now()), 1.0, 1e-9);
}

class limiter_actor_test : public test::actor_fixture {};

TEST_F(limiter_actor_test, grants_refuses_past_max_wait_and_keeps_keys_apart) {
  limiter_options opts;
  opts.default_policy = {10.0, 2.0};
  opts.per_key["fast"] = {1000.0, 5.0};
  opts.max_wait = 50ms;
  auto metrics = std::make_shared<limiter_metrics>(registry);
  auto limiter = spawn_limiter(*sys, "limiter", opts, time, metrics);
  {
    caf::scoped_actor self{*sys};
    for (int i = 0; i < 2; ++i) {
      auto g = test::call<limiter_grant>(self, limiter, acquire_atom::value, std::string{"generate"});
      ASSERT_TRUE(g);
      EXPECT_EQ(g->waited_ns, 0);
    }
    // The clock does not move: the next token is 100 ms away, over the 50 ms max.
    auto refused = test::call<limiter_grant>(self, limiter, acquire_atom::value,
                                             std::string{"generate"});
    ASSERT_FALSE(refused);
    EXPECT_TRUE(is(refused.error(), actors_errc::wait_too_long));
    EXPECT_EQ(describe(refused.error()),
              "rate limit 'generate' of limiter limiter: no token within the maximum "
              "wait of 50 ms");
    // Another key has its own bucket.
    for (int i = 0; i < 5; ++i)
      EXPECT_TRUE(test::call<limiter_grant>(self, limiter, acquire_atom::value,
                                            std::string{"fast"}));
    // Time moves: a token is there again.
    time->advance(100ms);
    auto g = test::call<limiter_grant>(self, limiter, acquire_atom::value,
                                       std::string{"generate"});
    EXPECT_TRUE(g);
    self->send_exit(limiter, caf::exit_reason::user_shutdown);
  }
  auto families = registry.Collect();
  ASSERT_EQ(families.size(), 1u);
  EXPECT_EQ(families[0].name, "troupe_limiter_wait_seconds");
  EXPECT_EQ(families[0].metric[0].histogram.sample_count, 8u); // granted calls only
}

TEST_F(limiter_actor_test, a_booked_token_is_granted_after_its_wait) {
  limiter_options opts;
  opts.default_policy = {50.0, 1.0}; // a token every 20 ms
  opts.max_wait = 1s;
  auto limiter = spawn_limiter(*sys, "limiter", opts, time, nullptr);
  {
    caf::scoped_actor self{*sys};
    EXPECT_TRUE(test::call<limiter_grant>(self, limiter, acquire_atom::value, std::string{"k"}));
    auto g = test::call<limiter_grant>(self, limiter, acquire_atom::value, std::string{"k"});
    ASSERT_TRUE(g);
    EXPECT_EQ(g->waited_ns, std::chrono::nanoseconds(20ms).count());
    self->send_exit(limiter, caf::exit_reason::user_shutdown);
  }
}
