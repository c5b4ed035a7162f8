// A triggered campaign across a failover, with real troupe-node processes
// and a real etcd: three members keep every shard on two of them
// (--replication-factor 2). Sends made pending by events over HTTP are
// replicated with their shard; a member SIGKILLed before they are due
// hands its shards to their replicas, whose trigger runners send them:
// each customer's send once, none lost; events posted after the failover
// reach the new primaries.

#include <csignal>
#include <fstream>
#include <map>
#include <set>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/http_get.hpp"
#include "tests/security_fixture.hpp"

using namespace troupe::test;
using namespace std::chrono_literals;
using json = nlohmann::json;

namespace {

constexpr int customers = 60;

class trigger_failover_process_test : public security_fixture {
protected:
  void SetUp() override { replication_factor = 2; }

  /// Posts a `viewed` event with dedup key `key` for every customer to `n`.
  void post_views(const running_node& n, const std::string& key, int64_t ts) {
    json body = json::array();
    for (int i = 1; i <= customers; ++i)
      body.push_back(
        {{"customer_id", customer_id(i)}, {"type", "viewed"}, {"ts", ts}, {"dedup_key", key}});
    auto r = http_post(n.url("/v1/events"), body.dump(), {"Content-Type: application/json"},
                       30000);
    ASSERT_EQ(r.code, 202) << r.body;
    EXPECT_EQ(json::parse(r.body)["accepted"], customers) << r.body;
  }

  json status(const running_node& n) {
    auto r = shell(n, "campaign status later", 20s);
    return r.code == 0 ? json::parse(r.out) : json{};
  }

  /// Every delivery the members `ids` export: customer id -> occurrences.
  std::map<std::string, std::multiset<std::string>> deliveries(
    const std::vector<std::string>& ids) {
    std::map<std::string, std::multiset<std::string>> out;
    for (const auto& id : ids) {
      auto file = "later-" + id + ".jsonl";
      auto r = shell(*nodes[id], "campaign export later " + file, 60s);
      EXPECT_EQ(r.code, 0) << r.err;
      std::ifstream in{(dir / file).string()};
      for (std::string line; std::getline(in, line);) {
        auto d = json::parse(line);
        out[d["customer_id"].get<std::string>()].insert(d["occurrence"].get<std::string>());
      }
    }
    return out;
  }
};

TEST_F(trigger_failover_process_test, pending_sends_outlive_their_primary_and_go_once) {
  ASSERT_NO_FATAL_FAILURE(start_three());
  auto& n1 = *nodes["n1"];
  auto& n3 = *nodes["n3"];
  ASSERT_TRUE(eventually(
    [&] {
      auto r = shell(n1, "health", 10s);
      return r.code == 0 && json::parse(r.out)["shards_under_replicated"] == 0;
    },
    120s))
    << shell(n1, "shards").out;
  ASSERT_NO_FATAL_FAILURE(import_customers(n1, "", customers));
  auto now = start_later_campaign(n1, "15s");
  ASSERT_FALSE(HasFailure());
  ASSERT_NO_FATAL_FAILURE(post_views(n1, "v1", now));
  EXPECT_EQ(status(n1)["pending"], customers) << status(n1);
  // n2 dies before any send is due: the shards it led go to their replicas.
  nodes["n2"]->proc->signal(SIGKILL);
  nodes["n2"]->proc->wait_for(10s);
  ASSERT_TRUE(sees(n1, {{"n1", "up"}, {"n3", "up"}}, 60s))
    << shell(n1, "nodes").out;
  // Events after the failover reach the shards' new primaries.
  ASSERT_NO_FATAL_FAILURE(post_views(n3, "v2", now + 1000));
  ASSERT_TRUE(eventually([&] { return status(n1)["delivered"] == 2 * customers; }, 90s))
    << status(n1);
  auto sent = deliveries({"n1", "n3"});
  EXPECT_EQ(sent.size(), static_cast<std::size_t>(customers));
  for (const auto& [customer, occurrences] : sent)
    EXPECT_EQ(occurrences, (std::multiset<std::string>{"k:v1", "k:v2"})) << customer;
  auto s = status(n1);
  EXPECT_EQ(s["pending"], 0) << s;
  EXPECT_EQ(s["failed"], 0) << s;
}

} // namespace
