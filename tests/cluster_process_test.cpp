// Several real troupe-node processes on loopback ports form a cluster: the
// shard map balances as they join, imports are routed to the owners, counts
// and campaigns span every member, a SIGKILLed member is seen down and comes
// back with its shards, and a drained member hands its shards off and exits 0.

#include <csignal>
#include <fstream>
#include <map>
#include <set>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/node_runner.hpp"
#include "tests/process.hpp"
#include "tests/reference_campaign.hpp"
#include "tests/temp_dir.hpp"

using namespace troupe::test;
using namespace std::chrono_literals;
using json = nlohmann::json;

namespace {

const std::vector<std::string> fast_heartbeats{"--heartbeat-interval-ms", "200",
                                               "--heartbeat-timeout-ms", "1500"};

const char* reference_predicate =
  "marketing_opt_in AND total_order_value >= 20 AND region IN "
  "('CA','NY','TX','WA','OR','CO','FL','IL','MA','GA','AZ','NV','NJ','PA')";

class cluster_process_test : public ::testing::Test {
protected:
  temp_dir dir;
  std::map<std::string, std::unique_ptr<running_node>> nodes;

  running_node& start(const std::string& id, const std::string& seed = "",
                      std::optional<uint16_t> port = std::nullopt) {
    auto extra = fast_heartbeats;
    if (!seed.empty()) {
      extra.push_back("--seeds");
      extra.push_back(seed);
    }
    auto n = std::make_unique<running_node>(dir, id, "data-" + id, extra, port);
    auto& ref = *n;
    nodes[id] = std::move(n);
    return ref;
  }

  run_result shell(const running_node& n, const std::string& command,
                   std::chrono::milliseconds limit = 60s) {
    return run(shell_bin, {"--node", n.address(), "-c", command, "--json"}, dir.path(), limit);
  }

  /// `nodes --json` of `n`, by member id.
  std::map<std::string, json> members(const running_node& n) {
    std::map<std::string, json> out;
    auto r = shell(n, "nodes", 10s);
    if (r.code != 0)
      return out;
    for (auto& row : json::parse(r.out))
      out[row["id"].get<std::string>()] = row;
    return out;
  }

  /// True once `n` sees exactly `expected` (id -> state) and, among the up
  /// members, shard counts that differ by at most one.
  bool sees(const running_node& n, const std::map<std::string, std::string>& expected,
            std::chrono::seconds limit = 30s) {
    return eventually(
      [&] {
        auto m = members(n);
        if (m.size() != expected.size())
          return false;
        uint32_t lo = UINT32_MAX, hi = 0, total = 0;
        for (auto& [id, state] : expected) {
          auto it = m.find(id);
          if (it == m.end() || it->second["state"] != state)
            return false;
          if (state == "up") {
            uint32_t s = it->second["shards"];
            lo = std::min(lo, s);
            hi = std::max(hi, s);
            total += s;
          }
        }
        return hi <= lo + 1 && total == 64;
      },
      limit);
  }

  uint64_t count(const running_node& n) {
    auto r = shell(n, std::string{"segment count \""} + reference_predicate + "\"", 120s);
    EXPECT_EQ(r.code, 0) << r.out << r.err;
    return r.code == 0 ? json::parse(r.out)["count"].get<uint64_t>() : 0;
  }
};

TEST_F(cluster_process_test, three_nodes_share_the_workload_survive_a_kill_and_drain_one) {
  std::string gen_py = "python3 " + std::string{TROUPE_WORKLOAD_GEN};
  auto gen = run("/bin/sh", {"-c", gen_py + " customers --count 100000 --seed 42 > customers.jsonl"
                                     + " && " + gen_py + " corpus --count 1000 --seed 42 > "
                                     + "corpus.jsonl && " + gen_py + " campaign > campaign.json"},
                 dir.path(), 120s);
  ASSERT_EQ(gen.code, 0) << gen.err;

  // Three members, joined through the first; the map balances (22/21/21).
  auto& n1 = start("n1");
  ASSERT_TRUE(n1.wait_ready()) << n1.proc->err();
  auto& n2 = start("n2", n1.address());
  auto& n3 = start("n3", n1.address());
  ASSERT_TRUE(n2.wait_ready()) << n2.proc->err();
  ASSERT_TRUE(n3.wait_ready()) << n3.proc->err();
  std::map<std::string, std::string> all_up{{"n1", "up"}, {"n2", "up"}, {"n3", "up"}};
  for (auto* n : {&n1, &n2, &n3})
    ASSERT_TRUE(sees(*n, all_up)) << n->address() << ": " << shell(*n, "nodes").out;

  // Imported through one member, routed to the owners; counted from each.
  auto imported = shell(n3, "import customers customers.jsonl", 300s);
  ASSERT_EQ(imported.code, 0) << imported.err;
  EXPECT_EQ(json::parse(imported.out)["imported"], 100000);
  EXPECT_EQ(json::parse(imported.out)["rejected"], 0);
  for (auto* n : {&n1, &n2, &n3})
    EXPECT_EQ(count(*n), 51117u) << n->address();
  for (auto& [id, row] : members(n1))
    EXPECT_GT(row["customers"].get<uint64_t>(), 0u) << id << " holds no customers";
  auto corpus = shell(n2, "import corpus corpus.jsonl", 120s);
  ASSERT_EQ(corpus.code, 0) << corpus.err;
  EXPECT_EQ(json::parse(corpus.out)["imported"], 1000);

  // Created on one member, started on another, followed from a third.
  ASSERT_EQ(shell(n1, "campaign create campaign.json").code, 0);
  ASSERT_EQ(shell(n2, "campaign start spring-outdoor").code, 0);
  auto watched = shell(n3, "campaign status spring-outdoor --watch --by-node", 300s);
  ASSERT_EQ(watched.code, 0) << watched.err;
  auto done = json::parse(watched.out);
  expect_reference_campaign_done(done);
  EXPECT_EQ(done["nodes"].size(), 3u);

  // Every member's deliveries together: each selected customer once.
  std::set<std::string> delivered_to;
  uint64_t exported = 0;
  for (auto* n : {&n1, &n2, &n3}) {
    auto file = "deliveries-" + std::to_string(n->cluster_port) + ".jsonl";
    ASSERT_EQ(shell(*n, "campaign export spring-outdoor " + file).code, 0);
    std::ifstream in{dir / file};
    std::string line;
    while (std::getline(in, line)) {
      ++exported;
      delivered_to.insert(json::parse(line)["customer_id"].get<std::string>());
    }
  }
  EXPECT_EQ(exported, done["delivered"].get<uint64_t>());
  EXPECT_EQ(delivered_to.size(), exported) << "a customer was delivered twice";

  // SIGKILL n2: the others see it down; restarted, it is back with its shards.
  auto n2_port = n2.cluster_port;
  n2.proc->signal(SIGKILL);
  ASSERT_TRUE(n2.proc->wait_for(5s).has_value());
  EXPECT_TRUE(eventually([&] { return members(n1)["n2"]["state"] == "down"; }, 15s))
    << shell(n1, "nodes").out;
  EXPECT_NE(shell(n1, std::string{"segment count \""} + reference_predicate + "\"").code, 0)
    << "a count without n2's shards must not pass for the whole";
  auto& back = start("n2", n1.address(), n2_port);
  ASSERT_TRUE(back.wait_ready()) << back.proc->err();
  for (auto* n : {&n1, &back, &n3})
    ASSERT_TRUE(sees(*n, all_up)) << shell(*n, "nodes").out;
  EXPECT_EQ(count(n1), 51117u);

  // Drain n3: its shards move to n1 and n2 (32 each), and it exits 0.
  auto drained = shell(n1, "node drain n3");
  ASSERT_EQ(drained.code, 0) << drained.out << drained.err;
  auto code = n3.proc->wait_for(60s);
  ASSERT_TRUE(code.has_value()) << "n3 did not leave: " << shell(n1, "nodes").out;
  EXPECT_EQ(*code, 0) << n3.proc->err();
  EXPECT_TRUE(sees(n1, {{"n1", "up"}, {"n2", "up"}})) << shell(n1, "nodes").out;
  EXPECT_EQ(count(back), 51117u);

  // The cluster metrics on a member's /metrics.
  auto metrics = http_get(n1.url("/metrics")).body;
  EXPECT_TRUE(contains(metrics, "troupe_cluster_members{state=\"up\"} 2")) << metrics;
  EXPECT_TRUE(contains(metrics, "troupe_shards_owned 32")) << metrics;
  EXPECT_TRUE(contains(metrics, "troupe_handoff_seconds_count"));
  EXPECT_TRUE(contains(metrics, "troupe_remote_messages_total{direction=\"sent\"}"));
}

TEST_F(cluster_process_test, a_node_with_another_shard_count_cannot_join) {
  auto& n1 = start("n1");
  ASSERT_TRUE(n1.wait_ready()) << n1.proc->err();
  auto extra = fast_heartbeats;
  extra.insert(extra.end(), {"--seeds", n1.address(), "--shards", "16"});
  running_node odd{dir, "n9", "data-n9", extra};
  auto code = odd.proc->wait_for(30s);
  ASSERT_TRUE(code.has_value()) << "a node that can never join must stop";
  EXPECT_EQ(*code, 1);
  EXPECT_TRUE(contains(odd.proc->err(), "16 shards")) << odd.proc->err();
  EXPECT_TRUE(contains(odd.proc->err(), "--shards 64")) << odd.proc->err();
}

} // namespace
