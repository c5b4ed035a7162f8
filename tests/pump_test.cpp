// actors/pump: the window bounds the work in flight when the sink is slow,
// and every item finishes exactly once.

#include <deque>

#include <caf/all.hpp>
#include <gtest/gtest.h>
#include <prometheus/registry.h>

#include "actors/pump.hpp"
#include "tests/actor_test_support.hpp"

using namespace troupe;
using namespace troupe::actors;
using namespace troupe::test;
using namespace std::chrono_literals;

namespace {

using release_atom = caf::atom_constant<caf::atom("release")>;
using held_atom = caf::atom_constant<caf::atom("held")>;

struct held_counts {
  uint64_t holding = 0;
  uint64_t peak = 0;
};

} // namespace

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(held_counts)

namespace {

/// A sink that answers nothing until told to release some of what it holds.
struct stuck_sink_state {
  std::deque<std::pair<caf::response_promise, ping>> held;
  uint64_t peak = 0;
};

/// (`tag` only keeps the spawn from being argument-less; see generation.cpp.)
caf::behavior stuck_sink(caf::stateful_actor<stuck_sink_state>* self, int /*tag*/) {
  return {
    [self](ping& p) {
      auto& st = self->state;
      st.held.emplace_back(self->make_response_promise(), p);
      st.peak = std::max<uint64_t>(st.peak, st.held.size());
    },
    [self](release_atom, uint64_t n) {
      auto& st = self->state;
      for (uint64_t i = 0; i < n && !st.held.empty(); ++i) {
        auto [rp, p] = std::move(st.held.front());
        st.held.pop_front();
        if (p.n % 10 == 0)
          rp.deliver(actors::make_caf_error(actors::actors_errc::injected_failure, "tenth"));
        else
          rp.deliver(pong{p.n, "sink"});
      }
    },
    [self](held_atom) { return held_counts{self->state.held.size(), self->state.peak}; },
  };
}

} // namespace

TEST(pump_test, a_slow_sink_keeps_inflight_at_the_window_and_never_above) {
  caf::actor_system_config cfg;
  cfg.set("scheduler.max-threads", size_t{2});
  caf::actor_system sys{cfg};
  prometheus::Registry registry;
  const int total = 1000;
  const std::size_t window = 16;
  auto next = std::make_shared<int>(0);
  auto pulled_max = std::make_shared<std::size_t>(0);
  auto finished = std::make_shared<std::vector<int>>(total, 0);
  auto failed = std::make_shared<int>(0);
  {
    caf::scoped_actor self{sys};
    auto sink = sys.spawn(stuck_sink, 0);
    pump_config<ping, pong> c;
    c.name = "test";
    c.window = window;
    c.pull = [next, pulled_max, total](std::size_t max) {
      *pulled_max = std::max(*pulled_max, max);
      std::vector<ping> out;
      for (; *next < total && out.size() < std::min<std::size_t>(max, 5); ++*next)
        out.push_back(ping{*next});
      return out;
    };
    c.sink = caf::actor_cast<ping_provider>(sink);
    c.on_finished = [finished, failed](const ping& p, const caf::expected<pong>& r) {
      ++(*finished)[static_cast<std::size_t>(p.n)];
      if (!r)
        ++*failed;
    };
    c.metrics = std::make_shared<pump_metrics>(registry, "test");
    auto pump = spawn_pump(sys, c);
    self->monitor(pump);

    auto holding = [&] { return call<held_counts>(self, sink, held_atom::value)->holding; };
    // The sink answers nothing: the pump fills the window and stops.
    for (int i = 0; i < 1000 && holding() < window; ++i)
      ;
    EXPECT_EQ(holding(), window);
    auto p = call<pump_progress>(self, pump, progress_atom::value);
    ASSERT_TRUE(p);
    EXPECT_EQ(p->inflight, window);
    EXPECT_EQ(p->sent, window);
    // Release a few at a time until the pump is through (it quits then).
    for (int round = 0; round < 10 * total; ++round) {
      self->send(sink, release_atom::value, uint64_t{7});
      auto prog = call<pump_progress>(self, pump, progress_atom::value);
      if (!prog)
        break;
      EXPECT_LE(prog->inflight, window);
    }
    bool done = false;
    self->receive([&](caf::down_msg& dm) { done = dm.source == pump.address() && !dm.reason; },
                  caf::after(10s) >> [] {});
    EXPECT_TRUE(done);
    EXPECT_EQ(call<held_counts>(self, sink, held_atom::value)->peak, window);
    self->send_exit(sink, caf::exit_reason::user_shutdown);
  }
  EXPECT_LE(*pulled_max, window);
  for (int i = 0; i < total; ++i)
    ASSERT_EQ((*finished)[static_cast<std::size_t>(i)], 1) << "item " << i;
  EXPECT_EQ(*failed, total / 10);
  bool found = false;
  for (auto& f : registry.Collect())
    if (f.name == "troupe_pipeline_inflight") {
      found = true;
      EXPECT_EQ(f.metric[0].gauge.value, 0);
    }
  EXPECT_TRUE(found);
}

TEST(pump_test, an_empty_source_finishes_at_once) {
  caf::actor_system_config cfg;
  cfg.set("scheduler.max-threads", size_t{2});
  caf::actor_system sys{cfg};
  {
    caf::scoped_actor self{sys};
    auto sink = sys.spawn(stuck_sink, 0);
    pump_config<ping, pong> c;
    c.name = "empty";
    c.window = 4;
    c.pull = [](std::size_t) { return std::vector<ping>{}; };
    c.sink = caf::actor_cast<ping_provider>(sink);
    auto pump = spawn_pump(sys, c);
    self->monitor(pump);
    bool done = false;
    self->receive([&](caf::down_msg& dm) { done = dm.source == pump.address(); },
                  caf::after(5s) >> [] {});
    EXPECT_TRUE(done);
    self->send_exit(sink, caf::exit_reason::user_shutdown);
  }
}
