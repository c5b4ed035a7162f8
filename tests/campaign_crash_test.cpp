// Exactly-once across crashes: a node is killed with SIGKILL at several
// moments of a campaign, restarted each time on the same data dir, and the
// campaign resumes by itself and completes. Then the deliveries are read
// straight from the node's RocksDB: one per selected customer, none twice,
// none missing.

#include <csignal>
#include <fstream>
#include <set>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "segment/predicate.hpp"
#include "storage/audit_log.hpp"
#include "storage/keys.hpp"
#include "storage/store.hpp"
#include "tests/http_get.hpp"
#include "tests/node_runner.hpp"
#include "tests/node_shell.hpp"
#include "tests/process.hpp"
#include "tests/sample_workload.hpp"
#include "tests/temp_dir.hpp"

using namespace troupe;
using namespace troupe::test;
using namespace std::chrono_literals;
using json = nlohmann::json;

namespace {

/// A node on the test's data dir, ready (or dead) when constructed.
struct node_proc : running_node {
  explicit node_proc(const temp_dir& dir) : running_node(dir) { wait_ready(); }
};

} // namespace

TEST(campaign_crash_test, sigkill_at_several_moments_then_exactly_once) {
  temp_dir dir;
  sample_data data;
  ASSERT_NO_FATAL_FAILURE(generate_sample_data(dir, 20000, 200, 7, data));
  auto customers = (dir / "customers.jsonl").string();
  // The sample campaign, slowed by a rate limit so that it can be caught
  // at several moments.
  json spec = json::parse(std::ifstream{dir / "campaign.json"});
  spec["rate_limit"] = 8000;
  spec["window"] = 32;
  std::ofstream{dir / "slow.json"} << spec.dump();
  const std::string id = spec["id"];

  auto n = std::make_unique<node_proc>(dir);
  ASSERT_TRUE(n->proc->running()) << n->proc->err();
  EXPECT_EQ(shell_json(dir, n->address(), "import customers " + customers)["imported"], 20000);
  EXPECT_EQ(
    shell_json(dir, n->address(), "campaign create " + (dir / "slow.json").string())["state"],
    "created");
  EXPECT_EQ(shell_json(dir, n->address(), "campaign start " + id)["state"], "running");

  uint64_t last_seen = 0;
  for (uint64_t kill_at : {1500u, 7000u, 13000u}) {
    json s;
    ASSERT_TRUE(eventually([&] {
      s = shell_json(dir, n->address(), "campaign status " + id);
      return s.is_object() && (s["processed"].get<uint64_t>() >= kill_at || s["state"] != "running");
    }, 120s));
    ASSERT_EQ(s["state"], "running") << "the campaign finished before the kill at " << kill_at;
    n->proc->signal(SIGKILL);
    ASSERT_TRUE(n->proc->wait_for(10s).has_value());
    n = std::make_unique<node_proc>(dir);
    ASSERT_TRUE(n->proc->running()) << n->proc->err();
    // The restarted node resumed the campaign from its checkpoints.
    auto resumed = shell_json(dir, n->address(), "campaign status " + id);
    EXPECT_NE(resumed["state"], "created");
    EXPECT_GE(resumed["processed"].get<uint64_t>(), last_seen);
    last_seen = resumed["processed"];
  }
  json done;
  ASSERT_TRUE(wait_until_not_running(dir, n->address(), id, 180s, done));
  EXPECT_EQ(done["state"], "completed");
  EXPECT_EQ(done["processed"], 20000);
  EXPECT_EQ(done["delivered"].get<uint64_t>() + done["blocked"].get<uint64_t>()
              + done["failed"].get<uint64_t>(),
            done["in_segment"].get<uint64_t>());
  EXPECT_EQ(done["skipped"].get<uint64_t>() + done["in_segment"].get<uint64_t>(), 20000u);
  auto metrics = http_get("http://127.0.0.1:" + std::to_string(n->http_port) + "/metrics").body;
  for (const auto& name : {"troupe_campaign_state{campaign=\"" + id + "\",state=\"completed\"} 1",
                           "troupe_campaign_state{campaign=\"" + id + "\",state=\"running\"} 0",
                           "troupe_campaign_customers_total{campaign=\"" + id + "\",outcome=",
                           std::string{"troupe_stage_seconds_count{stage=\"segment\"}"},
                           std::string{"troupe_stage_seconds_count{stage=\"generate\"}"},
                           "troupe_pipeline_inflight{campaign=\"" + id + "\"} 0",
                           "troupe_mailbox_depth_max{actor=\"runner\",campaign=\"" + id + "\"}"})
    EXPECT_NE(metrics.find(name), std::string::npos) << name;
  // The audit chain survived the kills: a safety decision per customer in
  // the segment and a delivery record per delivery, all chained.
  auto audit = shell_json(dir, n->address(), "audit verify");
  EXPECT_EQ(audit["intact"], true) << audit.dump();
  EXPECT_EQ(audit["records"].get<uint64_t>() - audit["commands"].get<uint64_t>(),
            2 * done["delivered"].get<uint64_t>() + done["blocked"].get<uint64_t>());
  n->proc->signal(SIGTERM);
  ASSERT_EQ(n->proc->wait_for(10s), std::optional<int>{0});

  // Straight from the store: the deliveries are exactly the selected customers.
  storage::store_options o;
  o.data_dir = dir / "data";
  o.node_id = "n1";
  auto db = storage::store::open(o);
  ASSERT_TRUE(db.ok()) << db.err().message();
  auto predicate = segment::predicate::compile(spec["segment"]);
  ASSERT_TRUE(predicate.ok());
  std::set<std::string> selected;
  ASSERT_TRUE((*db)->scan<v1::Customer>(storage::column::customers, "", "",
                                        [&](std::string_view, const v1::Customer& c) {
                                          if (predicate->selects(c))
                                            selected.insert(c.id());
                                          return true;
                                        })
                .ok());
  std::set<std::string> delivered;
  uint64_t records = 0;
  auto prefix = id + std::string(1, '\0');
  ASSERT_TRUE((*db)->scan<v1::Delivery>(storage::column::deliveries, prefix,
                                        storage::keys::prefix_end(prefix),
                                        [&](std::string_view, const v1::Delivery& d) {
                                          ++records;
                                          delivered.insert(d.customer_id());
                                          return true;
                                        })
                .ok());
  // A customer whose generation failed (a machine loaded enough for calls to
  // time out) is a dead letter instead: together they are the selection.
  std::set<std::string> dead;
  ASSERT_TRUE((*db)->scan<v1::DeadLetter>(storage::column::dead_letters, prefix,
                                          storage::keys::prefix_end(prefix),
                                          [&](std::string_view, const v1::DeadLetter& d) {
                                            dead.insert(d.customer_id());
                                            return true;
                                          })
                .ok());
  EXPECT_EQ(records, delivered.size());
  std::set<std::string> both = delivered;
  both.insert(dead.begin(), dead.end());
  EXPECT_EQ(both.size(), delivered.size() + dead.size()) << "delivered and dead at once";
  EXPECT_EQ(both, selected);
  EXPECT_EQ(selected.size(), data.in_segment); // the segment library agrees with the naive count
  EXPECT_EQ(done["in_segment"], selected.size());
  EXPECT_EQ(done["delivered"], records);
  EXPECT_EQ(done["failed"], dead.size());

  // Someone edits an audit record in the database: `audit verify` names it.
  // Record 5 of the first shard chain that has one (campaign records go to
  // their customer's shard's chain).
  uint32_t chain = 0;
  auto five = (*db)->get<v1::AuditRecord>(storage::column::audit, storage::audit_key(5, chain));
  while (five.ok() && !five->has_value() && ++chain < (*db)->shard_count())
    five = (*db)->get<v1::AuditRecord>(storage::column::audit, storage::audit_key(5, chain));
  ASSERT_TRUE(five.ok() && five->has_value());
  uint64_t before = 0; // the records verify checks before it: every chain before it, and 5
  ASSERT_TRUE((*db)
                ->scan_raw(storage::column::audit, "", storage::audit_key(5, chain),
                           [&](std::string_view, std::string_view) { return ++before > 0; })
                .ok());
  auto edited = **five;
  edited.set_customer_id("someone-else");
  ASSERT_TRUE(
    (*db)->put(storage::column::audit, storage::audit_key(5, chain), edited).ok());
  ASSERT_TRUE((*db)->close().ok());
  n = std::make_unique<node_proc>(dir);
  auto broken = run(shell_bin, {"--node", n->address(), "-c", "audit verify", "--json"},
                    dir.path());
  EXPECT_EQ(broken.code, 1);
  auto verdict = json::parse(broken.out);
  EXPECT_EQ(verdict["intact"], false);
  EXPECT_EQ(verdict["broken_at"], 5);
  EXPECT_EQ(verdict["broken_chain"], "shard " + std::to_string(chain));
  EXPECT_EQ(verdict["records"], before);
  EXPECT_EQ(verdict["reason"],
            "the chain of shard " + std::to_string(chain) + ": its contents do not match its hash");
}
