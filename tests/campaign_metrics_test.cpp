// Campaign ids are label values: the series of finished campaigns are kept
// for the newest few only, every family of them removed together, and a
// campaign whose series a runner or replay still holds is not removed
// until it lets go.

#include <set>
#include <string>

#include <gtest/gtest.h>
#include <prometheus/registry.h>

#include "campaign/campaign_metrics.hpp"

using namespace troupe::campaign;

namespace {

/// The values of `label` in family `name`, as a scrape would see them.
std::set<std::string> label_values(prometheus::Registry& registry, const std::string& name,
                                   const std::string& label) {
  std::set<std::string> out;
  for (const auto& family : registry.Collect())
    if (family.name == name)
      for (const auto& metric : family.metric)
        for (const auto& pair : metric.label)
          if (pair.name == label)
            out.insert(pair.value);
  return out;
}

void run_to_end(campaign_metrics& m, const std::string& id) {
  auto held = m.series(id);
  held->outcomes[static_cast<std::size_t>(outcome::delivered)]->Increment();
  held->pipeline->inflight->Set(3);
  m.set_state(id, campaign_state::running);
  m.set_state(id, campaign_state::completed);
}

} // namespace

TEST(campaign_metrics_test, only_the_newest_finished_campaigns_keep_their_series) {
  prometheus::Registry registry;
  campaign_metrics m{registry, 2};
  for (auto id : {"a", "b", "c", "d"})
    run_to_end(m, id);
  m.set_state("e", campaign_state::running); // not finished: never removed
  EXPECT_EQ(label_values(registry, "troupe_campaign_state", "campaign"),
            (std::set<std::string>{"c", "d", "e"}));
  EXPECT_EQ(label_values(registry, "troupe_campaign_state", "state"),
            (std::set<std::string>{"created", "running", "paused", "completed", "cancelled",
                                   "failed"}));
  EXPECT_EQ(label_values(registry, "troupe_campaign_customers_total", "campaign"),
            (std::set<std::string>{"c", "d"}));
  EXPECT_EQ(label_values(registry, "troupe_pipeline_inflight", "campaign"),
            (std::set<std::string>{"c", "d"}));
  EXPECT_EQ(label_values(registry, "troupe_mailbox_depth_max", "campaign"),
            (std::set<std::string>{"c", "d"}));
  EXPECT_EQ(label_values(registry, "troupe_mailbox_depth_max", "actor"),
            (std::set<std::string>{"runner"}));
  // Finished again (a replay): counted once among the finished.
  run_to_end(m, "d");
  EXPECT_EQ(label_values(registry, "troupe_campaign_customers_total", "campaign"),
            (std::set<std::string>{"c", "d"}));
}

TEST(campaign_metrics_test, a_held_series_stays_until_it_is_let_go) {
  prometheus::Registry registry;
  campaign_metrics m{registry, 1};
  auto replaying = m.series("a");
  m.set_state("a", campaign_state::completed);
  run_to_end(m, "b");
  EXPECT_EQ(label_values(registry, "troupe_campaign_customers_total", "campaign"),
            (std::set<std::string>{"a", "b"}));
  replaying->outcomes[static_cast<std::size_t>(outcome::failed)]->Increment(); // still valid
  replaying.reset();
  run_to_end(m, "c");
  EXPECT_EQ(label_values(registry, "troupe_campaign_customers_total", "campaign"),
            (std::set<std::string>{"c"}));
  EXPECT_EQ(label_values(registry, "troupe_campaign_state", "campaign"),
            (std::set<std::string>{"c"}));
}

TEST(campaign_metrics_test, a_triggered_campaign_s_journeys_are_counted_and_go_with_it) {
  prometheus::Registry registry;
  campaign_metrics m{registry, 1};
  {
    auto batch = m.series("batch");
    EXPECT_FALSE(batch->journeys);
    batch->news(3, 1); // a batch campaign has no journeys: nothing is made of them
    auto t = m.series("trig", true);
    ASSERT_TRUE(t->journeys);
    t->news(3, 1);
    t->settled(outcome::delivered, true);
    t->settled(outcome::capped, false);
    t->pending(7);
    EXPECT_EQ(t->journeys->entered->Value(), 3.0);
    EXPECT_EQ(t->journeys->cancelled->Value(), 1.0);
    EXPECT_EQ(t->journeys->held->Value(), 1.0);
    EXPECT_EQ(t->journeys->pending->Value(), 7.0);
    EXPECT_EQ(t->outcomes[static_cast<std::size_t>(outcome::capped)]->Value(), 1.0);
  }
  EXPECT_EQ(label_values(registry, "troupe_campaign_journeys_total", "campaign"),
            (std::set<std::string>{"trig"}));
  EXPECT_EQ(label_values(registry, "troupe_campaign_journeys_total", "event"),
            (std::set<std::string>{"entered", "cancelled", "held"}));
  EXPECT_EQ(label_values(registry, "troupe_campaign_pending_sends", "campaign"),
            (std::set<std::string>{"trig"}));
  // Cancelled, then pushed out by a newer finished campaign: all its series go.
  m.set_state("trig", campaign_state::cancelled);
  m.set_state("batch", campaign_state::completed);
  EXPECT_TRUE(label_values(registry, "troupe_campaign_journeys_total", "campaign").empty());
  EXPECT_TRUE(label_values(registry, "troupe_campaign_pending_sends", "campaign").empty());
}
