// Replication with real troupe-node processes and a real etcd: three
// members keep every shard on two of them (--replication-factor 2). A
// member SIGKILLed mid-campaign loses nothing: its shards' in-sync
// replicas take over at a new epoch, every customer is still counted, the
// campaign completes with each selected customer delivered once, and the
// member, restarted with an empty data dir, is copied back in sync. A
// primary frozen (SIGSTOP) past its lease is replaced and, woken up, writes
// nothing under its old epoch (its store, copied while it is frozen before
// and after, says so): still each customer once.

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <future>
#include <map>
#include <random>
#include <set>
#include <sstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "storage/shard_position.hpp"
#include "storage/store.hpp"
#include "tests/cluster_fixture.hpp"
#include "tests/http_get.hpp"

using namespace troupe::test;
using namespace std::chrono_literals;
using json = nlohmann::json;

namespace {

/// Each generation call waits this long: the campaign runs long enough to
/// lose a member while it runs.
const std::vector<std::string> slow_generation{"--fault-generate", "latency-ms=300"};

class replication_process_test : public cluster_fixture {
protected:
  void SetUp() override { replication_factor = 2; }

  json health(const running_node& n) {
    auto r = shell(n, "health", 10s);
    return r.code == 0 ? json::parse(r.out) : json{};
  }

  /// The corpus version `health` of `n` gives (0 when it does not answer).
  uint64_t corpus_of(const running_node& n) {
    auto h = health(n);
    return h.is_object() ? h.value("corpus_version", uint64_t{0}) : 0;
  }

  /// `shards --json` of `n` (empty on failure).
  json shard_rows(const running_node& n) {
    auto r = shell(n, "shards", 10s);
    return r.code == 0 ? json::parse(r.out) : json::array();
  }

  /// True once `n` sees every shard with a live primary and `copies`
  /// in-sync copies (primary included), none on `absent`.
  bool replicated(const running_node& n, std::size_t copies, const std::string& absent = {},
                  std::chrono::seconds limit = 120s) {
    return eventually(
      [&] {
        auto rows = shard_rows(n);
        if (rows.size() != 64)
          return false;
        for (auto& row : rows) {
          if (!row["available"].get<bool>() || row["primary"] == absent)
            return false;
          if (row["in_sync"].size() + 1 != copies)
            return false;
          for (auto& r : row["in_sync"])
            if (r == absent || r == row["primary"])
              return false;
        }
        return true;
      },
      limit);
  }

  /// The epoch of every shard as `n` sees it.
  std::map<uint32_t, uint64_t> epochs(const running_node& n) {
    std::map<uint32_t, uint64_t> out;
    for (auto& row : shard_rows(n))
      out[row["shard"].get<uint32_t>()] = row["epoch"].get<uint64_t>();
    return out;
  }

  /// The applied positions of `shards` in member `id`'s store, read from a
  /// copy of its data dir (`id` must be frozen: SIGSTOP) named `name`.
  std::map<uint32_t, troupe::storage::position> positions_in_copy(
    const std::string& id, const std::set<uint32_t>& shards, const std::string& name) {
    std::map<uint32_t, troupe::storage::position> out;
    auto copy = dir / name;
    std::filesystem::copy(dir / ("data-" + id), copy, std::filesystem::copy_options::recursive);
    troupe::storage::store_options o;
    o.data_dir = copy;
    o.node_id = id;
    auto db = troupe::storage::store::open(o);
    if (!db.ok()) {
      ADD_FAILURE() << "a copy of " << id << "'s store does not open: " << db.err().message();
      return out;
    }
    for (auto shard : shards) {
      auto p = troupe::storage::load_position(**db, shard);
      if (!p.ok())
        ADD_FAILURE() << "shard " << shard << ": " << p.err().message();
      else
        out[shard] = *p;
    }
    return out;
  }

  /// The shards `id` is the primary of, as `n` sees them.
  std::set<uint32_t> led_by(const running_node& n, const std::string& id) {
    std::set<uint32_t> out;
    for (auto& row : shard_rows(n))
      if (row["primary"] == id)
        out.insert(row["shard"].get<uint32_t>());
    return out;
  }

  /// `campaign status` of the sample campaign from `n` once it counts every
  /// customer (at most 30 s; the last read otherwise). A member counts the
  /// shards it is the primary of while it holds its lease: as the campaign
  /// completes, a member whose lease lapsed under load, or a shard that
  /// switches primary, may be left out of a read for an instant.
  json settled_status(const running_node& n) {
    json done;
    eventually(
      [&] {
        auto r = shell(n, "campaign status " + sample_campaign);
        if (r.code == 0)
          done = json::parse(r.out);
        return done.value("processed", uint64_t{0}) == data.ids.size();
      },
      30s);
    return done;
  }

  /// Follows the sample campaign from `n` to its end, waits until every
  /// shard has two in-sync copies again (on `n`'s view), and returns the
  /// campaign's settled status.
  json run_to_end(const running_node& n) {
    auto watched = shell(n, "campaign status " + sample_campaign + " --watch --by-node", 600s);
    EXPECT_EQ(watched.code, 0) << watched.err;
    if (watched.code == 0) {
      EXPECT_EQ(json::parse(last_line(watched.out))["state"], "completed");
    }
    EXPECT_TRUE(replicated(n, 2, {}, 180s)) << shell(n, "shards").out;
    return settled_status(n);
  }

  /// The first lines of `n`'s log that mention `word` (for failure messages).
  static std::string log_lines(const running_node& n, const std::string& word) {
    std::istringstream in{n.proc->err()};
    std::string line, out;
    int left = 15;
    while (left > 0 && std::getline(in, line))
      if (line.find(word) != std::string::npos) {
        out += line + "\n";
        --left;
      }
    return out;
  }

  void expect_audit_intact(const running_node& n) {
    auto r = shell(n, "audit verify", 60s);
    ASSERT_EQ(r.code, 0) << r.out << r.err;
    auto v = json::parse(r.out);
    EXPECT_EQ(v["intact"], true) << v.dump();
    EXPECT_GT(v["chains"].get<uint64_t>(), 1u) << v.dump();
  }
};

TEST_F(replication_process_test, a_member_killed_mid_campaign_loses_nothing_and_comes_back) {
  generate_sample_workload();
  if (HasFatalFailure())
    return;
  ASSERT_NO_FATAL_FAILURE(start_three(slow_generation));
  auto& n1 = *nodes["n1"];
  auto& n2 = *nodes["n2"];
  auto& n3 = *nodes["n3"];
  // Two in-sync copies of every shard, on two members.
  ASSERT_TRUE(replicated(n1, 2)) << shell(n1, "shards").out;
  EXPECT_TRUE(eventually([&] { return health(n2)["shards_under_replicated"] == 0; }, 10s));
  auto h = health(n2);
  EXPECT_EQ(h["replication_factor"], 2);
  EXPECT_EQ(h["shards_unavailable"], 0);

  auto imported = shell(n2, "import customers customers.jsonl", 300s);
  ASSERT_EQ(imported.code, 0) << imported.err;
  EXPECT_EQ(json::parse(imported.out)["imported"], 100000);
  ASSERT_EQ(shell(n3, "import corpus corpus.jsonl", 120s).code, 0);
  for (auto* n : {&n1, &n2, &n3})
    EXPECT_EQ(count(*n), data.in_segment) << n->address() << ": replicas counted twice?";
  ASSERT_EQ(shell(n1, "campaign create campaign.json").code, 0);
  ASSERT_EQ(shell(n1, "campaign start " + sample_campaign).code, 0);
  ASSERT_TRUE(eventually([&] { return status(n1, sample_campaign).value("processed", 0) > 0; },
                         60s))
    << shell(n1, "campaign status " + sample_campaign).out;

  // SIGKILL n2, the primary of a third of the shards, mid-campaign.
  auto before = epochs(n1);
  auto lost = led_by(n1, "n2");
  ASSERT_FALSE(lost.empty());
  auto n2_port = n2.cluster_port;
  n2.proc->signal(SIGKILL);
  ASSERT_TRUE(n2.proc->wait_for(5s).has_value());
  // Its shards' replicas take over at a new epoch: every shard has a live
  // primary again, one copy each until n2 comes back.
  ASSERT_TRUE(eventually(
    [&] {
      auto rows = shard_rows(n1);
      if (rows.size() != 64)
        return false;
      for (auto& row : rows)
        if (!row["available"].get<bool>() || row["primary"] == "n2")
          return false;
      return true;
    },
    30s))
    << shell(n1, "shards").out << log_lines(n2, "replica") << log_lines(n1, "shard 13");
  auto after = epochs(n3);
  for (auto shard : lost)
    EXPECT_GT(after[shard], before[shard]) << "shard " << shard << " was promoted at its old epoch";
  EXPECT_GT(health(n1)["shards_under_replicated"].get<uint64_t>(), 0u);
  // Nothing of n2's was lost: every customer is counted by the survivors
  // (once the primaries have settled: a shard switching primary between
  // two members may be counted by both, or neither, while it switches).
  for (auto* n : {&n1, &n3}) {
    uint64_t counted = 0;
    EXPECT_TRUE(eventually([&] { return (counted = try_count(*n).value_or(0)) == data.in_segment; },
                           30s))
      << n->address() << " counts " << counted << " of " << data.in_segment << "\n"
      << log_lines(n2, "did not take") << log_lines(n1, "did not take")
      << log_lines(n3, "did not take") << log_lines(n1, "copying") << log_lines(n3, "copying");
  }

  // The campaign completes on the survivors, each customer once.
  auto watched = shell(n3, "campaign status " + sample_campaign + " --watch --by-node", 600s);
  ASSERT_EQ(watched.code, 0) << watched.err;
  EXPECT_EQ(json::parse(last_line(watched.out))["state"], "completed");
  auto done = settled_status(n3);
  expect_sample_campaign_done(done, data);
  expect_each_delivery_once({&n1, &n3}, sample_campaign, done["delivered"].get<uint64_t>());
  for (auto* n : {&n1, &n3})
    expect_audit_intact(*n);

  // n2 comes back with its disk lost: it is copied back in, two in-sync
  // copies of every shard again, and it counts what the others count.
  std::filesystem::remove_all(dir / "data-n2");
  auto& back = start("n2", n2_port, slow_generation);
  ASSERT_TRUE(back.wait_ready()) << back.proc->err();
  ASSERT_TRUE(sees(n1, three_up, 60s)) << shell(n1, "nodes").out;
  ASSERT_TRUE(replicated(n1, 2, {}, 180s)) << shell(n1, "shards").out;
  EXPECT_EQ(health(back)["shards_under_replicated"], 0);
  // The corpus came back with its shards: the version the others cite.
  auto corpus = corpus_of(n1);
  EXPECT_GT(corpus, 0u);
  EXPECT_EQ(corpus_of(back), corpus) << log_lines(n1, "corpus")
                                                    << log_lines(n3, "corpus");
  // Every replica as far as its primary in records, the copied-back ones
  // too (a full copy carries its source's count): lag 0 everywhere, as
  // `shards` and each member's troupe_replica_lag_records say.
  EXPECT_TRUE(eventually(
    [&] {
      for (auto& row : shard_rows(n1))
        for (auto& l : row["lag"])
          if (l.is_null() || l != 0)
            return false;
      return true;
    },
    30s))
    << shell(n1, "shards").out;
  // Each member sets it at its heartbeat, from the others' last ones.
  for (auto* n : {&n1, &back, &n3})
    EXPECT_TRUE(eventually(
      [&] { return contains(http_get(n->url("/metrics")).body, "troupe_replica_lag_records 0\n"); },
      10s))
      << n->address() << ": "
      << [&] {
           auto body = http_get(n->url("/metrics")).body;
           auto at = body.find("troupe_replica_lag_records ");
           return at == std::string::npos ? std::string{"no troupe_replica_lag_records"}
                                          : body.substr(at, body.find('\n', at) - at);
         }();
  uint64_t counted = 0;
  EXPECT_TRUE(
    eventually([&] { return (counted = try_count(back).value_or(0)) == data.in_segment; }, 30s))
    << counted;
  expect_sample_campaign_done(settled_status(back), data);
  expect_each_delivery_once({&n1, &back, &n3}, sample_campaign,
                            done["delivered"].get<uint64_t>());
  expect_audit_intact(back);
}

TEST_F(replication_process_test, a_primary_frozen_past_its_lease_writes_nothing_when_it_wakes) {
  ASSERT_NO_FATAL_FAILURE(generate_sample_data(dir, 20000, 200, 7, data));
  ASSERT_NO_FATAL_FAILURE(start_three(slow_generation));
  auto& n1 = *nodes["n1"];
  auto& n2 = *nodes["n2"];
  auto& n3 = *nodes["n3"];
  ASSERT_TRUE(replicated(n1, 2)) << shell(n1, "shards").out;
  auto imported = shell(n1, "import customers customers.jsonl", 300s);
  ASSERT_EQ(imported.code, 0) << imported.err;
  ASSERT_EQ(shell(n1, "import corpus corpus.jsonl", 120s).code, 0);
  ASSERT_EQ(shell(n1, "campaign create campaign.json").code, 0);
  ASSERT_EQ(shell(n1, "campaign start " + sample_campaign).code, 0);
  ASSERT_TRUE(eventually([&] { return status(n1, sample_campaign).value("processed", 0) > 0; },
                         60s));

  // Freeze n2 with batches in flight, well past its 2 s lease: the leader
  // promotes its shards' replicas. Woken, n2 finds its lease gone and its
  // epochs old: the replicas refuse its batches and it writes nothing.
  auto lost = led_by(n1, "n2");
  ASSERT_FALSE(lost.empty());
  n2.proc->signal(SIGSTOP);
  ASSERT_TRUE(eventually(
    [&] {
      for (auto& row : shard_rows(n1))
        if (row["primary"] == "n2")
          return false;
      return true;
    },
    30s))
    << shell(n1, "shards").out;
  auto promoted = epochs(n1);
  auto frozen = positions_in_copy("n2", lost, "frozen-n2");
  for (auto shard : lost) {
    EXPECT_GT(frozen[shard].seq, 0u) << "shard " << shard << ": n2 wrote nothing before";
    EXPECT_LT(frozen[shard].epoch, promoted[shard]) << "shard " << shard;
  }
  std::this_thread::sleep_for(1s);
  // Awake for a moment with what it had in flight, then frozen again to
  // look at its store: each lost shard is as it was, or being copied back
  // from its new primary (no position yet, or one at the new epoch). A
  // write under the old epoch would show as a later position at that epoch.
  n2.proc->signal(SIGCONT);
  std::this_thread::sleep_for(1500ms);
  n2.proc->signal(SIGSTOP);
  auto woken = positions_in_copy("n2", lost, "woken-n2");
  n2.proc->signal(SIGCONT);
  for (auto shard : lost) {
    auto was = frozen[shard];
    auto now = woken[shard];
    bool unchanged = now == was;
    bool copying = now == troupe::storage::position{} || now.epoch >= promoted[shard];
    EXPECT_TRUE(unchanged || copying)
      << "shard " << shard << ": " << to_string(was) << " when frozen, " << to_string(now)
      << " after it woke; promoted at epoch " << promoted[shard];
  }
  ASSERT_TRUE(sees(n1, three_up, 60s)) << shell(n1, "nodes").out;

  auto done = run_to_end(n3);
  expect_sample_campaign_done(done, data);
  expect_each_delivery_once({&n1, &n2, &n3}, sample_campaign, done["delivered"].get<uint64_t>());
  for (auto* n : {&n1, &n2, &n3})
    expect_audit_intact(*n);
}

} // namespace

namespace {

/// Faults one at a time while an import and then a campaign run, chosen at
/// random (the seed is printed; TROUPE_NEMESIS_SEED replays one,
/// TROUPE_NEMESIS_ROUNDS runs more than the 3 campaign rounds of the
/// suite): a member SIGKILLed and restarted on its data dir, or with it
/// deleted, or frozen (SIGSTOP) for up to 5 s. Before each fault every
/// shard is back to two in-sync copies (factor 2 survives one lost copy at
/// a time). The import's fault hits n2 or n3 (the shell imports through
/// n1) at a random moment of it; an import that fails is run again, as an
/// operator would, and what one acknowledges must stay. At the end: every
/// customer counted on every member, the campaign complete, each selected
/// customer delivered once, every audit chain intact.
class nemesis_test : public replication_process_test {
protected:
  /// One fault on `id`: SIGKILL and restart (maybe with its data dir
  /// deleted), or SIGSTOP for a while.
  void fault(std::mt19937& rng, const std::string& id, const std::string& when) {
    auto& victim = *nodes[id];
    auto port = victim.cluster_port;
    auto pause = std::chrono::milliseconds(500 + rng() % 4500);
    if (rng() % 3 != 2) {
      bool wipe = rng() % 2 == 0;
      std::printf("%s: SIGKILL %s, restart after %lld ms%s\n", when.c_str(), id.c_str(),
                  static_cast<long long>(pause.count()), wipe ? " with its data dir deleted" : "");
      std::fflush(stdout);
      victim.proc->signal(SIGKILL);
      ASSERT_TRUE(victim.proc->wait_for(5s).has_value());
      std::this_thread::sleep_for(pause);
      if (wipe)
        std::filesystem::remove_all(dir / ("data-" + id));
      auto& back = start(id, port, slow_generation);
      ASSERT_TRUE(back.wait_ready()) << back.proc->err();
    } else {
      std::printf("%s: SIGSTOP %s for %lld ms\n", when.c_str(), id.c_str(),
                  static_cast<long long>(pause.count()));
      std::fflush(stdout);
      victim.proc->signal(SIGSTOP);
      std::this_thread::sleep_for(pause);
      victim.proc->signal(SIGCONT);
    }
  }

  /// Two in-sync copies of every shard on every member's view, and still
  /// 3 s later: what a fault set off (a lease lapsed in a freeze, a replica
  /// taken out of sync) reaches etcd a moment after it, and a second fault
  /// before that would be two at once.
  void expect_replicated_before(const std::string& what) {
    for (int pass = 0; pass < 2; ++pass) {
      if (pass > 0)
        std::this_thread::sleep_for(3s);
      for (auto* id : {"n1", "n2", "n3"}) {
        auto& n = *nodes[id];
        ASSERT_TRUE(replicated(n, 2, {}, 180s))
          << "before " << what << ", on " << id << ": " << shell(n, "shards").out;
      }
    }
  }
};

TEST_F(nemesis_test, faults_one_at_a_time_lose_nothing_and_double_nothing) {
  auto seed = static_cast<uint32_t>(std::random_device{}());
  if (auto* s = std::getenv("TROUPE_NEMESIS_SEED"))
    seed = static_cast<uint32_t>(std::stoul(s));
  int rounds = 3;
  if (auto* r = std::getenv("TROUPE_NEMESIS_ROUNDS"))
    rounds = std::stoi(r);
  std::printf("nemesis seed %u, %d rounds (TROUPE_NEMESIS_SEED=%u replays it)\n", seed, rounds,
              seed);
  std::mt19937 rng{seed};
  SCOPED_TRACE("nemesis seed " + std::to_string(seed));

  ASSERT_NO_FATAL_FAILURE(generate_sample_data(dir, 20000, 200, 11, data));
  ASSERT_NO_FATAL_FAILURE(start_three(slow_generation));
  auto& n1 = *nodes["n1"];
  ASSERT_TRUE(replicated(n1, 2)) << shell(n1, "shards").out;
  ASSERT_EQ(shell(n1, "import corpus corpus.jsonl", 120s).code, 0);

  // The import, through n1, with a fault on n2 or n3 at a random moment.
  auto started = std::chrono::steady_clock::now();
  auto import = std::async(std::launch::async, [&] {
    return shell(n1, "import customers customers.jsonl", 300s);
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(50 + rng() % 700));
  ASSERT_NO_FATAL_FAILURE(fault(rng, rng() % 2 == 0 ? "n2" : "n3", "import"));
  auto imported = import.get();
  std::printf("import: exit %d after %lld ms\n", imported.code,
              static_cast<long long>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                       std::chrono::steady_clock::now() - started)
                                       .count()));
  for (int again = 0; imported.code != 0 && again < 5; ++again) {
    std::printf("import failed (%s): once more\n", imported.out.c_str());
    std::this_thread::sleep_for(2s);
    imported = shell(n1, "import customers customers.jsonl", 300s);
  }
  ASSERT_EQ(imported.code, 0) << imported.out << imported.err;
  ASSERT_EQ(json::parse(imported.out)["imported"], data.ids.size());

  ASSERT_NO_FATAL_FAILURE(expect_replicated_before("the campaign"));
  ASSERT_EQ(shell(n1, "campaign create campaign.json").code, 0);
  ASSERT_EQ(shell(n1, "campaign start " + sample_campaign).code, 0);
  std::vector<std::string> ids{"n1", "n2", "n3"};
  for (int round = 0; round < rounds; ++round) {
    ASSERT_NO_FATAL_FAILURE(expect_replicated_before("round " + std::to_string(round)));
    auto id = ids[rng() % ids.size()];
    ASSERT_NO_FATAL_FAILURE(fault(rng, id, "round " + std::to_string(round)));
  }

  auto& n3 = *nodes["n3"];
  ASSERT_TRUE(sees(n3, three_up, 60s)) << shell(n3, "nodes").out;
  auto done = run_to_end(n3);
  expect_sample_campaign_done(done, data);
  for (auto& id : ids) {
    uint64_t counted = 0;
    EXPECT_TRUE(eventually(
      [&] { return (counted = try_count(*nodes[id]).value_or(0)) == data.in_segment; }, 30s))
      << id << " counts " << counted << " of " << data.in_segment;
  }
  expect_each_delivery_once({nodes["n1"].get(), nodes["n2"].get(), nodes["n3"].get()},
                            sample_campaign, done["delivered"].get<uint64_t>());
  for (auto& id : ids)
    expect_audit_intact(*nodes[id]);
  // A member wiped and back got the corpus with its shards' copies.
  auto corpus = corpus_of(n3);
  EXPECT_GT(corpus, 0u);
  for (auto& id : ids)
    EXPECT_TRUE(eventually([&] { return corpus_of(*nodes[id]) == corpus; }, 60s))
      << id << ": corpus version " << corpus_of(*nodes[id]) << ", not " << corpus;
}

} // namespace
