// shell/completion: what Tab offers, from the command table, and campaign
// ids only where a campaign id goes (the node is asked only then).
#include <algorithm>

#include <gtest/gtest.h>

#include "shell/completion.hpp"

using namespace troupe::shell;

namespace {

using list = std::vector<std::string>;

struct ids_source {
  int asked = 0;
  std::function<list()> source() {
    return [this] {
      ++asked;
      return list{"spring", "summer", "autumn"};
    };
  }
};

TEST(shell_completion_test, commands_then_subcommands_then_options) {
  ids_source ids;
  EXPECT_EQ(completions("", "ca", ids.source()), (list{"campaign"}));
  auto all = completions("", "", ids.source());
  EXPECT_NE(std::find(all.begin(), all.end(), "health"), all.end());
  EXPECT_NE(std::find(all.begin(), all.end(), "quit"), all.end());
  EXPECT_EQ(completions("campaign ", "st", ids.source()), (list{"start", "status"}));
  EXPECT_EQ(completions("campaign status spring ", "--", ids.source()),
            (list{"--by-node", "--json", "--watch"}));
  EXPECT_EQ(completions("campaign report spring ", "--b", ids.source()), (list{"--bayesian", "--by"}));
  EXPECT_EQ(completions("help ", "dead", ids.source()), (list{"deadletters"}));
  EXPECT_EQ(completions("help campaign ", "re", ids.source()),
            (list{"report", "resume"}));
  EXPECT_TRUE(completions("frobnicate ", "", ids.source()).empty());
  EXPECT_EQ(ids.asked, 0) << "no campaign id was being completed";
}

TEST(shell_completion_test, campaign_ids_where_a_campaign_goes) {
  ids_source ids;
  EXPECT_EQ(completions("campaign status ", "s", ids.source()), (list{"spring", "summer"}));
  EXPECT_EQ(completions("campaign status --watch ", "a", ids.source()), (list{"autumn"}));
  EXPECT_EQ(completions("deadletters replay ", "", ids.source()),
            (list{"autumn", "spring", "summer"}));
  EXPECT_EQ(ids.asked, 3);
  // Not a campaign: a customer id, a file, a second operand.
  EXPECT_TRUE(completions("customer get ", "s", ids.source()).empty());
  EXPECT_TRUE(completions("campaign create ", "s", ids.source()).empty());
  EXPECT_TRUE(completions("campaign export spring ", "s", ids.source()).empty());
  EXPECT_EQ(ids.asked, 3);
}

} // namespace
