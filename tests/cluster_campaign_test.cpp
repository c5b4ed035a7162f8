// The cluster issue's whole scenario with real troupe-node processes: three
// members import the sample data and start the sample campaign; a
// fourth member joins while it runs and takes shards mid-campaign; one
// member is SIGKILLed mid-campaign (its shards stall, the others go on) and
// restarted; the campaign completes with every selected customer accounted
// for and, across all members' stores, no customer delivered twice.

#include <csignal>
#include <fstream>
#include <set>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/cluster_fixture.hpp"

using namespace troupe::test;
using namespace std::chrono_literals;
using json = nlohmann::json;

namespace {

class cluster_campaign_test : public cluster_fixture {};

/// Each generation call waits this long, so that the campaign runs for tens
/// of seconds: long enough to join a member and kill one while it runs.
const std::vector<std::string> slow_generation{"--fault-generate", "latency-ms=300"};

TEST_F(cluster_campaign_test, a_member_joins_and_one_is_killed_while_the_campaign_runs) {
  generate_sample_workload();
  if (HasFatalFailure())
    return;
  ASSERT_NO_FATAL_FAILURE(start_three(slow_generation, 30s));
  auto& n1 = *nodes["n1"];
  auto& n2 = *nodes["n2"];
  auto& n3 = *nodes["n3"];

  auto imported = shell(n2, "import customers customers.jsonl", 300s);
  ASSERT_EQ(imported.code, 0) << imported.err;
  EXPECT_EQ(json::parse(imported.out)["imported"], 100000);
  ASSERT_EQ(shell(n3, "import corpus corpus.jsonl", 120s).code, 0);
  ASSERT_EQ(shell(n1, "campaign create campaign.json").code, 0);
  ASSERT_EQ(shell(n1, "campaign start " + sample_campaign).code, 0);

  // Under way on every member: a fourth joins and takes its share of shards.
  ASSERT_TRUE(eventually([&] { return status(n1, sample_campaign).value("processed", 0) > 0; },
                         60s))
    << shell(n1, "campaign status " + sample_campaign).out;
  auto& n4 = start("n4", std::nullopt, slow_generation);
  ASSERT_TRUE(n4.wait_ready()) << n4.proc->err();
  std::map<std::string, std::string> four_up{
    {"n1", "up"}, {"n2", "up"}, {"n3", "up"}, {"n4", "up"}};
  ASSERT_TRUE(sees(n1, four_up, 120s)) << shell(n1, "nodes").out;
  auto mid = status(n1, sample_campaign);
  ASSERT_EQ(mid["state"], "running")
    << "the campaign ended before the kill; slow it down: " << mid.dump();

  // SIGKILL n2 mid-campaign: its shards stall (the status says where), the
  // other members go on; restarted on its address, it finishes its shards.
  auto n2_port = n2.cluster_port;
  n2.proc->signal(SIGKILL);
  ASSERT_TRUE(n2.proc->wait_for(5s).has_value());
  ASSERT_TRUE(eventually([&] { return members(n1)["n2"]["state"] == "down"; }, 20s))
    << shell(n1, "nodes").out;
  auto stalled = status(n1, sample_campaign);
  EXPECT_NE(stalled["state"], "completed") << stalled.dump();
  EXPECT_TRUE(contains(stalled.dump(), "n2")) << "the stall should name n2: " << stalled.dump();
  auto& back = start("n2", n2_port, slow_generation);
  ASSERT_TRUE(back.wait_ready()) << back.proc->err();
  ASSERT_TRUE(sees(n1, four_up, 120s)) << shell(n1, "nodes").out;

  auto watched = shell(n3, "campaign status " + sample_campaign + " --watch --by-node", 600s);
  ASSERT_EQ(watched.code, 0) << watched.err;
  auto done = json::parse(last_line(watched.out)); // the stream's final status
  expect_sample_campaign_done(done, data);

  // Across the four members' stores: each delivered customer exactly once.
  expect_each_delivery_once({&n1, &back, &n3, &n4}, sample_campaign, done["delivered"].get<uint64_t>());
}

} // namespace
