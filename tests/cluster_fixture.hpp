#pragma once
/// For cluster process tests: a real etcd and real troupe-node members on
/// loopback ports (reading etcd every 200 ms, leases of 2 s), the shell
/// against any of them, and waits on what `nodes --json` shows.

#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <thread>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/etcd_server.hpp"
#include "tests/node_runner.hpp"
#include "tests/process.hpp"
#include "tests/sample_workload.hpp"
#include "tests/temp_dir.hpp"

namespace troupe::test {

using namespace std::chrono_literals;


inline const std::vector<std::string> fast_heartbeats{"--heartbeat-interval-ms", "200",
                                                      "--lease-ttl-seconds", "2"};

class cluster_fixture : public ::testing::Test {
protected:
  temp_dir dir;
  sample_data data;

  /// Writes the sample data (100,000 customers, a corpus of 1,000, the
  /// sample campaign) into the temp dir, and reads it back into `data`.
  void generate_sample_workload() {
    ASSERT_NO_FATAL_FAILURE(generate_sample_data(dir, 100000, 1000, 42, data));
  }

  /// `campaign status --json` of `id` as `n` reports it (null on failure).
  nlohmann::json status(const running_node& n, const std::string& id) {
    auto r = shell(n, "campaign status " + id, 20s);
    return r.code == 0 ? nlohmann::json::parse(r.out) : nlohmann::json{};
  }
  std::map<std::string, std::unique_ptr<running_node>> nodes;

  /// The etcd every member of the test keeps the cluster in.
  std::unique_ptr<etcd_server> etcd;

  /// --replication-factor of every member: 1 (one copy per shard, moved
  /// whole) unless a test of replication says otherwise.
  unsigned replication_factor = 1;

  /// The options a member of this test's cluster takes.
  std::vector<std::string> member_options() {
    if (!etcd)
      etcd = std::make_unique<etcd_server>();
    auto extra = fast_heartbeats;
    extra.insert(extra.end(), {"--etcd", etcd->endpoint(), "--replication-factor",
                               std::to_string(replication_factor)});
    return extra;
  }

  running_node& start(const std::string& id, std::optional<uint16_t> port = std::nullopt,
                      const std::vector<std::string>& more = {}) {
    auto extra = member_options();
    extra.insert(extra.end(), more.begin(), more.end());
    auto n = std::make_unique<running_node>(dir, id, "data-" + id, extra, port);
    auto& ref = *n;
    nodes[id] = std::move(n);
    return ref;
  }

  /// n1, then n2 and n3, each with `more`, until n1 sees the three up with
  /// their shards balanced. Use it as ASSERT_NO_FATAL_FAILURE(start_three(...)).
  void start_three(const std::vector<std::string>& more = {},
                   std::chrono::seconds limit = 60s) {
    auto& n1 = start("n1", std::nullopt, more);
    ASSERT_TRUE(n1.wait_ready()) << n1.proc->err();
    auto& n2 = start("n2", std::nullopt, more);
    auto& n3 = start("n3", std::nullopt, more);
    ASSERT_TRUE(n2.wait_ready()) << n2.proc->err();
    ASSERT_TRUE(n3.wait_ready()) << n3.proc->err();
    ASSERT_TRUE(sees(n1, three_up, limit)) << shell(n1, "nodes").out;
  }

  const std::map<std::string, std::string> three_up{{"n1", "up"}, {"n2", "up"}, {"n3", "up"}};

  /// Options every `shell` call adds (e.g. --tls-cert/--tls-key/--tls-ca).
  std::vector<std::string> shell_options;

  run_result shell(const running_node& n, const std::string& command,
                   std::chrono::milliseconds limit = 60s) {
    std::vector<std::string> args{"--node", n.address(), "-c", command, "--json"};
    args.insert(args.end(), shell_options.begin(), shell_options.end());
    return run(shell_bin, args, dir.path(), limit);
  }

  /// `nodes --nlohmann::json` of `n`, by member id.
  std::map<std::string, nlohmann::json> members(const running_node& n) {
    std::map<std::string, nlohmann::json> out;
    auto r = shell(n, "nodes", 10s);
    if (r.code != 0)
      return out;
    for (auto& row : nlohmann::json::parse(r.out))
      out[row["node_id"].get<std::string>()] = row;
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

  /// True if, for `limit` (checked every 200 ms), `n` sees member `id`
  /// holding no shard and no replica.
  bool holds_nothing(const running_node& n, const std::string& id,
                     std::chrono::milliseconds limit) {
    auto until = std::chrono::steady_clock::now() + limit;
    do {
      auto m = members(n);
      auto it = m.find(id);
      if (it != m.end()
          && (it->second.value("shards", 0u) != 0 || it->second.value("replicas", 0u) != 0))
        return false;
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
    } while (std::chrono::steady_clock::now() < until);
    return true;
  }

  /// The sample segment's count from `n`; nullopt while `n` cannot count
  /// every customer (a member it reaches a moment after a restart).
  std::optional<uint64_t> try_count(const running_node& n) {
    auto r = shell(n, "segment count \"" + data.segment + "\"", 120s);
    if (r.code != 0)
      return std::nullopt;
    return nlohmann::json::parse(r.out)["count"].get<uint64_t>();
  }

  uint64_t count(const running_node& n) {
    auto r = shell(n, "segment count \"" + data.segment + "\"", 120s);
    EXPECT_EQ(r.code, 0) << r.out << r.err;
    return r.code == 0 ? nlohmann::json::parse(r.out)["count"].get<uint64_t>() : 0;
  }

  /// Exports `campaign`'s deliveries from each of `members` and checks that,
  /// together, they hold `delivered` deliveries, each customer at most once.
  void expect_each_delivery_once(const std::vector<running_node*>& members,
                                 const std::string& campaign, uint64_t delivered) {
    std::set<std::string> delivered_to;
    uint64_t exported = 0;
    for (auto* n : members) {
      auto file = "deliveries-" + std::to_string(n->cluster_port) + ".jsonl";
      auto r = shell(*n, "campaign export " + campaign + " " + file, 120s);
      ASSERT_EQ(r.code, 0) << r.err;
      std::ifstream in{dir / file};
      std::string line;
      while (std::getline(in, line)) {
        ++exported;
        delivered_to.insert(nlohmann::json::parse(line)["customer_id"].get<std::string>());
      }
    }
    EXPECT_EQ(exported, delivered);
    EXPECT_EQ(delivered_to.size(), exported) << "a customer was delivered twice";
  }
};

} // namespace troupe::test
