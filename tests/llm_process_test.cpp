// The personalization pipeline end to end through real processes: a
// troupe-node whose generator is an OpenAI-compatible server (a local HTTP
// server started by this test, failing 30% of its calls), the campaign
// completing with every in-segment customer delivered or blocked, the
// breaker's transitions in `breakers` and on /metrics, the deliveries naming
// their generator; then events ingested and the report read from the shell.

#include <atomic>
#include <csignal>
#include <fstream>
#include <map>
#include <set>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/http_get.hpp"
#include "tests/node_runner.hpp"
#include "tests/node_shell.hpp"
#include "tests/process.hpp"
#include "tests/sample_workload.hpp"
#include "tests/chat_answer.hpp"
#include "tests/scripted_http_server.hpp"
#include "tests/temp_dir.hpp"

using namespace troupe::test;
using namespace std::chrono_literals;
using json = nlohmann::json;

TEST(llm_process_test, a_flaky_llm_server_opens_the_breaker_and_everyone_is_served) {
  temp_dir dir;
  // Every third call in ten fails: 30% of requests, in runs that trip the
  // breaker (three failures in a row).
  std::atomic<uint64_t> calls{0};
  std::atomic<uint64_t> authorized{0};
  scripted_http_server llm{[&](const http_exchange& x) {
    auto n = calls++;
    if (x.headers.count("authorization") && x.headers.at("authorization") == "Bearer sk-local")
      ++authorized;
    if (n % 10 < 3)
      return scripted_reply{500, R"({"error":{"message":"model overloaded"}})"};
    return jacket_reply(x);
  }};
  sample_data data;
  ASSERT_NO_FATAL_FAILURE(generate_sample_data(dir, 3000, 200, 5, data));
  const auto& campaign = sample_campaign;
  ::setenv("LLM_TEST_KEY", "sk-local", 1);
  running_node n{dir, "n1", "data",
                 {"--generator", "openai", "--llm-url", llm.url("/v1"), "--llm-model", "tiny",
                  "--llm-api-key-env", "LLM_TEST_KEY", "--llm-timeout-ms", "2000",
                  "--breaker-consecutive", "3", "--breaker-cooldown-ms", "20",
                  "--breaker-trials", "1", "--shards", "4"}};
  ASSERT_TRUE(n.wait_ready()) << n.proc->err();
  auto shell = [&](const std::string& command) { return shell_json(dir, n.address(), command); };
  EXPECT_EQ(shell("import customers customers.jsonl")["imported"], 3000);
  EXPECT_EQ(shell("import corpus corpus.jsonl")["imported"], 200);
  // Paced (about a second and a half), so that the breaker goes through many
  // open / half-open / closed rounds however fast the machine is.
  json spec = json::parse(std::ifstream{dir / "campaign.json"});
  spec["rate_limit"] = 2000;
  std::ofstream{dir / "paced.json"} << spec.dump();
  shell("campaign create paced.json");
  shell("campaign start " + campaign);
  json s;
  ASSERT_TRUE(wait_until_not_running(dir, n.address(), campaign, 120s, s));
  ASSERT_EQ(s["state"], "completed") << s.dump();
  uint64_t in_segment = s["in_segment"], delivered = s["delivered"], blocked = s["blocked"];
  EXPECT_EQ(in_segment, data.in_segment);
  EXPECT_EQ(s["failed"], 0);
  EXPECT_EQ(delivered + blocked, in_segment);
  EXPECT_GT(calls.load(), 50u);
  EXPECT_EQ(authorized.load(), calls.load()); // the key came from the named variable

  // The breaker opened (and closed again) on the way.
  auto breakers = shell("breakers");
  ASSERT_TRUE(breakers.is_array());
  EXPECT_EQ(breakers[0]["name"], "breaker:generate");
  EXPECT_GE(breakers[0]["transitions"].get<uint64_t>(), 2u) << breakers.dump();
  auto metrics = http_get(n.url("/metrics")).body;
  EXPECT_FALSE(contains(metrics, "troupe_breaker_transitions_total{breaker=\"generate\",to=\"open\"} 0"))
    << metrics;
  EXPECT_TRUE(contains(metrics, "troupe_breaker_transitions_total{breaker=\"generate\",to=\"open\"}"));
  EXPECT_TRUE(contains(metrics, "troupe_generated_messages_total{generator=\"openai:tiny\"}"));
  EXPECT_TRUE(contains(metrics, "troupe_generated_messages_total{generator=\"template\"}"));
  EXPECT_TRUE(contains(metrics, "troupe_stage_items_total{outcome=\"passed\",stage=\"retrieve\"}"));
  EXPECT_TRUE(contains(metrics, "troupe_retrieval_cache_total{result=\"hit\"}"));

  // Each delivery says which generator wrote it; both did.
  EXPECT_EQ(shell("campaign export " + campaign + " d.jsonl")["exported"], delivered);
  std::ifstream file{dir / "d.jsonl"};
  std::string line;
  std::map<std::string, uint64_t> by_generator;
  std::vector<std::string> customers;
  std::vector<int64_t> sent_at; // each customer's delivery time: conversions come after it
  while (std::getline(file, line)) {
    auto d = json::parse(line);
    auto g = d["generator"].get<std::string>();
    ++by_generator[g];
    customers.push_back(d["customer_id"]);
    sent_at.push_back(d["delivered_at_ms"].get<int64_t>());
    if (g == "openai:tiny") {
      EXPECT_TRUE(contains(d["body"], "Dear ")) << line;
    }
    EXPECT_EQ(d["citations"].size(), 3u) << line;
  }
  EXPECT_GT(by_generator["openai:tiny"], 0u);
  EXPECT_GT(by_generator["template"], 0u);
  EXPECT_EQ(by_generator["openai:tiny"] + by_generator["template"], delivered);

  // Conversions for every fourth delivered customer, one sent twice, one
  // for a customer never delivered to, one bad line.
  {
    std::ofstream events{dir / "events.jsonl"};
    for (std::size_t i = 0; i < customers.size(); i += 4)
      events << json{{"customer_id", customers[i]}, {"campaign_id", campaign},
                     {"type", "conversion"}, {"ts", sent_at[i] + 60'000},
                     {"id", "ev-" + std::to_string(i)}}
                  .dump()
             << "\n";
    events << json{{"customer_id", customers[0]}, {"campaign_id", campaign},
                   {"type", "conversion"}, {"ts", "2026-11-22T12:00:00Z"}, {"id", "ev-0"}}
                .dump()
           << "\n";
    events << json{{"customer_id", "nobody"}, {"campaign_id", campaign}, {"type", "open"},
                   {"ts", 1}}
                .dump()
           << "\n";
    events << json{{"customer_id", "x"}, {"campaign_id", campaign}, {"type", "conversion"}}.dump()
           << "\n";
  }
  auto ingested = shell("event ingest events.jsonl");
  uint64_t converting = (customers.size() + 3) / 4;
  EXPECT_EQ(ingested["imported"], converting + 1);
  EXPECT_EQ(ingested["duplicates"], 1);
  EXPECT_EQ(ingested["unmatched"], 1);
  EXPECT_EQ(ingested["rejected"], 1);
  EXPECT_TRUE(contains(ingested["errors"][0]["reason"], "missing ts")) << ingested.dump();
  auto report = shell("campaign report " + campaign);
  ASSERT_TRUE(report.is_object());
  ASSERT_EQ(report["arms"].size(), 2u);
  uint64_t conversions = 0, audience = 0;
  for (auto& arm : report["arms"]) {
    conversions += arm["conversions"].get<uint64_t>();
    audience += arm["audience"].get<uint64_t>();
  }
  EXPECT_EQ(conversions, converting);
  EXPECT_EQ(audience, in_segment);
  EXPECT_TRUE(report["arms"][0]["z"].is_null()); // the control
  EXPECT_TRUE(report["arms"][1]["z"].is_number());
  EXPECT_GT(report["srm_p_value"].get<double>(), 0.0);
  auto by = shell("campaign report " + campaign + " --by device");
  EXPECT_GT(by["groups"].size(), 1u);
  auto text = run(shell_bin, {"--node", n.address(), "-c", "campaign report " + campaign},
                  dir.path(), 60s);
  EXPECT_EQ(text.code, 0);
  EXPECT_TRUE(contains(text.out, "sample ratio check")) << text.out;
  n.proc->signal(SIGTERM);
  EXPECT_EQ(n.proc->wait_for(10s), std::optional<int>{0});
}
