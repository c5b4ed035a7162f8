// actors/breaker: the state machine with a manual clock, then the actor in
// front of a provider the test switches between healthy and failing.

#include <thread>

#include <caf/all.hpp>
#include <gtest/gtest.h>
#include <prometheus/registry.h>

#include "actors/breaker.hpp"
#include "actors/fault_provider.hpp"
#include "tests/actor_fixture.hpp"
#include "tests/actor_test_support.hpp"

using namespace troupe;
using namespace troupe::actors;
using namespace troupe::test;
using namespace std::chrono_literals;

namespace {

breaker_policy test_policy() {
  breaker_policy p;
  p.error_rate = 0.5;
  p.min_calls = 4;
  p.consecutive_failures = 0;
  p.window = 10s;
  p.cool_down = 5s;
  p.half_open_trials = 2;
  p.call_timeout = 5s;
  return p;
}

} // namespace

TEST(breaker_logic_test, trips_on_the_error_rate_only_past_min_calls) {
  manual_clock t;
  breaker_logic b{test_policy(), t.now()};
  using adm = breaker_logic::admission;
  // 3 failures: 100% but under min_calls -> still closed.
  for (int i = 0; i < 3; ++i) {
    ASSERT_EQ(b.admit(t.now()), adm::pass);
    b.record_failure(t.now(), adm::pass);
  }
  EXPECT_EQ(b.state(t.now()), breaker_state::closed);
  b.record_failure(t.now(), b.admit(t.now()));
  EXPECT_EQ(b.state(t.now()), breaker_state::open);
  EXPECT_EQ(b.admit(t.now()), adm::refuse);
}

TEST(breaker_logic_test, stays_closed_below_the_rate) {
  manual_clock t;
  breaker_logic b{test_policy(), t.now()};
  using adm = breaker_logic::admission;
  for (int i = 0; i < 30; ++i) {
    // 1 failure in 4 calls: 25% < 50%.
    if (i % 4 == 0)
      b.record_failure(t.now(), b.admit(t.now()));
    else
      b.record_success(t.now(), b.admit(t.now()));
  }
  EXPECT_EQ(b.state(t.now()), breaker_state::closed);
  EXPECT_NEAR(b.error_rate(t.now()), 8.0 / 30.0, 1e-9);
  (void)adm::pass;
}

TEST(breaker_logic_test, old_calls_leave_the_window) {
  manual_clock t;
  breaker_logic b{test_policy(), t.now()};
  for (int i = 0; i < 3; ++i)
    b.record_failure(t.now(), b.admit(t.now()));
  t.advance(11s); // the three failures are out of the 10 s window
  EXPECT_EQ(b.calls_in_window(t.now()), 0u);
  b.record_failure(t.now(), b.admit(t.now()));
  EXPECT_EQ(b.state(t.now()), breaker_state::closed);
}

TEST(breaker_logic_test, trips_on_consecutive_failures) {
  manual_clock t;
  auto p = test_policy();
  p.consecutive_failures = 3;
  p.min_calls = 1000;
  breaker_logic b{p, t.now()};
  for (int i = 0; i < 10; ++i)
    b.record_success(t.now(), b.admit(t.now()));
  b.record_failure(t.now(), b.admit(t.now()));
  b.record_failure(t.now(), b.admit(t.now()));
  b.record_success(t.now(), b.admit(t.now())); // streak broken
  b.record_failure(t.now(), b.admit(t.now()));
  b.record_failure(t.now(), b.admit(t.now()));
  EXPECT_EQ(b.state(t.now()), breaker_state::closed);
  b.record_failure(t.now(), b.admit(t.now()));
  EXPECT_EQ(b.state(t.now()), breaker_state::open);
}

TEST(breaker_logic_test, half_open_allows_limited_trials_then_closes_or_reopens) {
  manual_clock t;
  std::vector<std::string> seen;
  breaker_logic b{test_policy(), t.now(), [&](breaker_state from, breaker_state to) {
                    seen.push_back(std::string{to_string(from)} + ">" + to_string(to));
                  }};
  using adm = breaker_logic::admission;
  for (int i = 0; i < 4; ++i)
    b.record_failure(t.now(), b.admit(t.now()));
  t.advance(4s);
  EXPECT_EQ(b.admit(t.now()), adm::refuse); // cool-down not over
  t.advance(1s);
  auto first = b.admit(t.now());
  auto second = b.admit(t.now());
  EXPECT_EQ(first, adm::trial);
  EXPECT_EQ(second, adm::trial);
  EXPECT_EQ(b.admit(t.now()), adm::refuse); // only two trials
  b.record_success(t.now(), first);
  b.record_failure(t.now(), second); // a failed trial reopens
  EXPECT_EQ(b.state(t.now()), breaker_state::open);
  t.advance(5s);
  auto a = b.admit(t.now());
  auto c = b.admit(t.now());
  b.record_success(t.now(), a);
  EXPECT_EQ(b.state(t.now()), breaker_state::half_open);
  b.record_success(t.now(), c);
  EXPECT_EQ(b.state(t.now()), breaker_state::closed);
  EXPECT_EQ(seen, (std::vector<std::string>{"closed>open", "open>half-open",
                                            "half-open>open", "open>half-open",
                                            "half-open>closed"}));
}

class breaker_actor_test : public actor_fixture {
protected:
  std::vector<caf::actor> helpers; ///< stopped at the end of each test

  void TearDown() override {
    for (auto& a : helpers)
      caf::anon_send_exit(a, caf::exit_reason::user_shutdown);
    actor_fixture::TearDown();
  }

  breaker_config<ping, pong> config(const caf::actor& provider, bool with_fallback) {
    breaker_config<ping, pong> c;
    c.name = "breaker:test";
    c.policy = test_policy();
    c.provider = caf::actor_cast<ping_provider>(provider);
    if (with_fallback) {
      helpers.push_back(sys->spawn(switchable, "fallback"));
      c.fallback = caf::actor_cast<ping_provider>(helpers.back());
    }
    c.time = time;
    c.metrics = std::make_shared<breaker_metrics>(registry, c.name);
    return c;
  }

  double metric(const std::string& name, const std::string& to = "") {
    for (auto& family : registry.Collect())
      if (family.name == name)
        for (auto& m : family.metric) {
          bool match = to.empty();
          for (auto& l : m.label)
            match = match || (l.name == "to" && l.value == to);
          if (match)
            return name == "troupe_breaker_state" ? m.gauge.value : m.counter.value;
        }
    return -1;
  }
};

TEST_F(breaker_actor_test, trips_serves_the_fallback_and_recovers_through_trials) {
  auto provider = sys->spawn(switchable, "provider");
  auto breaker = spawn_breaker(*sys, config(provider, true));
  caf::scoped_actor self{*sys};
  // Healthy: answers come from the provider.
  auto r = call<pong>(self, breaker, ping{1});
  ASSERT_TRUE(r) << describe(r.error());
  EXPECT_EQ(r->by, "provider");
  // 1 success + 3 failures = 75% over 4 calls: trips on the 4th.
  self->send(provider, fail_atom::value, true);
  for (int i = 0; i < 3; ++i) {
    auto f = call<pong>(self, breaker, ping{i});
    ASSERT_FALSE(f);
    EXPECT_TRUE(is(f.error(), actors_errc::provider_failed)) << describe(f.error());
    EXPECT_NE(describe(f.error()).find("told to fail"), std::string::npos);
  }
  auto s = call<breaker_status>(self, breaker, status_atom::value);
  ASSERT_TRUE(s);
  EXPECT_EQ(s->state, "open");
  EXPECT_NEAR(s->error_rate, 0.75, 1e-9);
  EXPECT_EQ(metric("troupe_breaker_state"), 2);
  EXPECT_EQ(metric("troupe_breaker_transitions_total", "open"), 1);
  // Open: the fallback serves, the provider is not called.
  auto fb = call<pong>(self, breaker, ping{9});
  ASSERT_TRUE(fb);
  EXPECT_EQ(fb->by, "fallback");
  // Cool-down over, provider still failing: the trial fails, it reopens.
  time->advance(5s);
  auto trial = call<pong>(self, breaker, ping{10});
  EXPECT_FALSE(trial);
  s = call<breaker_status>(self, breaker, status_atom::value);
  EXPECT_EQ(s->state, "open");
  // Provider healthy again: two successful trials close it.
  self->send(provider, fail_atom::value, false);
  time->advance(5s);
  for (int i = 0; i < 2; ++i) {
    auto ok = call<pong>(self, breaker, ping{20 + i});
    ASSERT_TRUE(ok);
    EXPECT_EQ(ok->by, "provider");
  }
  s = call<breaker_status>(self, breaker, status_atom::value);
  EXPECT_EQ(s->state, "closed");
  EXPECT_EQ(s->transitions, 5u); // open, half-open, open, half-open, closed
  EXPECT_EQ(metric("troupe_breaker_state"), 0);
  EXPECT_EQ(metric("troupe_breaker_transitions_total", "closed"), 1);
  self->send_exit(breaker, caf::exit_reason::user_shutdown);
}

TEST_F(breaker_actor_test, an_idle_open_breaker_turns_half_open_by_its_own_clock) {
  auto provider = sys->spawn(switchable, "provider");
  auto c = config(provider, false);
  c.time = real_clock();
  c.policy.cool_down = 200ms;
  auto breaker = spawn_breaker(*sys, std::move(c));
  caf::scoped_actor self{*sys};
  self->send(provider, fail_atom::value, true);
  for (int i = 0; i < 4; ++i)
    EXPECT_FALSE(call<pong>(self, breaker, ping{i}));
  EXPECT_EQ(metric("troupe_breaker_state"), 2);
  // No call after it tripped: the metric still leaves "open" once the
  // cool-down is over (a scrape of an idle node must not show it open).
  bool half_open = false;
  for (int i = 0; i < 500 && !half_open; ++i) {
    std::this_thread::sleep_for(10ms);
    half_open = metric("troupe_breaker_state") == 1;
  }
  EXPECT_TRUE(half_open) << metric("troupe_breaker_state");
  EXPECT_EQ(metric("troupe_breaker_transitions_total", "half-open"), 1);
  self->send_exit(breaker, caf::exit_reason::user_shutdown);
}

TEST_F(breaker_actor_test, without_a_fallback_an_open_breaker_fails_fast_with_the_reason) {
  auto provider = sys->spawn(switchable, "provider");
  auto breaker = spawn_breaker(*sys, config(provider, false));
  caf::scoped_actor self{*sys};
  self->send(provider, fail_atom::value, true);
  for (int i = 0; i < 4; ++i)
    EXPECT_FALSE(call<pong>(self, breaker, ping{i}));
  auto f = call<pong>(self, breaker, ping{5});
  ASSERT_FALSE(f);
  EXPECT_TRUE(is(f.error(), actors_errc::breaker_open));
  EXPECT_NE(describe(f.error()).find("breaker:test is open"), std::string::npos)
    << describe(f.error());
  self->send_exit(breaker, caf::exit_reason::user_shutdown);
}

TEST_F(breaker_actor_test, a_call_that_times_out_is_a_failure) {
  fault_policy hang;
  hang.hang = true;
  auto provider = spawn_fault_provider<ping, pong>(
    *sys, hang, [](const ping& p) { return pong{p.n, "never"}; });
  auto c = config(caf::actor_cast<caf::actor>(provider), false);
  c.policy.call_timeout = 50ms;
  c.policy.consecutive_failures = 2;
  auto breaker = spawn_breaker(*sys, c);
  caf::scoped_actor self{*sys};
  auto f = call<pong>(self, breaker, ping{1});
  ASSERT_FALSE(f);
  EXPECT_TRUE(is(f.error(), actors_errc::timeout)) << describe(f.error());
  EXPECT_FALSE(call<pong>(self, breaker, ping{2}));
  auto s = call<breaker_status>(self, breaker, status_atom::value);
  EXPECT_EQ(s->state, "open");
  self->send_exit(breaker, caf::exit_reason::user_shutdown);
}

TEST_F(breaker_actor_test, the_breaker_dies_with_its_provider) {
  auto provider = sys->spawn(switchable, "provider");
  auto breaker = spawn_breaker(*sys, config(provider, false));
  caf::scoped_actor self{*sys};
  self->monitor(breaker);
  self->send_exit(provider, caf::exit_reason::kill);
  bool down = false;
  self->receive([&](caf::down_msg& dm) { down = dm.source == breaker.address(); },
                caf::after(5s) >> [] {});
  EXPECT_TRUE(down);
}

TEST(fault_provider_test, fails_the_configured_share_and_adds_latency) {
  caf::actor_system_config cfg;
  cfg.set("scheduler.max-threads", size_t{2});
  caf::actor_system sys{cfg};
  {
    fault_policy always;
    always.failure_rate = 1.0;
    auto failing = spawn_fault_provider<ping, pong>(
      sys, always, [](const ping& p) { return pong{p.n, "work"}; });
    fault_policy some;
    some.failure_rate = 0.3;
    some.seed = 7;
    auto flaky = spawn_fault_provider<ping, pong>(
      sys, some, [](const ping& p) { return pong{p.n, "work"}; });
    fault_policy slow;
    slow.latency = 20ms;
    auto late = spawn_fault_provider<ping, pong>(
      sys, slow, [](const ping& p) { return pong{p.n * 2, "work"}; });
    caf::scoped_actor self{sys};
    auto f = call<pong>(self, failing, ping{1});
    ASSERT_FALSE(f);
    EXPECT_TRUE(is(f.error(), actors_errc::injected_failure));
    int failures = 0;
    for (int i = 0; i < 1000; ++i)
      failures += call<pong>(self, flaky, ping{i}) ? 0 : 1;
    EXPECT_GT(failures, 230);
    EXPECT_LT(failures, 370);
    auto start = std::chrono::steady_clock::now();
    auto l = call<pong>(self, late, ping{21});
    ASSERT_TRUE(l);
    EXPECT_EQ(l->n, 42);
    EXPECT_GE(std::chrono::steady_clock::now() - start, 20ms);
    for (auto& a : {failing, flaky, late})
      self->send_exit(a, caf::exit_reason::user_shutdown);
  }
}
