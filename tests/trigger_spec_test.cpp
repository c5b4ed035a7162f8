// A triggered campaign's spec (campaign/trigger_spec, campaign/duration_text):
// what it reads, and each refusal naming its field.
#include <gtest/gtest.h>

#include "campaign/contact_overrides.hpp"
#include "campaign/duration_text.hpp"
#include "campaign/spec.hpp"

namespace troupe {
namespace {

std::string spec_with(const std::string& fields) {
  return R"({"id":"cart","brief":{"product":"Shoes"},"arms":[{"name":"a","weight":1}])"
         + (fields.empty() ? "" : "," + fields) + "}";
}

std::string refusal(const std::string& fields) {
  auto s = campaign::parse_campaign_spec(spec_with(fields));
  return s.ok() ? std::string{"accepted"} : s.err().message();
}

TEST(trigger_spec_test, durations_are_a_whole_number_and_a_unit) {
  using campaign::parse_duration_ms;
  EXPECT_EQ(parse_duration_ms("0s"), 0);
  EXPECT_EQ(parse_duration_ms("500ms"), 500);
  EXPECT_EQ(parse_duration_ms("30m"), 1'800'000);
  EXPECT_EQ(parse_duration_ms("2d"), 172'800'000);
  EXPECT_EQ(parse_duration_ms("366d"), campaign::max_duration_ms);
  for (const char* bad : {"", "5", "1.5h", "-1s", "367d", "1h30m", "s", "10 s", "9999999999999ms",
                          "99999999999999999999d"})
    EXPECT_FALSE(parse_duration_ms(bad)) << bad;
}

TEST(trigger_spec_test, a_triggered_campaign_reads_its_fields) {
  auto s = campaign::parse_campaign_spec(spec_with(
    R"("kind":"triggered","trigger":{"event":"cart_abandoned","where":"cart_value > 20"},)"
    R"("delay":"30m","cancel_on":"purchase","reentry":{"after":"7d"})"));
  ASSERT_TRUE(s.ok()) << s.err().message();
  EXPECT_EQ(s->kind(), "triggered");
  EXPECT_EQ(s->trigger().event(), "cart_abandoned");
  EXPECT_EQ(s->trigger().where(), "cart_value > 20");
  EXPECT_EQ(s->delay_ms(), 1'800'000);
  EXPECT_EQ(s->cancel_on(), "purchase");
  EXPECT_EQ(s->reentry(), v1::REENTRY_AFTER);
  EXPECT_EQ(s->reentry_after_ms(), 7 * 86'400'000LL);
  EXPECT_EQ(s->segment(), ""); // optional: everyone who enters
  auto once = campaign::parse_campaign_spec(
    spec_with(R"("kind":"triggered","trigger":{"event":"signup"},"segment":"region = 'CA'")"));
  ASSERT_TRUE(once.ok()) << once.err().message();
  EXPECT_EQ(once->reentry(), v1::REENTRY_ONCE);
  EXPECT_EQ(once->delay_ms(), 0);
  auto per_key = campaign::parse_campaign_spec(
    spec_with(R"("kind":"triggered","trigger":{"event":"signup"},"reentry":"per_dedup_key")"));
  ASSERT_TRUE(per_key.ok()) << per_key.err().message();
  EXPECT_EQ(per_key->reentry(), v1::REENTRY_PER_DEDUP_KEY);
  // A batch campaign is as before.
  auto batch = campaign::parse_campaign_spec(spec_with(R"("segment":"region = 'CA'")"));
  ASSERT_TRUE(batch.ok()) << batch.err().message();
  EXPECT_EQ(batch->kind(), "batch");
}

TEST(trigger_spec_test, refusals_name_the_field) {
  EXPECT_EQ(refusal(R"("segment":"region = 'CA'","delay":"1h")"),
            "campaign spec: field 'delay' is for a triggered campaign (set \"kind\": \"triggered\")");
  EXPECT_EQ(refusal(R"("kind":"stream","segment":"x = 1")"),
            "campaign spec: field 'kind' must be \"batch\" or \"triggered\", not \"stream\"");
  EXPECT_NE(refusal(R"("kind":"triggered")").find("needs field 'trigger'"), std::string::npos);
  EXPECT_EQ(refusal(R"("kind":"triggered","trigger":{"event":"a","when":1})"),
            "campaign spec: unknown field 'trigger.when'");
  EXPECT_NE(refusal(R"("kind":"triggered","trigger":{"event":"Cart!"})").find("trigger.event"),
            std::string::npos);
  EXPECT_NE(refusal(R"("kind":"triggered","trigger":{"event":"a","where":"x >"})")
              .find("trigger.where"),
            std::string::npos);
  EXPECT_NE(refusal(R"("kind":"triggered","trigger":{"event":"a"},"delay":"soon")")
              .find("field 'delay' must be a whole number and a unit"),
            std::string::npos);
  EXPECT_NE(refusal(R"("kind":"triggered","trigger":{"event":"a"},"cancel_on":"a")")
              .find("every entry would cancel itself"),
            std::string::npos);
  EXPECT_NE(refusal(R"("kind":"triggered","trigger":{"event":"a"},"reentry":"twice")")
              .find("field 'reentry' must be"),
            std::string::npos);
  EXPECT_NE(refusal(R"("kind":"triggered","trigger":{"event":"a"},"reentry":{"after":"1y"})")
              .find("reentry.after"),
            std::string::npos);
  // A batch campaign still needs its segment.
  EXPECT_EQ(refusal(""), "campaign spec: missing field 'segment'");
}

TEST(trigger_spec_test, a_campaign_may_override_the_nodes_cap_and_quiet_hours) {
  auto own = campaign::parse_campaign_spec(
    spec_with(R"("kind":"triggered","trigger":{"event":"signup"},"frequency_cap":2,)"
              R"("quiet_hours":"21:30-07:00")"));
  ASSERT_TRUE(own.ok()) << own.err().message();
  ASSERT_TRUE(own->has_frequency_cap());
  EXPECT_EQ(own->frequency_cap(), 2u);
  EXPECT_EQ(own->quiet_hours(), "21:30-07:00");

  campaign::contact_rules node;
  node.frequency_cap = 5;
  node.quiet = *contact_policy::quiet_hours::parse("22:00-08:00");
  auto rules = campaign::rules_for(node, *own);
  EXPECT_EQ(rules.frequency_cap, 2u);
  ASSERT_TRUE(rules.quiet);
  EXPECT_EQ(rules.quiet->text(), "21:30-07:00");

  // Left out: the node's; 0 and "": none for this campaign.
  auto plain = campaign::parse_campaign_spec(
    spec_with(R"("kind":"triggered","trigger":{"event":"signup"})"));
  ASSERT_TRUE(plain.ok());
  EXPECT_FALSE(plain->has_frequency_cap());
  EXPECT_FALSE(plain->has_quiet_hours());
  rules = campaign::rules_for(node, *plain);
  EXPECT_EQ(rules.frequency_cap, 5u);
  ASSERT_TRUE(rules.quiet);
  EXPECT_EQ(rules.quiet->text(), "22:00-08:00");
  auto off = campaign::parse_campaign_spec(
    spec_with(R"("kind":"triggered","trigger":{"event":"signup"},"frequency_cap":0,)"
              R"("quiet_hours":"")"));
  ASSERT_TRUE(off.ok()) << off.err().message();
  rules = campaign::rules_for(node, *off);
  EXPECT_EQ(rules.frequency_cap, 0u);
  EXPECT_FALSE(rules.quiet);

  // A batch campaign may have its own cap, not quiet hours.
  auto batch = campaign::parse_campaign_spec(spec_with(R"("segment":"x = 1","frequency_cap":1)"));
  ASSERT_TRUE(batch.ok()) << batch.err().message();
  EXPECT_EQ(campaign::rules_for(node, *batch).frequency_cap, 1u);
  EXPECT_NE(refusal(R"("segment":"x = 1","quiet_hours":"22:00-08:00")")
              .find("field 'quiet_hours' is for a triggered campaign"),
            std::string::npos);
}

TEST(trigger_spec_test, contact_overrides_out_of_range_are_refused_naming_the_value) {
  const std::string t = R"("kind":"triggered","trigger":{"event":"a"},)";
  EXPECT_EQ(refusal(t + R"("frequency_cap":1001)"),
            "campaign spec: field 'frequency_cap' must be a whole number from 0 to 1000, not 1001");
  EXPECT_EQ(refusal(t + R"("frequency_cap":-1)"),
            "campaign spec: field 'frequency_cap' must be a whole number from 0 to 1000, not -1");
  EXPECT_EQ(refusal(t + R"("frequency_cap":1.5)"),
            "campaign spec: field 'frequency_cap' must be a whole number from 0 to 1000, not 1.5");
  EXPECT_EQ(refusal(t + R"("frequency_cap":"2")"),
            "campaign spec: field 'frequency_cap' must be a whole number from 0 to 1000, not \"2\"");
  auto bad = refusal(t + R"("quiet_hours":"22:00-22:00")");
  EXPECT_NE(bad.find("field 'quiet_hours': "), std::string::npos) << bad;
  EXPECT_NE(bad.find("22:00-22:00"), std::string::npos) << bad;
  EXPECT_NE(refusal(t + R"("quiet_hours":7)").find("field 'quiet_hours' must be"),
            std::string::npos);
}

} // namespace
} // namespace troupe
