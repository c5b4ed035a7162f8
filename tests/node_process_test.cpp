// troupe-node and troupe-shell as real processes on free loopback ports:
// HTTP endpoints over real HTTP, the shell over CAF, clean stop on SIGTERM,
// reopening the data dir, and the errors an operator meets first.

#include <csignal>
#include <fstream>
#include <map>
#include <netinet/in.h>
#include <random>
#include <set>
#include <unordered_map>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "segment/predicate.hpp"
#include "storage/json_codec.hpp"
#include "tests/blocklist_reference.hpp"
#include "tests/bm25_reference.hpp"
#include "tests/http_get.hpp"
#include "tests/node_runner.hpp"
#include "tests/node_shell.hpp"
#include "tests/process.hpp"
#include "tests/sample_workload.hpp"
#include "tests/temp_dir.hpp"

using namespace troupe::test;
using namespace std::chrono_literals;
using json = nlohmann::json;

namespace {

class node_process_test : public ::testing::Test {
protected:
  temp_dir dir;
};

} // namespace

TEST_F(node_process_test, help_describes_every_option) {
  auto node = run(node_bin, {"--help"}, dir.path());
  EXPECT_EQ(node.code, 0);
  for (auto opt : {"--config", "--node-id", "--data-dir", "--cluster-host",
                   "--cluster-port", "--http-host", "--http-port", "--scheduler-threads",
                   "--shards", "--log-level", "--version", "--help", "--restart-budget", "--pipeline-nice",
                   "--restart-window-ms", "--max-live-customers", "--customer-idle-ms",
                   "--generate-rate", "--generate-burst", "--limiter-max-wait-ms",
                   "--breaker-error-rate", "--breaker-min-calls", "--breaker-consecutive",
                   "--breaker-window-ms", "--breaker-cooldown-ms", "--breaker-trials",
                   "--provider-timeout-ms", "--fault-generate", "--blocklist",
                   "--cluster-secret-file", "--tokens", "--max-message-bytes",
                   "--max-unauthenticated", "--insecure"})
    EXPECT_TRUE(contains(node.out, opt)) << opt;
  auto shell = run(shell_bin, {"--help"}, dir.path());
  EXPECT_EQ(shell.code, 0);
  for (auto opt : {"--node", "--command", "--json", "--timeout", "--config", "--version",
                   "--token-file", "--token", "--tls-cert"})
    EXPECT_TRUE(contains(shell.out, opt)) << opt;
}

TEST_F(node_process_test, port_out_of_range_exits_2_naming_the_option) {
  auto r = run(node_bin, {"--http-port", "99999", "--data-dir", (dir / "d").string()},
               dir.path());
  EXPECT_EQ(r.code, 2);
  EXPECT_TRUE(contains(r.err, "http-port")) << r.err;
  EXPECT_TRUE(contains(r.err, "99999")) << r.err;
}

TEST_F(node_process_test, unknown_option_exits_2) {
  auto r = run(node_bin, {"--frobnicate"}, dir.path());
  EXPECT_EQ(r.code, 2);
  EXPECT_TRUE(contains(r.err, "frobnicate")) << r.err;
  auto s = run(shell_bin, {"--frobnicate"}, dir.path());
  EXPECT_EQ(s.code, 2);
}

TEST_F(node_process_test, serves_http_answers_the_shell_and_stops_cleanly_on_sigterm) {
  running_node n{dir};
  ASSERT_TRUE(n.wait_ready()) << n.proc->err();

  // The malloc the build chose (TROUPE_ALLOCATOR) is the one the node runs on.
  if (std::string allocator = TROUPE_NODE_ALLOCATOR; allocator != "system") {
    std::ifstream maps{"/proc/" + std::to_string(n.proc->pid()) + "/maps"};
    std::string text{std::istreambuf_iterator<char>{maps}, {}};
    EXPECT_TRUE(contains(text, "/lib" + allocator + ".so")) << allocator << " not mapped";
  }

  auto health = http_get(n.url("/health"));
  EXPECT_EQ(health.code, 200);
  auto metrics = http_get(n.url("/metrics"));
  ASSERT_EQ(metrics.code, 200);
  for (auto name : {"troupe_uptime_seconds", "process_resident_memory_bytes",
                    "troupe_rocksdb_estimated_keys{column=\"customers\"}",
                    "troupe_rocksdb_sst_bytes{column=\"metadata\"}",
                    "troupe_scheduler_threads 2", "process_virtual_memory_bytes",
                    "process_cpu_seconds_total", "process_open_fds", "process_max_fds"})
    EXPECT_TRUE(contains(metrics.body, name)) << name;
  // The standard process_start_time_seconds: when this process started
  // (Unix seconds), not zero nor the machine's boot.
  auto at = metrics.body.find("\nprocess_start_time_seconds ");
  ASSERT_NE(at, std::string::npos) << metrics.body;
  double started = std::stod(metrics.body.substr(at + 28));
  double now = std::chrono::duration<double>(
                 std::chrono::system_clock::now().time_since_epoch()).count();
  EXPECT_GT(started, now - 120) << metrics.body.substr(at, 60);
  EXPECT_LE(started, now + 1);
  EXPECT_EQ(http_get(n.url("/nope")).code, 404);

  // promtool (Debian's prometheus package) accepts the exposition.
  std::ofstream{dir / "metrics.txt"} << metrics.body;
  auto check = run("/bin/sh", {"-c", "promtool check metrics < " + (dir / "metrics.txt").string()},
                   dir.path());
  EXPECT_EQ(check.code, 0) << check.out << check.err;

  auto shell = run(shell_bin, {"--node", n.address(), "-c", "health", "--json"}, dir.path());
  ASSERT_EQ(shell.code, 0) << shell.err;
  auto h = json::parse(shell.out);
  EXPECT_EQ(h["node_id"], "n1");
  EXPECT_EQ(h["storage"], "open");
  EXPECT_EQ(h["schema_version"], 1);
  EXPECT_EQ(h["ready"], true);
  EXPECT_GE(h["uptime_ms"].get<int64_t>(), 0);

  auto text = run(shell_bin, {"--node", n.address(), "-c", "health"}, dir.path());
  EXPECT_EQ(text.code, 0);
  EXPECT_TRUE(contains(text.out, "storage   open")) << text.out;

  auto start = std::chrono::steady_clock::now();
  n.proc->signal(SIGTERM);
  auto code = n.proc->wait_for(5s);
  ASSERT_TRUE(code.has_value()) << "node did not stop within 5 s";
  EXPECT_EQ(*code, 0) << n.proc->err();
  EXPECT_LT(std::chrono::steady_clock::now() - start, 5s);
  auto log = n.proc->err();
  EXPECT_TRUE(contains(log, "flushed and closed")) << log;
  // Log lines carry time, level and component.
  EXPECT_TRUE(contains(log, "Z INFO  storage: opened")) << log;

  // The data dir reopens: same node id, same data dir.
  running_node again{dir};
  ASSERT_TRUE(again.wait_ready()) << again.proc->err();
  auto shell2 = run(shell_bin, {"--node", again.address(), "-c", "health", "--json"},
                    dir.path());
  EXPECT_EQ(shell2.code, 0) << shell2.err;
  again.proc->signal(SIGINT);
  auto code2 = again.proc->wait_for(5s);
  ASSERT_TRUE(code2.has_value());
  EXPECT_EQ(*code2, 0);
}

TEST_F(node_process_test, the_node_logs_its_version_the_options_given_and_fault_injection) {
  running_node plain{dir};
  ASSERT_TRUE(plain.wait_ready()) << plain.proc->err();
  EXPECT_TRUE(contains(plain.proc->err(), std::string{"troupe-node "} + TROUPE_VERSION
                                            + " starting as node n1"))
    << plain.proc->err();
  EXPECT_FALSE(contains(plain.proc->err(), "FAULT INJECTION")) << plain.proc->err();
  // The environment counts as given (TROUPE_*), as does a config file.
  std::ofstream{dir / "node.ini"} << "fault-generate = failure-rate=0.25\n";
  running_node faulty{dir, "n2", "data-n2",
                      {"--config", (dir / "node.ini").string(), "--frequency-cap", "3"}};
  ASSERT_TRUE(faulty.wait_ready()) << faulty.proc->err();
  auto log = faulty.proc->err();
  EXPECT_TRUE(contains(log, "--frequency-cap 3")) << log;
  EXPECT_TRUE(contains(log, "--fault-generate failure-rate=0.25")) << log;
  EXPECT_TRUE(contains(log, "--node-id n2")) << log;
  EXPECT_FALSE(contains(log, "--holdout-percent")) << "left at its default: " << log;
  EXPECT_TRUE(contains(log, "FAULT INJECTION is on in front of the generation provider "
                            "(failure-rate=0.250000, latency-ms=0)"))
    << log;
}

TEST_F(node_process_test, the_shell_lists_the_supervision_tree_and_the_breakers) {
  running_node n{dir};
  ASSERT_TRUE(n.wait_ready()) << n.proc->err();
  auto actors = run(shell_bin, {"--node", n.address(), "-c", "actors", "--json"}, dir.path());
  ASSERT_EQ(actors.code, 0) << actors.err;
  // Every child answers the supervisor's mailbox question (the cluster actor
  // and the member gateway once made CAF print `*** unexpected message`).
  EXPECT_EQ(n.proc->err().find("unexpected message"), std::string::npos) << n.proc->err();
  auto tree = json::parse(actors.out);
  std::vector<std::string> names;
  for (auto& e : tree) {
    names.push_back(e["name"]);
    EXPECT_EQ(e["state"], "running") << e.dump();
    EXPECT_EQ(e["restarts"], 0) << e.dump();
  }
  EXPECT_EQ(names, (std::vector<std::string>{
                     "node_guardian", "node_guardian/admin", "node_guardian/members", "node_guardian/cluster", "node_guardian/storage",
                     "node_guardian/customers",
                     "node_guardian/stages", "node_guardian/stages/limiter",
                     "node_guardian/stages/breaker:generate",
                     "node_guardian/stages/breaker:deliver", "node_guardian/campaigns", "node_guardian/replicas"}));
  auto breakers = run(shell_bin, {"--node", n.address(), "-c", "breakers", "--json"},
                      dir.path());
  ASSERT_EQ(breakers.code, 0) << breakers.err;
  auto list = json::parse(breakers.out);
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[0]["name"], "breaker:generate");
  EXPECT_EQ(list[1]["name"], "breaker:deliver");
  for (auto& b : list) {
    EXPECT_EQ(b["state"], "closed");
    EXPECT_EQ(b["transitions"], 0);
  }

  auto metrics = http_get(n.url("/metrics")).body;
  for (auto name : {"troupe_actor_restarts_total{child=\"breaker:generate\",supervisor=\"stages\"} 0",
                    "troupe_breaker_state{breaker=\"generate\"} 0",
                    "troupe_breaker_state{breaker=\"deliver\"} 0",
                    "troupe_breaker_transitions_total{breaker=\"generate\",to=\"open\"} 0",
                    "troupe_limiter_wait_seconds_count 0", "troupe_customer_actors_live 0",
                    "troupe_customer_activations_total 0",
                    "troupe_customer_passivations_total 0"})
    EXPECT_TRUE(contains(metrics, name)) << name;
  n.proc->signal(SIGTERM);
  EXPECT_EQ(n.proc->wait_for(5s), std::optional<int>{0});
}

TEST_F(node_process_test, import_reports_bad_lines_and_segment_count_matches_the_workload) {
  // The sample data at 100,000 customers, a corpus of 1,000, the sample
  // campaign and blocklist (scripts/sample_data.py); the node screens with
  // the blocklist.
  const std::size_t corpus_size = 1000;
  sample_data data;
  ASSERT_NO_FATAL_FAILURE(generate_sample_data(dir, 100000, corpus_size, 42, data));
  auto customers = (dir / "customers.jsonl").string();
  auto corpus_file = (dir / "corpus.jsonl").string();
  auto blocklist_file = (dir / "blocklist.txt").string();
  running_node n{dir, "n1", "data", {"--blocklist", blocklist_file}};
  ASSERT_TRUE(n.wait_ready()) << n.proc->err();
  auto imported = run(shell_bin, {"--node", n.address(), "-c", "import customers " + customers,
                                  "--json"},
                      dir.path(), 300s);
  ASSERT_EQ(imported.code, 0) << imported.err;
  auto r = json::parse(imported.out);
  EXPECT_EQ(r["imported"], 100000);
  EXPECT_EQ(r["rejected"], 0);
  auto count = run(shell_bin, {"--node", n.address(), "-c",
                               "segment count \"" + data.segment + "\"", "--json"},
                   dir.path(), 300s);
  ASSERT_EQ(count.code, 0) << count.err;
  EXPECT_EQ(json::parse(count.out)["count"], data.in_segment);

  // The corpus, for retrieval and the safety screen.
  auto corpus_imported = run(shell_bin, {"--node", n.address(), "-c",
                                         "import corpus " + corpus_file, "--json"},
                             dir.path(), 120s);
  ASSERT_EQ(corpus_imported.code, 0) << corpus_imported.err;
  EXPECT_EQ(json::parse(corpus_imported.out)["imported"], corpus_size);
  EXPECT_EQ(json::parse(corpus_imported.out)["rejected"], 0);

  // The sample campaign over them completes with the data's counts.
  for (const auto& command :
       {std::string{"campaign create campaign.json"}, "campaign start " + sample_campaign})
    ASSERT_EQ(run(shell_bin, {"--node", n.address(), "-c", command}, dir.path()).code, 0)
      << command;
  auto watched = run(shell_bin, {"--node", n.address(), "-c",
                                 "campaign status " + sample_campaign + " --watch", "--json"},
                     dir.path(), 300s);
  ASSERT_EQ(watched.code, 0) << watched.err;
  auto done = json::parse(last_line(watched.out)); // the stream's final status
  expect_sample_campaign_done(done, data);
  EXPECT_EQ(done["in_segment"], data.in_segment);
  EXPECT_EQ(done["failed"], 0);
  const uint64_t delivered = done["delivered"], blocked = done["blocked"];

  // What the run must have done, computed here from the data files:
  // the segment (the segment library on the parsed customers), the citations
  // (an independent brute-force BM25, per distinct query) and the blocklist
  // (a naive whole-word, case-insensitive search).
  auto terms = reference_blocklist(blocklist_file);
  ASSERT_FALSE(terms.empty()) << "no terms in " << blocklist_file;
  auto blocked_term = [&](const std::string& text) { return first_blocked_term(text, terms); };

  std::vector<troupe::v1::ContentDocument> corpus;
  std::map<std::string, std::string> doc_term; // approved id -> blocklist term in title+body
  {
    std::ifstream file{corpus_file};
    std::string line;
    while (std::getline(file, line)) {
      auto d = troupe::storage::document_from_json(line);
      ASSERT_TRUE(d.ok()) << line;
      if (d->approved())
        doc_term[d->id()] = blocked_term(d->title() + "\n" + d->body());
      corpus.push_back(*d);
    }
  }
  ASSERT_EQ(corpus.size(), corpus_size);
  bm25_reference bm25{corpus};

  auto spec = json::parse(std::ifstream{dir / "campaign.json"});
  std::vector<std::string> keywords;
  for (const auto& k : spec["brief"]["keywords"])
    for (auto& t : reference_tokens(k.get<std::string>()))
      keywords.push_back(t);
  const std::size_t citations = spec["citations"];
  ASSERT_EQ(citations, 3u);
  auto segment = troupe::segment::predicate::compile(spec["segment"].get<std::string>());
  ASSERT_TRUE(segment.ok()) << segment.err().message();

  std::map<std::set<std::string>, std::vector<std::string>> top_of_query;
  std::unordered_map<std::string, std::vector<std::string>> expected; // in segment: top 3
  uint64_t expected_blocked = 0;
  {
    std::ifstream file{customers};
    std::string line;
    while (std::getline(file, line)) {
      auto c = troupe::storage::customer_from_json(line);
      ASSERT_TRUE(c.ok()) << line;
      if (!segment->selects(*c))
        continue;
      std::set<std::string> query(keywords.begin(), keywords.end());
      for (const auto& category : c->categories())
        for (auto& t : reference_tokens(category))
          query.insert(t);
      auto it = top_of_query.find(query);
      if (it == top_of_query.end()) {
        auto ranked = bm25.rank({query.begin(), query.end()});
        std::vector<std::string> top;
        for (std::size_t i = 0; i < ranked.size() && i < citations; ++i)
          top.push_back(ranked[i].second);
        it = top_of_query.emplace(query, top).first;
      }
      bool hits = false;
      for (const auto& doc : it->second)
        hits = hits || !doc_term.at(doc).empty();
      expected_blocked += hits ? 1 : 0;
      expected.emplace(c->id(), it->second);
    }
  }
  // The segment library agrees with the naive evaluation.
  ASSERT_EQ(expected.size(), data.in_segment);
  for (const auto& [query, top] : top_of_query)
    EXPECT_EQ(top.size(), 3u) << "a query with fewer than 3 documents of positive score";

  // Every delivery: in the segment, once; its citations are the top 3 of
  // the brute force, in order, all approved; neither its message nor a
  // cited document carries a blocklist term.
  auto exported = run(shell_bin, {"--node", n.address(), "-c",
                                  "campaign export " + sample_campaign + " "
                                    + (dir / "deliveries.jsonl").string(),
                                  "--json"},
                      dir.path(), 300s);
  ASSERT_EQ(exported.code, 0) << exported.err;
  EXPECT_EQ(json::parse(exported.out)["exported"], delivered);
  std::set<std::string> delivered_ids;
  uint64_t lines = 0, outside = 0, wrong_citations = 0, unsafe = 0;
  std::string examples;
  auto example = [&](const std::string& what) {
    if (examples.size() < 2000)
      examples += what + "\n";
  };
  {
    std::ifstream file{dir / "deliveries.jsonl"};
    std::string line;
    while (std::getline(file, line)) {
      ++lines;
      auto d = json::parse(line);
      auto id = d["customer_id"].get<std::string>();
      EXPECT_TRUE(delivered_ids.insert(id).second) << "delivered twice: " << id;
      EXPECT_EQ(d["campaign_id"], sample_campaign);
      auto it = expected.find(id);
      if (it == expected.end()) {
        ++outside;
        example("not in the segment: " + line);
        continue;
      }
      auto cited = d["citations"].get<std::vector<std::string>>();
      if (cited != it->second) {
        ++wrong_citations;
        example("citations " + d["citations"].dump() + " expected "
                + json(it->second).dump() + ": " + id);
      }
      auto message = d["subject"].get<std::string>() + "\n" + d["body"].get<std::string>();
      if (auto term = blocked_term(message); !term.empty()) {
        ++unsafe;
        example("term '" + term + "' in the message: " + line);
      }
      for (const auto& doc : cited) {
        auto text = doc_term.find(doc);
        if (text == doc_term.end()) {
          ++unsafe;
          example("cites a document that is not approved: " + doc + " in " + line);
        } else if (!text->second.empty()) {
          ++unsafe;
          example("term '" + text->second + "' in the cited " + doc + ": " + id);
        }
      }
    }
  }
  EXPECT_EQ(lines, delivered);
  EXPECT_EQ(outside, 0u);
  EXPECT_EQ(wrong_citations, 0u);
  EXPECT_EQ(unsafe, 0u);
  EXPECT_TRUE(examples.empty()) << examples;

  // Blocked exactly: the in-segment customers whose top 3 cites a document
  // with a blocklist term (the template message carries none, as the
  // deliveries show), and every other in-segment customer is delivered.
  EXPECT_GT(expected_blocked, 0u);
  EXPECT_EQ(blocked, expected_blocked);
  uint64_t undelivered = 0;
  for (const auto& [id, top] : expected) {
    bool hits = false;
    for (const auto& doc : top)
      hits = hits || !doc_term.at(doc).empty();
    if (!hits && delivered_ids.count(id) == 0 && ++undelivered <= 5)
      ADD_FAILURE() << "safe but not delivered: " << id;
  }
  EXPECT_EQ(undelivered, 0u);
  EXPECT_EQ(delivered, data.in_segment - expected_blocked);

  // The report: the arms' audiences follow the weights and add up to the segment.
  auto reported = run(shell_bin, {"--node", n.address(), "-c",
                                  "campaign report " + sample_campaign, "--json"},
                      dir.path(), 120s);
  ASSERT_EQ(reported.code, 0) << reported.err;
  auto report = json::parse(reported.out);
  uint64_t audience = 0, arms_delivered = 0, arms_blocked = 0;
  ASSERT_EQ(report["arms"].size(), 2u) << report.dump();
  for (const auto& arm : report["arms"]) {
    audience += arm["audience"].get<uint64_t>();
    arms_delivered += arm["delivered"].get<uint64_t>();
    arms_blocked += arm["blocked"].get<uint64_t>();
  }
  EXPECT_EQ(audience, data.in_segment) << report.dump();
  EXPECT_EQ(arms_delivered, delivered) << report.dump();
  EXPECT_EQ(arms_blocked, blocked) << report.dump();
  ASSERT_TRUE(report["srm_p_value"].is_number()) << report.dump();
  EXPECT_GT(report["srm_p_value"].get<double>(), 0.001) << report.dump();

  // Bad lines: reported by number and reason; the good ones are kept;
  // re-importing the same id upserts.
  std::ofstream{dir / "bad.jsonl"} << json{{"id", data.ids.front()}, {"first_name", "Renamed"},
                                           {"tier", "gold"}}
                                        .dump()
                                   << "\nnot json\n"
                                   << R"({"first_name":"NoId"})" << "\n"
                                   << R"({"id":"x2","order_count":"many"})" << "\n"
                                   << "\n"
                                   << R"({"id":"x3","tier":"gold"})" << "\n";
  auto bad = run(shell_bin, {"--node", n.address(), "-c",
                             "import customers " + (dir / "bad.jsonl").string(), "--json"},
                 dir.path());
  ASSERT_EQ(bad.code, 0) << bad.err;
  EXPECT_EQ(json::parse(bad.out),
            json::parse(R"({"imported":2,"rejected":3,"errors":[)"
                        R"({"line":2,"reason":"not valid JSON"},)"
                        R"({"line":3,"reason":"missing id"},)"
                        R"({"line":4,"reason":"field 'order_count' must be a whole number, not string"}]})"));
  auto gold = run(shell_bin, {"--node", n.address(), "-c",
                              "segment count \"tier = 'gold'\"", "--json"},
                  dir.path());
  EXPECT_EQ(json::parse(gold.out)["count"], 2);
  auto renamed = run(shell_bin, {"--node", n.address(), "-c",
                                 "segment count \"first_name = 'Renamed'\""},
                     dir.path());
  EXPECT_EQ(renamed.out, "1\n");

  // A bad predicate is refused with its position; a missing file is named.
  auto wrong = run(shell_bin, {"--node", n.address(), "-c", "segment count 'region = '"},
                   dir.path());
  EXPECT_EQ(wrong.code, 1);
  EXPECT_TRUE(contains(wrong.err, "at position 10: expected a field name or a value")) << wrong.err;
  auto missing = run(shell_bin, {"--node", n.address(), "-c", "import customers /nonexistent.jsonl"},
                     dir.path());
  EXPECT_EQ(missing.code, 1);
  EXPECT_TRUE(contains(missing.err, "cannot read /nonexistent.jsonl")) << missing.err;
  // A directory is no file of lines (it once imported 0, or committed an
  // empty corpus version): refused, exit 1, nothing sent.
  for (const std::string kind : {"customers", "corpus"}) {
    auto directory = run(shell_bin, {"--node", n.address(), "-c", "import " + kind + " /tmp"},
                         dir.path());
    EXPECT_EQ(directory.code, 1) << kind;
    EXPECT_TRUE(contains(directory.err, "cannot read /tmp: it is a directory")) << directory.err;
  }
  // A spec file that cannot be read fails as an import's does: exit 1, not 2
  // (the command was well formed; 2 is for usage only).
  auto no_spec = run(shell_bin, {"--node", n.address(), "campaign", "create", "/nonexistent.json"},
                     dir.path());
  EXPECT_EQ(no_spec.code, 1) << no_spec.err;
  EXPECT_TRUE(contains(no_spec.err, "cannot read /nonexistent.json")) << no_spec.err;

  auto metrics = http_get(n.url("/metrics")).body;
  EXPECT_TRUE(contains(metrics, "troupe_import_records_total{kind=\"customers\",result=\"imported\"} 100002"))
    << metrics;
  n.proc->signal(SIGTERM);
  // (15 s: a node holding 100,000 customers under ASan on a loaded 2-core
  // machine took over 5 s to close its store.)
  EXPECT_EQ(n.proc->wait_for(15s), std::optional<int>{0});
}
