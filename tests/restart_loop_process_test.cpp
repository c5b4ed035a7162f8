// Providers at restart: a node running a webhook campaign is SIGKILLed at
// random moments and restarted on its data dir, again and again (16 times
// with the template generator, 16 with an OpenAI-compatible server). The
// campaign resumes each time before the node's stages have started; no
// customer may become a dead letter for it ("no provider on this node"),
// and every delivery the node recorded reached the receiver (by its
// idempotency key: a POST repeated after a kill carries the same key).

#include <csignal>
#include <fstream>
#include <mutex>
#include <random>
#include <thread>
#include <set>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "storage/keys.hpp"
#include "storage/store.hpp"
#include "tests/node_runner.hpp"
#include "tests/node_shell.hpp"
#include "tests/process.hpp"
#include "tests/sample_workload.hpp"
#include "tests/chat_answer.hpp"
#include "tests/scripted_http_server.hpp"
#include "tests/temp_dir.hpp"

using namespace troupe;
using namespace troupe::test;
using namespace std::chrono_literals;
using json = nlohmann::json;

namespace {


struct restart_outcome {
  unsigned restarts = 0;
  json done;
  std::set<std::string> delivered; ///< customer ids with a Delivery record
  std::set<std::string> dead;      ///< customer ids with a dead letter
  uint64_t in_segment = 0;
};

/// Imports the sample data, starts a paced webhook campaign to `receiver`,
/// then kills and restarts the node `kills` times at random moments, and
/// reads the outcome straight from the store once it has ended.
void run_with_restarts(const temp_dir& dir, const std::vector<std::string>& node_args,
                       const std::string& receiver, unsigned kills, restart_outcome& out) {
  sample_data data;
  ASSERT_NO_FATAL_FAILURE(generate_sample_data(dir, 6000, 100, 11, data));
  json spec = json::parse(std::ifstream{dir / "campaign.json"});
  spec["channel"] = "webhook";
  spec["webhook_url"] = receiver;
  spec["rate_limit"] = 250; // 24 s of work: sixteen kills take about 12 s of it
  spec["window"] = 16;
  std::ofstream{dir / "hook.json"} << spec.dump();
  const std::string id = spec["id"];

  auto n = std::make_unique<running_node>(dir, "n1", "data", node_args);
  ASSERT_TRUE(n->wait_ready()) << n->proc->err();
  ASSERT_EQ(shell_json(dir, n->address(), "import customers customers.jsonl")["imported"], 6000);
  ASSERT_EQ(shell_json(dir, n->address(), "import corpus corpus.jsonl")["imported"], 100);
  ASSERT_EQ(shell_json(dir, n->address(), "campaign create hook.json")["state"], "created");
  ASSERT_EQ(shell_json(dir, n->address(), "campaign start " + id)["state"], "running");

  auto seed = std::random_device{}();
  std::mt19937 rng{seed};
  SCOPED_TRACE("seed " + std::to_string(seed));
  for (unsigned i = 0; i < kills; ++i) {
    // A random moment: soon after the restart (while the node's stages may
    // still be starting), or a while into the run.
    std::this_thread::sleep_for(std::chrono::milliseconds{
      std::uniform_int_distribution<int>{0, 400}(rng)});
    auto s = shell_json(dir, n->address(), "campaign status " + id);
    ASSERT_EQ(s["state"], "running") << "finished after " << i << " kills: " << s.dump();
    n->proc->signal(SIGKILL);
    ASSERT_TRUE(n->proc->wait_for(10s).has_value());
    // The same cluster port again: a fresh one per restart, picked free and
    // bound a moment later, was once taken meanwhile by a parallel test.
    auto port = n->cluster_port;
    n = std::make_unique<running_node>(dir, "n1", "data", node_args, port);
    ASSERT_TRUE(n->wait_ready()) << n->proc->err();
    ++out.restarts;
  }
  ASSERT_TRUE(wait_until_not_running(dir, n->address(), id, 240s, out.done));
  n->proc->signal(SIGTERM);
  ASSERT_EQ(n->proc->wait_for(15s), std::optional<int>{0});
  out.in_segment = data.in_segment;

  storage::store_options o;
  o.data_dir = dir / "data";
  o.node_id = "n1";
  auto db = storage::store::open(o);
  ASSERT_TRUE(db.ok()) << db.err().message();
  auto prefix = id + std::string(1, '\0');
  ASSERT_TRUE((*db)->scan<v1::Delivery>(storage::column::deliveries, prefix,
                                        storage::keys::prefix_end(prefix),
                                        [&](std::string_view, const v1::Delivery& d) {
                                          out.delivered.insert(d.customer_id());
                                          return true;
                                        })
                .ok());
  ASSERT_TRUE((*db)->scan<v1::DeadLetter>(storage::column::dead_letters, prefix,
                                          storage::keys::prefix_end(prefix),
                                          [&](std::string_view, const v1::DeadLetter& d) {
                                            if (out.dead.size() < 3)
                                              ADD_FAILURE() << "dead letter " << d.customer_id()
                                                            << ": " << d.reason();
                                            out.dead.insert(d.customer_id());
                                            return true;
                                          })
                .ok());
}

/// The receiver: every POST's idempotency key.
struct webhook_receiver {
  std::mutex mutex;
  std::set<std::string> keys;
  scripted_http_server server{[this](const http_exchange& x) {
    auto key = x.headers.find("idempotency-key");
    std::lock_guard<std::mutex> guard{mutex};
    if (key != x.headers.end())
      keys.insert(key->second);
    return scripted_reply{200, "{}"};
  }};
};

void expect_exactly_delivered(const restart_outcome& out, webhook_receiver& hook,
                              const std::string& campaign) {
  EXPECT_EQ(out.done["state"], "completed") << out.done.dump();
  EXPECT_EQ(out.done["failed"], 0) << out.done.dump();
  EXPECT_TRUE(out.dead.empty());
  EXPECT_EQ(out.done["delivered"], out.delivered.size());
  EXPECT_EQ(out.done["in_segment"], out.in_segment);
  EXPECT_EQ(out.delivered.size() + out.done["blocked"].get<uint64_t>(), out.in_segment);
  std::lock_guard<std::mutex> guard{hook.mutex};
  uint64_t missing = 0;
  for (const auto& customer : out.delivered)
    if (hook.keys.count(campaign + ":" + customer) == 0 && ++missing <= 3)
      ADD_FAILURE() << "recorded as delivered, never received: " << customer;
  EXPECT_EQ(missing, 0u);
}

} // namespace

TEST(restart_loop_process_test, sixteen_kills_with_the_template_generator_lose_nobody) {
  temp_dir dir;
  webhook_receiver hook;
  restart_outcome out;
  ASSERT_NO_FATAL_FAILURE(run_with_restarts(dir, {"--shards", "8"}, hook.server.url("/in"), 16,
                                            out));
  EXPECT_EQ(out.restarts, 16u);
  expect_exactly_delivered(out, hook, sample_campaign);
}

TEST(restart_loop_process_test, sixteen_kills_with_an_openai_generator_lose_nobody) {
  temp_dir dir;
  scripted_http_server llm{jacket_reply};
  webhook_receiver hook;
  restart_outcome out;
  ASSERT_NO_FATAL_FAILURE(run_with_restarts(
    dir, {"--shards", "8", "--generator", "openai", "--llm-url", llm.url("/v1"), "--llm-model",
          "tiny", "--llm-timeout-ms", "5000"},
    hook.server.url("/in"), 16, out));
  EXPECT_EQ(out.restarts, 16u);
  expect_exactly_delivered(out, hook, sample_campaign);
}
