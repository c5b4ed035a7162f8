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

#include "tests/cluster_fixture.hpp"
#include "tests/node_runner.hpp"
#include "tests/process.hpp"
#include "tests/temp_dir.hpp"

using namespace troupe::test;
using namespace std::chrono_literals;
using json = nlohmann::json;

namespace {

class cluster_process_test : public cluster_fixture {
protected:
  /// The first customer in the deliveries `n` exported last (its shards'),
  /// by expect_each_delivery_once.
  std::string first_delivered(const running_node& n) {
    std::ifstream in{dir / ("deliveries-" + std::to_string(n.cluster_port) + ".jsonl")};
    std::string line;
    if (!std::getline(in, line))
      return {};
    return json::parse(line)["customer_id"].get<std::string>();
  }
};

TEST_F(cluster_process_test, three_nodes_share_the_workload_survive_a_kill_and_drain_one) {
  generate_sample_workload();
  if (HasFatalFailure())
    return;

  // Three members in one etcd; the map balances (22/21/21).
  auto& n1 = start("n1");
  ASSERT_TRUE(n1.wait_ready()) << n1.proc->err();
  auto& n2 = start("n2");
  auto& n3 = start("n3");
  ASSERT_TRUE(n2.wait_ready()) << n2.proc->err();
  ASSERT_TRUE(n3.wait_ready()) << n3.proc->err();
  std::map<std::string, std::string> all_up{{"n1", "up"}, {"n2", "up"}, {"n3", "up"}};
  for (auto* n : {&n1, &n2, &n3})
    ASSERT_TRUE(sees(*n, all_up)) << n->address() << ": " << shell(*n, "nodes").out;

  // `shards`: every shard on one live primary, as `nodes` counts them.
  auto placed = shell(n2, "shards");
  ASSERT_EQ(placed.code, 0) << placed.err;
  auto rows = json::parse(placed.out);
  ASSERT_EQ(rows.size(), 64u) << placed.out;
  std::map<std::string, uint32_t> primaries;
  for (auto& row : rows) {
    EXPECT_TRUE(row["available"].get<bool>()) << row.dump();
    EXPECT_GE(row["epoch"].get<uint64_t>(), 1u) << row.dump();
    EXPECT_TRUE(row["replicas"].empty()) << "factor 1 keeps one copy: " << row.dump();
    ++primaries[row["primary"].get<std::string>()];
  }
  for (auto& [id, row] : members(n2))
    EXPECT_EQ(primaries[id], row["shards"].get<uint32_t>()) << id;

  // Imported through one member, routed to the owners; counted from each.
  auto imported = shell(n3, "import customers customers.jsonl", 300s);
  ASSERT_EQ(imported.code, 0) << imported.err;
  EXPECT_EQ(json::parse(imported.out)["imported"], 100000);
  EXPECT_EQ(json::parse(imported.out)["rejected"], 0);
  for (auto* n : {&n1, &n2, &n3})
    EXPECT_EQ(count(*n), data.in_segment) << n->address();
  // `nodes`: each member's own customers, adding up to the import.
  EXPECT_TRUE(eventually(
    [&] {
      uint64_t sum = 0;
      bool each = true;
      for (auto& [id, row] : members(n1)) {
        each = each && !row["customers"].is_null() && row["customers"].get<uint64_t>() > 0;
        sum += row["customers"].is_null() ? 0 : row["customers"].get<uint64_t>();
      }
      return each && sum == 100000;
    },
    30s))
    << shell(n1, "nodes").out;
  // A customer lookup from any member reaches the owner of its shard.
  for (std::size_t i = 0; i < 20; ++i) {
    const auto& id = data.ids[i];
    auto from_n1 = shell(n1, "customer get " + id);
    auto from_n3 = shell(n3, "customer get " + id);
    ASSERT_EQ(from_n1.code, 0) << id << ": " << from_n1.out << from_n1.err;
    ASSERT_EQ(from_n3.code, 0) << id << ": " << from_n3.out << from_n3.err;
    EXPECT_EQ(json::parse(from_n1.out)["id"], id);
    EXPECT_EQ(json::parse(from_n1.out), json::parse(from_n3.out)) << id;
  }
  auto unknown = shell(n2, "customer get nobody");
  EXPECT_EQ(unknown.code, 1);
  EXPECT_TRUE(contains(unknown.out, "no customer 'nobody'")) << unknown.out;
  auto corpus = shell(n2, "import corpus corpus.jsonl", 120s);
  ASSERT_EQ(corpus.code, 0) << corpus.err;
  EXPECT_EQ(json::parse(corpus.out)["imported"], 1000);

  // Created on one member, started on another, followed from a third.
  ASSERT_EQ(shell(n1, "campaign create campaign.json").code, 0);
  ASSERT_EQ(shell(n2, "campaign start " + sample_campaign).code, 0);
  auto watched = shell(n3, "campaign status " + sample_campaign + " --watch --by-node", 300s);
  ASSERT_EQ(watched.code, 0) << watched.err;
  auto done = json::parse(last_line(watched.out)); // the stream's final status
  expect_sample_campaign_done(done, data);
  EXPECT_EQ(done["nodes"].size(), 3u);

  // Every member's deliveries together: each selected customer once.
  expect_each_delivery_once({&n1, &n2, &n3}, sample_campaign, done["delivered"].get<uint64_t>());

  // The report covers every member's shards, asked of any one: its arms'
  // audiences add up to the segment, and match the status's sample-ratio
  // counts (kept in the checkpoints as the campaign ran).
  {
    auto reported = shell(n2, "campaign report " + sample_campaign, 120s);
    ASSERT_EQ(reported.code, 0) << reported.err;
    auto report = json::parse(reported.out);
    ASSERT_EQ(report["arms"].size(), 2u) << report.dump();
    ASSERT_EQ(done["arms"].size(), 2u) << done.dump();
    uint64_t audience = 0, delivered = 0;
    for (std::size_t i = 0; i < 2; ++i) {
      audience += report["arms"][i]["audience"].get<uint64_t>();
      delivered += report["arms"][i]["delivered"].get<uint64_t>();
      EXPECT_EQ(report["arms"][i]["audience"], done["arms"][i]["audience"]) << report.dump();
    }
    EXPECT_EQ(audience, data.in_segment) << report.dump();
    EXPECT_EQ(delivered, done["delivered"].get<uint64_t>());
    EXPECT_EQ(report["srm_p_value"], done["srm_p_value"]);
  }

  // Export and delete (GDPR) reach the owner from any member: a customer
  // n3 delivered to, with two events, asked from n1 and n2.
  auto victim = first_delivered(n3);
  auto of_n2 = first_delivered(n2);
  ASSERT_FALSE(victim.empty());
  ASSERT_FALSE(of_n2.empty());
  {
    std::ofstream events{dir / "events.jsonl"};
    for (auto type : {"open", "conversion"})
      events << json{{"customer_id", victim}, {"campaign_id", sample_campaign},
                     {"type", type}, {"ts", 1'790'000'000'000}}
                  .dump()
             << "\n";
  }
  ASSERT_EQ(shell(n2, "event ingest events.jsonl").code, 0);
  auto held = shell(n1, "customer export " + victim);
  ASSERT_EQ(held.code, 0) << held.out << held.err;
  auto holdings = json::parse(held.out);
  EXPECT_EQ(holdings["customer"]["id"], victim);
  ASSERT_EQ(holdings["deliveries"].size(), 1u);
  EXPECT_EQ(holdings["deliveries"][0]["campaign_id"], sample_campaign);
  EXPECT_EQ(holdings["events"].size(), 2u);
  EXPECT_EQ(json::parse(shell(n2, "customer export " + victim).out), holdings);
  auto erased = shell(n1, "customer delete " + victim);
  ASSERT_EQ(erased.code, 0) << erased.out << erased.err;
  auto gone = json::parse(erased.out);
  EXPECT_EQ(gone["customer"], true);
  EXPECT_EQ(gone["deliveries"], 1);
  EXPECT_EQ(gone["events"], 2);
  ASSERT_EQ(gone["members"].size(), 3u);
  for (auto& m : gone["members"])
    EXPECT_EQ(m["customer"], m["node_id"] == "n3") << m.dump();
  EXPECT_EQ(shell(n2, "customer get " + victim).code, 1);
  auto nothing = shell(n3, "customer export " + victim);
  EXPECT_EQ(nothing.code, 1);
  EXPECT_TRUE(contains(nothing.out, "nothing is held")) << nothing.out;
  EXPECT_EQ(count(n2), data.in_segment - 1) << "the erased customer was in the segment";
  auto again = shell(n3, "customer delete " + victim);
  ASSERT_EQ(again.code, 0) << again.out << again.err;
  EXPECT_EQ(json::parse(again.out)["customer"], false) << again.out;
  EXPECT_EQ(json::parse(again.out)["events"], 0) << again.out;

  // SIGKILL n2: its lease ends, the others see it down (its shards have no
  // other copy: unavailable); restarted, it is back with its shards.
  auto n2_port = n2.cluster_port;
  auto n2_shards = members(n1)["n2"]["shards"].get<uint32_t>();
  ASSERT_GT(n2_shards, 0u);
  n2.proc->signal(SIGKILL);
  ASSERT_TRUE(n2.proc->wait_for(5s).has_value());
  EXPECT_TRUE(eventually([&] { return members(n1)["n2"]["state"] == "down"; }, 15s))
    << shell(n1, "nodes").out;
  EXPECT_NE(shell(n1, "segment count \"" + data.segment + "\"").code, 0)
    << "a count without n2's shards must not pass for the whole";
  // n3 reads etcd on its own interval: it sees n2 down a moment after n1.
  auto unavailable = 0u;
  EXPECT_TRUE(eventually(
    [&] {
      unavailable = 0;
      for (auto& row : json::parse(shell(n3, "shards").out))
        unavailable += row["available"].get<bool>() ? 0 : (row["primary"] == "n2" ? 1 : 100);
      return unavailable == n2_shards;
    },
    15s))
    << "n2's shards, and only those, are unavailable: " << unavailable << " of " << n2_shards;
  auto health = json::parse(shell(n3, "health").out);
  EXPECT_EQ(health["shards_unavailable"], n2_shards) << health.dump();
  EXPECT_EQ(health["shards_under_replicated"], n2_shards) << health.dump();
  EXPECT_EQ(health["replication_factor"], 1) << health.dump();
  EXPECT_TRUE(contains(http_get(n1.url("/metrics")).body,
                       "troupe_shards_unavailable " + std::to_string(n2_shards)));
  // A delete while a member is down erases what it can and says which
  // member it could not reach; run again once it is back, it completes.
  auto partial = shell(n1, "customer delete " + of_n2);
  EXPECT_EQ(partial.code, 1);
  EXPECT_TRUE(contains(partial.out, "n2 cannot be reached (it owns shard")) << partial.out;
  auto& back = start("n2", n2_port);
  ASSERT_TRUE(back.wait_ready()) << back.proc->err();
  for (auto* n : {&n1, &back, &n3})
    ASSERT_TRUE(sees(*n, all_up)) << shell(*n, "nodes").out;
  EXPECT_EQ(json::parse(shell(n3, "health").out)["shards_unavailable"], 0);
  auto completed = shell(n3, "customer delete " + of_n2);
  ASSERT_EQ(completed.code, 0) << completed.out << completed.err;
  EXPECT_EQ(json::parse(completed.out)["deliveries"], 1);
  EXPECT_EQ(count(n1), data.in_segment - 2);

  // Drain n3: its shards move to n1 and n2 (32 each), and it exits 0.
  auto drained = shell(n1, "node drain n3");
  ASSERT_EQ(drained.code, 0) << drained.out << drained.err;
  auto code = n3.proc->wait_for(60s);
  ASSERT_TRUE(code.has_value()) << "n3 did not leave: " << shell(n1, "nodes").out;
  EXPECT_EQ(*code, 0) << n3.proc->err();
  EXPECT_TRUE(sees(n1, {{"n1", "up"}, {"n2", "up"}})) << shell(n1, "nodes").out;
  EXPECT_EQ(count(back), data.in_segment - 2);
  EXPECT_EQ(shell(n1, "customer get " + victim).code, 1) << "the handoff brought it back";

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
  auto extra = member_options();
  extra.insert(extra.end(), {"--shards", "16"});
  running_node odd{dir, "n9", "data-n9", extra};
  auto code = odd.proc->wait_for(30s);
  ASSERT_TRUE(code.has_value()) << "a node that can never be a member must stop: "
                                 << odd.proc->err() << "\nn1: " << n1.proc->err();
  EXPECT_EQ(*code, 1);
  EXPECT_TRUE(contains(odd.proc->err(), "16 shards")) << odd.proc->err();
  EXPECT_TRUE(contains(odd.proc->err(), "--shards 64")) << odd.proc->err();
}

TEST_F(cluster_process_test, the_holdout_is_the_clusters_and_changes_only_with_every_member_stopped) {
  auto& n1 = start("n1", std::nullopt, {"--holdout-percent", "5"});
  ASSERT_TRUE(n1.wait_ready()) << n1.proc->err();
  auto with = [&](const std::string& id, std::vector<std::string> more) {
    auto extra = member_options();
    extra.insert(extra.end(), more.begin(), more.end());
    return std::make_unique<running_node>(dir, id, "data-" + id, extra);
  };
  // Another holdout: the node does not start, naming both values.
  auto odd = with("n9", {"--holdout-percent", "10"});
  auto code = odd->proc->wait_for(30s);
  ASSERT_TRUE(code.has_value()) << odd->proc->err();
  EXPECT_EQ(*code, 1);
  EXPECT_TRUE(contains(odd->proc->err(), "--holdout-percent 10.00 differs from the cluster's "
                                         "holdout of 5.00%"))
    << odd->proc->err();
  // Changing it is refused while n1 runs...
  auto change = with("n9", {"--holdout-percent", "10", "--holdout-change"});
  code = change->proc->wait_for(30s);
  ASSERT_TRUE(code.has_value()) << change->proc->err();
  EXPECT_EQ(*code, 1);
  EXPECT_TRUE(contains(change->proc->err(), "running: n1")) << change->proc->err();
  // ...and done once it has stopped (its lease revoked as it exits).
  n1.proc->signal(SIGTERM);
  ASSERT_TRUE(n1.proc->wait_for(30s).has_value());
  change = with("n9", {"--holdout-percent", "10", "--holdout-change"});
  ASSERT_TRUE(change->wait_ready()) << change->proc->err();
  EXPECT_TRUE(contains(change->proc->err(), "the cluster's holdout is now 10.00% (was 5.00%)"))
    << change->proc->err();
  // n1 with its old value is the one that differs now.
  running_node old{dir, "n1", "data-n1", [&] {
                     auto extra = member_options();
                     extra.insert(extra.end(), {"--holdout-percent", "5"});
                     return extra;
                   }()};
  code = old.proc->wait_for(30s);
  ASSERT_TRUE(code.has_value()) << old.proc->err();
  EXPECT_TRUE(contains(old.proc->err(), "holdout of 10.00%")) << old.proc->err();
}

TEST_F(cluster_process_test, an_operator_forces_a_member_to_primary_of_a_lost_shard) {
  // One copy per shard: a lost member's shards have no replica to promote.
  auto& n1 = start("n1");
  ASSERT_TRUE(n1.wait_ready()) << n1.proc->err();
  auto& n2 = start("n2");
  ASSERT_TRUE(n2.wait_ready()) << n2.proc->err();
  ASSERT_TRUE(sees(n1, {{"n1", "up"}, {"n2", "up"}})) << shell(n1, "nodes").out;
  n2.proc->signal(SIGKILL);
  ASSERT_TRUE(n2.proc->wait_for(5s).has_value());
  ASSERT_TRUE(eventually([&] { return members(n1)["n2"]["state"] == "down"; }, 20s))
    << shell(n1, "nodes").out;
  auto rows = json::parse(shell(n1, "shards").out);
  json lost, kept;
  for (auto& row : rows)
    (row["primary"] == "n2" ? lost : kept) = row;
  ASSERT_FALSE(lost.is_null());
  ASSERT_FALSE(kept.is_null());
  EXPECT_FALSE(lost["available"].get<bool>());
  auto shard = std::to_string(lost["shard"].get<uint32_t>());

  auto unforced = shell(n1, "shard promote " + shard + " n1");
  EXPECT_EQ(unforced.code, 2) << unforced.out << unforced.err;
  EXPECT_TRUE(contains(unforced.out + unforced.err, "--force")) << unforced.out << unforced.err;
  auto live = shell(n1, "shard promote " + std::to_string(kept["shard"].get<uint32_t>())
                          + " n1 --force");
  EXPECT_EQ(live.code, 1);
  EXPECT_TRUE(contains(live.out + live.err, "has a live primary (n1)")) << live.out << live.err;
  auto nobody = shell(n1, "shard promote " + shard + " n7 --force");
  EXPECT_EQ(nobody.code, 1);
  EXPECT_TRUE(contains(nobody.out + nobody.err, "no live member n7")) << nobody.out;

  auto forced = shell(n1, "shard promote " + shard + " n1 --force");
  ASSERT_EQ(forced.code, 0) << forced.out << forced.err;
  EXPECT_TRUE(contains(forced.out, "no copy: the shard starts empty there")) << forced.out;
  ASSERT_TRUE(eventually(
    [&] {
      for (auto& row : json::parse(shell(n1, "shards").out))
        if (std::to_string(row["shard"].get<uint32_t>()) == shard)
          return row["primary"] == "n1" && row["available"].get<bool>()
                 && row["epoch"].get<uint64_t>() > lost["epoch"].get<uint64_t>();
      return false;
    },
    10s))
    << shell(n1, "shards").out;
  // The operator's command is in the node's audit chain.
  auto audit = json::parse(shell(n1, "audit verify").out);
  EXPECT_EQ(audit["intact"], true);
  EXPECT_TRUE(contains(audit["recent_commands"].dump(), "shard promote")) << audit.dump();
}

} // namespace
