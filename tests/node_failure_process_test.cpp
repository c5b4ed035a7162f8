// A node's failure paths with a real process: a flaky provider (dead
// letters, exports), bad options, a data dir in use, a missing node, a shell
// pointed at the wrong port, garbage on the cluster port, a port in use.

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

class node_failure_process_test : public ::testing::Test {
protected:
  temp_dir dir;
};

} // namespace

TEST_F(node_failure_process_test, a_flaky_provider_gives_dead_letters_and_export_writes_deliveries) {
  // Generation fails half of its calls and the breaker is set never to
  // open: a customer fails when all three attempts fail (dead letter), the
  // others are delivered.
  running_node n{dir, "n1", "data",
                 {"--shards", "4", // a shard ends when its slowest customer is done
                  "--fault-generate", "failure-rate=0.5", "--breaker-consecutive", "0",
                  "--breaker-min-calls", "1000000"}};
  ASSERT_TRUE(n.wait_ready()) << n.proc->err();
  auto address = n.address();
  auto shell = [&](const std::string& command) { return shell_json(dir, address, command); };
  sample_data data;
  ASSERT_NO_FATAL_FAILURE(generate_sample_data(dir, 2000, 200, 3, data));
  const auto& campaign = sample_campaign;
  // Relative paths: the shell runs in the test's directory.
  EXPECT_EQ(shell("import customers customers.jsonl")["imported"], 2000);
  shell("campaign create campaign.json");
  shell("campaign start " + campaign);
  json s;
  ASSERT_TRUE(wait_until_not_running(dir, address, campaign, 120s, s));
  EXPECT_EQ(s["state"], "completed");
  uint64_t failed = s["failed"], delivered = s["delivered"];
  EXPECT_GT(failed, 0u);
  EXPECT_GT(delivered, 0u);
  EXPECT_EQ(failed + delivered, s["in_segment"].get<uint64_t>());
  EXPECT_EQ(s["in_segment"], data.in_segment);

  auto dead = shell("deadletters list " + campaign);
  ASSERT_TRUE(dead.is_array());
  EXPECT_EQ(dead.size(), failed);
  EXPECT_EQ(dead[0]["stage"], "generate");
  EXPECT_TRUE(contains(dead[0]["reason"], "fails on purpose")) << dead[0].dump();
  EXPECT_TRUE(contains(dead[0]["reason"], "after 3 attempts")) << dead[0].dump();

  auto exported = shell("campaign export " + campaign + " deliveries.jsonl");
  EXPECT_EQ(exported["exported"], delivered);
  // Personal data, for the owner only: the export and the node's data dir.
  auto mode = [](const std::filesystem::path& p) {
    return std::filesystem::status(p).permissions() & std::filesystem::perms::all;
  };
  EXPECT_EQ(mode(dir / "deliveries.jsonl"),
            std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  EXPECT_EQ(mode(dir / "data"), std::filesystem::perms::owner_all);
  std::ifstream file{dir / "deliveries.jsonl"};
  std::string line;
  uint64_t lines = 0;
  std::set<std::string> customers;
  while (std::getline(file, line)) {
    auto d = json::parse(line);
    ++lines;
    customers.insert(d["customer_id"].get<std::string>());
    EXPECT_EQ(d["generator"], "template");
    EXPECT_TRUE(d["arm"] == "control" || d["arm"] == "personalized") << line;
  }
  EXPECT_EQ(lines, delivered);
  EXPECT_EQ(customers.size(), delivered);

  // Replay: every dead letter is tried once more; the ones delivered now
  // leave the dead letters and count as delivered.
  auto replay = shell("deadletters replay " + campaign);
  EXPECT_EQ(replay["tried"], failed);
  uint64_t now_delivered = replay["delivered"], still_failed = replay["failed"];
  EXPECT_GT(now_delivered, 0u);
  EXPECT_EQ(now_delivered + still_failed + replay["skipped"].get<uint64_t>(), failed);
  auto after = shell("campaign status " + campaign);
  EXPECT_EQ(after["delivered"], delivered + now_delivered);
  EXPECT_EQ(after["failed"], still_failed);
  EXPECT_EQ(shell("deadletters list " + campaign).size(), still_failed);
  EXPECT_EQ(shell("campaign export " + campaign + " all.jsonl")["exported"],
            delivered + now_delivered);

  auto breakers = shell("breakers");
  EXPECT_EQ(breakers[0]["state"], "closed");
  EXPECT_GT(breakers[0]["error_rate"].get<double>(), 0.3);

  // One customer's story (GDPR): everything held about a delivered customer
  // and about a dead-lettered one, exported, then erased for good.
  auto delivered_one = *customers.begin();
  auto still_dead = shell("deadletters list " + campaign);
  ASSERT_FALSE(still_dead.empty()) << "no dead letter left after the replay";
  std::string dead_one = still_dead[0]["customer_id"];
  auto held = shell("customer export " + delivered_one);
  EXPECT_EQ(held["customer"]["id"], delivered_one);
  EXPECT_EQ(held["deliveries"].size(), 1u);
  EXPECT_TRUE(held["dead_letters"].empty());
  auto to_file = shell("customer export " + dead_one + " held.json");
  EXPECT_EQ(to_file["file"], "held.json");
  std::ifstream held_file{dir / "held.json"};
  auto dead_held = json::parse(held_file);
  EXPECT_EQ(dead_held["dead_letters"].size(), 1u);
  EXPECT_TRUE(dead_held["deliveries"].empty());
  // Without --json the shell says what went.
  auto erased = run(shell_bin, {"--node", address, "-c", "customer delete " + delivered_one},
                    dir.path(), 60s);
  EXPECT_EQ(erased.code, 0) << erased.err;
  EXPECT_TRUE(contains(erased.out, "erased customer " + delivered_one
                                     + ": record, 1 deliveries, 0 dead letters, 0 events"))
    << erased.out;
  EXPECT_EQ(shell("customer delete " + dead_one)["dead_letters"], 1);
  EXPECT_EQ(shell("deadletters list " + campaign).size(), still_failed - 1);
  EXPECT_EQ(shell("campaign export " + campaign + " after.jsonl")["exported"],
            delivered + now_delivered - 1);
  auto get_gone = run(shell_bin, {"--node", address, "-c", "customer get " + delivered_one},
                      dir.path(), 60s);
  EXPECT_EQ(get_gone.code, 1) << get_gone.out;
  EXPECT_TRUE(contains(get_gone.err, "no customer")) << get_gone.err;
  auto audit = shell("audit verify");
  EXPECT_EQ(audit["intact"], true) << audit.dump();
  n.proc->signal(SIGTERM);
  EXPECT_EQ(n.proc->wait_for(5s), std::optional<int>{0});

  // Nothing of them comes back with a restart.
  running_node again{dir, "n1", "data", {"--shards", "4"}};
  ASSERT_TRUE(again.wait_ready()) << again.proc->err();
  for (auto& id : {delivered_one, dead_one}) {
    auto r = run(shell_bin, {"--node", again.address(), "-c", "customer export " + id},
                 dir.path(), 60s);
    EXPECT_EQ(r.code, 1) << id << ": " << r.out;
  }
  // Deleting again is not an error: it says nothing was held.
  auto twice = run(shell_bin, {"--node", again.address(), "-c", "customer delete " + dead_one},
                   dir.path(), 60s);
  EXPECT_EQ(twice.code, 0) << twice.err;
  EXPECT_TRUE(contains(twice.out, "nothing is held about customer " + dead_one)) << twice.out;
  again.proc->signal(SIGTERM);
  EXPECT_EQ(again.proc->wait_for(5s), std::optional<int>{0});
}

TEST_F(node_failure_process_test, a_bad_fault_spec_exits_2) {
  auto r = run(node_bin, {"--fault-generate", "failure-rate=7", "--data-dir",
                          (dir / "d").string()},
               dir.path());
  EXPECT_EQ(r.code, 2);
  EXPECT_TRUE(contains(r.err, "fault-generate")) << r.err;
}

TEST_F(node_failure_process_test, a_data_dir_in_use_or_of_another_node_is_refused) {
  running_node first{dir};
  ASSERT_TRUE(first.wait_ready()) << first.proc->err();
  running_node second{dir};
  auto code = second.proc->wait_for(10s);
  ASSERT_TRUE(code.has_value());
  EXPECT_EQ(*code, 1);
  EXPECT_TRUE(contains(second.proc->err(), "already open by another process"))
    << second.proc->err();
  first.proc->signal(SIGTERM);
  ASSERT_EQ(first.proc->wait_for(5s), std::optional<int>{0});

  running_node other{dir, "n2"};
  auto code2 = other.proc->wait_for(10s);
  ASSERT_TRUE(code2.has_value());
  EXPECT_EQ(*code2, 1);
  EXPECT_TRUE(contains(other.proc->err(), "belongs to node 'n1', not 'n2'"))
    << other.proc->err();
}

TEST_F(node_failure_process_test, shell_reports_a_missing_node_without_hanging) {
  auto port = free_port(); // nothing listens here
  auto r = run(shell_bin, {"--node", "127.0.0.1:" + std::to_string(port), "-c", "health",
                           "--timeout", "2000"},
               dir.path(), 10s);
  EXPECT_EQ(r.code, 1);
  EXPECT_TRUE(contains(r.err, "cannot reach node 127.0.0.1:" + std::to_string(port)))
    << r.err;
}

TEST_F(node_failure_process_test, shell_pointed_at_the_http_port_fails_cleanly) {
  running_node n{dir};
  ASSERT_TRUE(n.wait_ready()) << n.proc->err();
  auto r = run(shell_bin, {"--node", "127.0.0.1:" + std::to_string(n.http_port), "-c",
                           "health", "--timeout", "2000"},
               dir.path(), 10s);
  EXPECT_EQ(r.code, 1);
  EXPECT_TRUE(contains(r.err, "cannot reach node")) << r.err;
}

TEST_F(node_failure_process_test, garbage_on_the_cluster_port_does_not_hurt_the_node) {
  running_node n{dir};
  ASSERT_TRUE(n.wait_ready()) << n.proc->err();
  std::mt19937 rng{7};
  for (int attempt = 0; attempt < 5; ++attempt) {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(n.cluster_port);
    ASSERT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
    std::string junk(attempt == 0 ? 3 : 4096, '\0');
    for (auto& c : junk)
      c = static_cast<char>(rng());
    (void)!::write(fd, junk.data(), junk.size());
    ::close(fd);
  }
  auto r = run(shell_bin, {"--node", n.address(), "-c", "health", "--json"}, dir.path());
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(n.proc->running());
}

TEST_F(node_failure_process_test, a_port_in_use_is_a_clear_error) {
  running_node first{dir};
  ASSERT_TRUE(first.wait_ready()) << first.proc->err();
  auto r = run(node_bin,
               {"--node-id", "n9", "--data-dir", (dir / "other").string(), "--cluster-port",
                std::to_string(free_port()), "--http-port", std::to_string(first.http_port)},
               dir.path(), 10s);
  EXPECT_EQ(r.code, 1);
  EXPECT_TRUE(contains(r.err, "cannot serve HTTP on 127.0.0.1:" + std::to_string(first.http_port)))
    << r.err;
}
