// The campaign manager's linked runners: each is forgotten at its exit
// message, so the set holds the live runners only (it once kept every
// runner the node ever linked); an exit from anyone else is not a runner's.

#include <gtest/gtest.h>

#include "campaign/runner_links.hpp"

using troupe::campaign::runner_links;

TEST(runner_links_test, a_runner_is_forgotten_at_its_exit_and_strangers_are_not_runners) {
  runner_links<int> links;
  for (int campaign = 0; campaign < 1000; ++campaign) {
    links.linked(campaign);
    EXPECT_EQ(links.size(), 1u);
    EXPECT_TRUE(links.exited(campaign));
    EXPECT_EQ(links.size(), 0u);
  }
  links.linked(7);
  links.linked(8);
  EXPECT_FALSE(links.exited(9)); // not a runner: the manager stops
  EXPECT_FALSE(links.exited(-1));
  EXPECT_TRUE(links.exited(8));
  EXPECT_FALSE(links.exited(8)); // a second exit from it is no longer a runner's
  EXPECT_EQ(links.size(), 1u);
}
