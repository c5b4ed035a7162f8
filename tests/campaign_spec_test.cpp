// actors/campaign_spec: validation of campaign JSON.

#include <gtest/gtest.h>

#include "campaign/spec.hpp"

using namespace troupe;
using namespace troupe::campaign;

namespace {

const char* reference = R"json({
  "id": "spring-outdoor",
  "name": "Spring outdoor launch",
  "brief": {"product": "TrailLite Jacket", "features": ["waterproof", "breathable"],
            "tone": "friendly", "keywords": ["outdoor", "trail"]},
  "segment": "marketing_opt_in AND total_order_value >= 20 AND region IN ('CA','NY')",
  "arms": [{"name": "control", "weight": 50}, {"name": "personalized", "weight": 50}],
  "citations": 3,
  "channel": "store"
})json";

std::string with(const std::string& from, const std::string& to) {
  std::string text = reference;
  auto at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  return text.replace(at, from.size(), to);
}

} // namespace

TEST(campaign_spec_test, the_reference_campaign_is_valid_with_defaults) {
  auto spec = parse_campaign_spec(reference);
  ASSERT_TRUE(spec.ok()) << spec.err().message();
  EXPECT_EQ(spec->id(), "spring-outdoor");
  EXPECT_EQ(spec->brief().product(), "TrailLite Jacket");
  EXPECT_EQ(spec->brief().features_size(), 2);
  EXPECT_EQ(spec->arms_size(), 2);
  EXPECT_EQ(spec->citations(), 3u);
  EXPECT_EQ(spec->channel(), "store");
  EXPECT_EQ(spec->window(), default_window);
  EXPECT_EQ(spec->rate_limit(), 0);
}

TEST(campaign_spec_test, refusals_name_the_field_and_value) {
  struct bad {
    std::string text;
    std::string message;
  };
  const bad cases[] = {
    {"{",
     "campaign spec: not valid JSON"},
    {with("\"citations\": 3", "\"citations\": 3, \"citations\": 5"),
     "campaign spec: key 'citations' appears twice in one object"},
    {with("\"citations\": 3", "\"citations\": 3, \"colour\": 1"),
     "campaign spec: unknown field 'colour'"},
    {with("\"tone\": \"friendly\"", "\"tone\": \"friendly\", \"mood\": 1"),
     "campaign spec: unknown field 'brief.mood'"},
    {with("\"id\": \"spring-outdoor\",", ""),
     "campaign spec: missing field 'id'"},
    {with("\"spring-outdoor\"", "\"spring outdoor\""),
     "campaign spec: invalid id 'spring outdoor'"},
    {with("\"weight\": 50}]", "\"weight\": 0}]"),
     "campaign spec: arm 'personalized': weight must be a number from 1e-06 to 1000000.0, not 0"},
    {with("\"weight\": 50}]", "\"weight\": -5}]"),
     "campaign spec: arm 'personalized': weight must be a number from 1e-06 to 1000000.0, not -5"},
    // The finding: 1e308 put everyone in one arm, 5e-324 split 367/133.
    {with("\"weight\": 50}]", "\"weight\": 1e308}]"),
     "campaign spec: arm 'personalized': weight must be a number from 1e-06 to 1000000.0, not 1e+308"},
    {with("\"weight\": 50}]", "\"weight\": 5e-324}]"),
     "campaign spec: arm 'personalized': weight must be a number from 1e-06 to 1000000.0, not 5e-324"},
    {with("\"personalized\"", "\"\""),
     "campaign spec: an arm's name is 1 to 64 bytes, not 0"},
    {with("\"personalized\"", "\"control\""),
     "campaign spec: duplicate arm 'control'"},
    {with("[{\"name\": \"control\", \"weight\": 50}, {\"name\": \"personalized\", \"weight\": 50}]",
          "[]"),
     "campaign spec: field 'arms' must be a non-empty list"},
    {with("region IN ('CA','NY')", "region IN ('CA',"),
     "campaign spec: segment: at position 66: expected a value"},
    {with("total_order_value >= 20", "total_order_value >= 'x'"),
     "campaign spec: segment: at position 43: cannot compare a number with a string"},
    {with("\"store\"", "\"pigeon\""),
     "campaign spec: channel 'pigeon' is not supported"},
    {with("\"store\"", "\"webhook\""),
     "campaign spec: channel \"webhook\" needs field 'webhook_url'"},
    {with("\"store\"", "\"webhook\", \"webhook_url\": \"ftp://x\""),
     "campaign spec: field 'webhook_url' must be an http:// or https:// URL, not 'ftp://x'"},
    {with("\"store\"", "\"store\", \"webhook_url\": \"http://x\""),
     "campaign spec: field 'webhook_url' is set but channel is 'store'"},
    {with("\"citations\": 3", "\"citations\": 3, \"window\": 0"),
     "campaign spec: field 'window' must be between 1 and 100000, not 0"},
    {with("\"citations\": 3", "\"citations\": 2.5"),
     "campaign spec: field 'citations' must be a whole number, not 2.5"},
    {with("\"product\": \"TrailLite Jacket\", ", ""),
     "campaign spec: missing field 'brief.product'"},
  };
  auto hook = parse_campaign_spec(
    with("\"store\"", "\"webhook\", \"webhook_url\": \"http://127.0.0.1:9/in\""));
  ASSERT_TRUE(hook.ok()) << hook.err().message();
  EXPECT_EQ(hook->channel(), "webhook");
  EXPECT_EQ(hook->webhook_url(), "http://127.0.0.1:9/in");
  for (const auto& c : cases) {
    auto spec = parse_campaign_spec(c.text);
    ASSERT_FALSE(spec.ok()) << c.message;
    EXPECT_EQ(spec.err().message().rfind(c.message, 0), 0u)
      << "got:      " << spec.err().message() << "\nexpected: " << c.message;
  }
}
