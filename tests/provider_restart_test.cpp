// A campaign's pipeline looks its generator up at each call: a generator
// that is not there yet when the campaign resumes (a node restarting), or
// one that dies and is replaced mid-campaign (a restarted breaker), costs
// waiting, never a dead letter; a generator that never comes fails the
// items after the stage's provider_wait, naming why.

#include <thread>

#include <caf/all.hpp>
#include <gtest/gtest.h>

#include "providers/generation.hpp"
#include "tests/process.hpp"
#include "tests/campaign_fixture.hpp"

using namespace troupe;
using namespace troupe::test;
using namespace std::chrono_literals;

namespace {

std::string spec_json(const std::string& id, double rate_limit) {
  return R"({"id":")" + id + R"(","brief":{"product":"TrailLite","features":["light"]},)"
         + R"("segment":")" + std::string{default_predicate} + R"(",)"
         + R"("arms":[{"name":"control","weight":1}],"window":64,"rate_limit":)"
         + std::to_string(rate_limit) + "}";
}

class provider_restart_test : public campaign_fixture {
protected:
  void SetUp() override {
    campaign_fixture::SetUp();
    generator_slot = std::make_shared<actors::handle_slot<providers::generation_provider>>();
  }

  providers::generation_provider new_generator() {
    auto g = providers::spawn_template_generator(*sys);
    helpers.push_back(caf::actor_cast<caf::actor>(g));
    return g;
  }

  campaign::campaign_status status(caf::scoped_actor& self,
                                   const campaign::campaign_manager_actor& m,
                                   const std::string& id) {
    auto s = call<campaign::campaign_status>(self, m, actors::status_atom::value, id);
    EXPECT_TRUE(s) << actors::describe(s.error());
    return s ? *s : campaign::campaign_status{};
  }

  /// The campaign completes with every selected customer delivered.
  void expect_everyone_delivered(caf::scoped_actor& self,
                                 const campaign::campaign_manager_actor& m,
                                 const std::string& id) {
    auto s = wait_until_finished(self, m, id);
    ASSERT_EQ(s.state, campaign::campaign_state::completed) << s.reason;
    EXPECT_EQ(s.failed, 0u);
    EXPECT_EQ(s.delivered, selected.size());
    EXPECT_EQ(deliveries(id).size(), selected.size());
  }
};

} // namespace

TEST_F(provider_restart_test, a_generator_that_comes_late_is_waited_for) {
  populate(2'000);
  auto m = manager(); // the slot is empty: the node's stages have not started
  caf::scoped_actor self{*sys};
  ASSERT_TRUE(create_and_start(self, m, spec_json("late", 0), "late"));
  std::this_thread::sleep_for(400ms);
  auto waiting = status(self, m, "late");
  EXPECT_FALSE(campaign::is_final(waiting.state));
  EXPECT_EQ(waiting.failed, 0u);
  EXPECT_EQ(waiting.delivered, 0u);
  generator_slot->set(new_generator());
  expect_everyone_delivered(self, m, "late");
  stop_helpers();
}

TEST_F(provider_restart_test, a_generator_killed_and_replaced_mid_campaign_loses_nobody) {
  populate(6'000);
  generator_slot->set(new_generator());
  auto m = manager();
  caf::scoped_actor self{*sys};
  // Rate-limited so that it is still running when its generator dies.
  ASSERT_TRUE(create_and_start(self, m, spec_json("restart", 1'000), "restart"));
  for (int round = 0; round < 3; ++round) {
    ASSERT_TRUE(eventually(
      [&] { return status(self, m, "restart").delivered > (round + 1) * 100u; }, 20s));
    auto before = status(self, m, "restart");
    ASSERT_FALSE(campaign::is_final(before.state)) << "finished before the generator died";
    // Killed: the slot still holds the dead handle for a while, as when
    // the supervisor has not restarted the breaker yet.
    caf::anon_send_exit(generator_slot->get(), caf::exit_reason::kill);
    std::this_thread::sleep_for(150ms);
    generator_slot->set(new_generator());
  }
  expect_everyone_delivered(self, m, "restart");
  stop_helpers();
}

TEST_F(provider_restart_test, a_generator_that_never_comes_fails_items_after_the_wait) {
  populate(300);
  runner_opts.retry.generate.provider_wait = 300ms;
  auto m = manager();
  caf::scoped_actor self{*sys};
  ASSERT_TRUE(create_and_start(self, m, spec_json("never", 0), "never"));
  auto s = wait_until_finished(self, m, "never");
  ASSERT_EQ(s.state, campaign::campaign_state::completed) << s.reason;
  EXPECT_EQ(s.delivered, 0u);
  EXPECT_EQ(s.failed, selected.size());
  stop_helpers();
}
