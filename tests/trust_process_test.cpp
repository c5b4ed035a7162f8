// The trust boundary against an attacker on the node's machine, with real
// processes: a node with tokens and a cluster secret refuses shells without
// a valid token, lets a viewer read but not delete, records the operator's
// commands in the audit chain; forged member messages (tests/tools/
// forge_client) from no credential, a viewer or an operator are refused
// and change nothing; a plain CAF client cannot connect; a BASP header
// claiming 4 GiB neither grows the node nor stalls it. Without tokens or
// TLS the node behaves as before, and member admission still refuses what
// a non-member forges.

#include <chrono>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "storage/keys.hpp"
#include "tests/security_fixture.hpp"

using namespace troupe::test;
using namespace std::chrono_literals;
using json = nlohmann::json;

namespace {

constexpr uint32_t shard_count = 64; // the node's default --shards
const std::string cluster_secret = "the-cluster-secret-0123456789";
const std::string victim = "c0001";

class trust_process_test : public security_fixture {
protected:
  /// A node with alice (operator), vic (viewer) and the cluster secret.
  running_node& start_secured() {
    auto& n = start("n1", std::nullopt, joined(with_tokens(), with_cluster_secret(cluster_secret)));
    EXPECT_TRUE(n.wait_ready()) << n.proc->err();
    return n;
  }

  /// After forged messages: `victim` is as `before`, the audit chain is
  /// intact, n1 alone leads with every shard, and the victim's shard is not
  /// sealed (an import into it and a delete from it finish within seconds).
  /// `secret`: the operator's token, or empty when the node has none.
  void expect_nothing_changed(const running_node& n, const std::string& secret,
                              const std::string& before) {
    auto now = shell_as(n, secret, "customer get " + victim);
    ASSERT_EQ(now.code, 0) << now.err;
    EXPECT_EQ(now.out, before);
    EXPECT_FALSE(contains(now.out, "forged@attacker.example")) << now.out;
    auto audit = shell_as(n, secret, "audit verify");
    ASSERT_EQ(audit.code, 0) << audit.out << audit.err;
    EXPECT_EQ(json::parse(audit.out)["intact"], true) << audit.out;
    auto nodes = shell_as(n, secret, "nodes");
    ASSERT_EQ(nodes.code, 0) << nodes.err;
    auto rows = json::parse(nodes.out);
    ASSERT_EQ(rows.size(), 1u) << nodes.out;
    EXPECT_EQ(rows[0]["node_id"], "n1");
    EXPECT_EQ(rows[0]["leader"], true);
    EXPECT_EQ(rows[0]["shards"], shard_count);

    auto shard = troupe::storage::keys::shard_of(victim, shard_count);
    std::string newcomer, neighbour;
    for (int i = 0; newcomer.empty(); ++i)
      if (troupe::storage::keys::shard_of("new" + std::to_string(i), shard_count) == shard)
        newcomer = "new" + std::to_string(i);
    for (int i = 2; neighbour.empty() && i <= 1000; ++i)
      if (troupe::storage::keys::shard_of(customer_id(i), shard_count) == shard)
        neighbour = customer_id(i);
    ASSERT_FALSE(neighbour.empty());
    write_file("newcomer.jsonl", customer_line(newcomer));
    auto imported = shell_as(n, secret, "import customers newcomer.jsonl", 20s);
    ASSERT_EQ(imported.code, 0) << imported.out << imported.err;
    EXPECT_EQ(json::parse(imported.out)["imported"], 1) << imported.out;
    EXPECT_LT(imported.took, 10s);
    auto erased = shell_as(n, secret, "customer delete " + neighbour, 20s);
    EXPECT_EQ(erased.code, 0) << erased.out << erased.err;
    EXPECT_LT(erased.took, 10s);
  }
};

TEST_F(trust_process_test, a_shell_without_a_valid_token_is_refused_every_command) {
  auto& n = start_secured();
  for (std::string command : {"health", "nodes", "customer delete c0001"}) {
    auto r = shell_as(n, "", command, 20s);
    EXPECT_EQ(r.code, 1) << command << ": " << r.out << r.err;
    // --json: the error is the answer, on stdout.
    auto said = json::parse(r.out)["error"].get<std::string>();
    EXPECT_TRUE(contains(said, "refused this shell: permission denied")) << command << ": " << said;
    EXPECT_TRUE(contains(said, "present a token")) << said;
  }
  auto wrong = shell_as(n, "a-token-this-node-never-issued", "health", 20s);
  EXPECT_EQ(wrong.code, 1) << wrong.out << wrong.err;
  EXPECT_TRUE(contains(wrong.out, "no token of this node matches")) << wrong.out;
  EXPECT_GE(refused(n, "authentication_failed"), 4);

  // The viewer's secret in TROUPE_TOKEN is a token like --token-file's.
  auto by_env = run(shell_bin, {"--node", n.address(), "-c", "health", "--json"}, dir.path(), 20s,
                    {{"TROUPE_TOKEN", viewer_secret}});
  ASSERT_EQ(by_env.code, 0) << by_env.err;
  EXPECT_EQ(json::parse(by_env.out)["caller"], "vic (viewer)") << by_env.out;
}

TEST_F(trust_process_test, a_viewer_reads_an_operator_deletes_and_the_audit_chain_names_them) {
  auto& n = start_secured();
  ASSERT_NO_FATAL_FAILURE(import_customers(n, operator_secret, 20));

  auto health = shell_as(n, viewer_secret, "health");
  ASSERT_EQ(health.code, 0) << health.err;
  auto h = json::parse(health.out);
  EXPECT_EQ(h["authentication"], "2 tokens, cluster secret") << health.out;
  EXPECT_EQ(h["caller"], "vic (viewer)") << health.out;
  for (std::string command : {"nodes", "campaign list"}) {
    auto r = shell_as(n, viewer_secret, command);
    EXPECT_EQ(r.code, 0) << command << ": " << r.err;
  }
  for (std::string command : {"customer delete c0003", "customer get c0003"}) {
    auto r = shell_as(n, viewer_secret, command);
    EXPECT_EQ(r.code, 1) << command << ": " << r.out << r.err;
    auto name = command.substr(0, command.rfind(' '));
    EXPECT_TRUE(contains(json::parse(r.out)["error"].get<std::string>(),
                         ": permission denied: " + name + " needs the operator role"))
      << r.out;
  }
  // As a person reads it, without --json.
  auto text = run(shell_bin, joined({"--node", n.address(), "-c", "customer delete c0003"},
                                    token_file(viewer_secret)),
                  dir.path(), 20s);
  EXPECT_EQ(text.code, 1) << text.out << text.err;
  EXPECT_TRUE(contains(text.err, "permission denied: customer delete needs the operator role"))
    << text.err;
  EXPECT_EQ(refused(n, "permission_denied"), 3);

  auto erased = shell_as(n, operator_secret, "customer delete c0003");
  ASSERT_EQ(erased.code, 0) << erased.err;
  EXPECT_EQ(json::parse(erased.out)["customer"], true) << erased.out;
  EXPECT_EQ(shell_as(n, operator_secret, "customer get c0003").code, 1);

  auto audit = shell_as(n, operator_secret, "audit verify");
  ASSERT_EQ(audit.code, 0) << audit.out << audit.err;
  auto a = json::parse(audit.out);
  EXPECT_EQ(a["intact"], true);
  EXPECT_EQ(a["commands"], 2) << audit.out; // the import and the delete
  bool named = false;
  for (const auto& line : a["recent_commands"]) {
    auto text = line.get<std::string>();
    EXPECT_FALSE(contains(text, "vic")) << text;
    named = named || (contains(text, "alice (operator) from 127.0.0.1:") &&
                      contains(text, ": customer delete c0003"));
  }
  EXPECT_TRUE(named) << audit.out;
}

TEST_F(trust_process_test, forged_member_messages_are_refused_and_change_nothing) {
  auto& n = start_secured();
  ASSERT_NO_FATAL_FAILURE(import_customers(n, operator_secret, 1000));
  auto before = shell_as(n, operator_secret, "customer get " + victim);
  ASSERT_EQ(before.code, 0) << before.err;

  auto plain = forge("plain-caf", n);
  EXPECT_EQ(plain.code, 0) << plain.out << plain.err;
  EXPECT_TRUE(contains(plain.out, "refused: ")) << plain.out;

  const std::vector<std::string> target{"--victim", victim, "--owner", "n1"};
  auto anonymous = forge("forge", n, target);
  EXPECT_EQ(anonymous.code, 0) << anonymous.out << anonymous.err;
  EXPECT_TRUE(contains(anonymous.out, "connect: refused: permission denied")) << anonymous.out;
  for (const auto& secret : {viewer_secret, operator_secret}) {
    auto r = forge("forge", n, joined(target, {"--token", secret}));
    EXPECT_EQ(r.code, 0) << r.out << r.err;
    EXPECT_TRUE(contains(r.out, "member handle: refused: permission denied: member handshake "
                                "needs the node role"))
      << r.out;
    for (std::string what : {"handoff batch", "handover", "drain"})
      EXPECT_TRUE(contains(r.out, "door " + what + ": refused: ")) << what << ": " << r.out;
    EXPECT_FALSE(contains(r.out, "ACCEPTED")) << r.out;
  }
  EXPECT_GE(refused(n, "permission_denied"), 2);
  ASSERT_TRUE(n.proc->running()) << n.proc->err();
  expect_nothing_changed(n, operator_secret, before.out);
}

TEST_F(trust_process_test, a_4_gib_header_neither_grows_the_node_nor_stalls_it) {
  auto& n = start_secured();
  // Warm: the first shell connection allocates what later ones reuse.
  ASSERT_EQ(shell_as(n, viewer_secret, "health").code, 0);
  auto start_kib = rss_kib(n.proc->pid());
  ASSERT_GT(start_kib, 0);

  std::vector<std::unique_ptr<process>> attackers;
  const auto port = std::to_string(n.cluster_port);
  for (int i = 0; i < 3; ++i) {
    attackers.push_back(std::make_unique<process>(
      forge_client_bin, std::vector<std::string>{"raw-header", "127.0.0.1", port, "--hold", "5"},
      dir.path()));
    attackers.push_back(std::make_unique<process>(
      forge_client_bin,
      std::vector<std::string>{"auth-then-header", "127.0.0.1", port, "--token", viewer_secret,
                               "--hold", "5"},
      dir.path()));
  }
  auto health = shell_as(n, viewer_secret, "health", 10s);
  EXPECT_EQ(health.code, 0) << health.out << health.err;
  long peak_kib = start_kib;
  bool all_done = eventually(
    [&] {
      peak_kib = std::max(peak_kib, rss_kib(n.proc->pid()));
      for (auto& a : attackers)
        if (a->running())
          return false;
      return true;
    },
    30s);
  ASSERT_TRUE(all_done);
  for (size_t i = 0; i < attackers.size(); ++i) {
    EXPECT_EQ(attackers[i]->wait_for(1s), 0) << attackers[i]->out() << attackers[i]->err();
    EXPECT_TRUE(contains(attackers[i]->out(), "closed by the node")) << attackers[i]->out();
    if (i % 2 == 1) {
      EXPECT_TRUE(contains(attackers[i]->out(), "authenticated")) << attackers[i]->out();
    }
  }
  EXPECT_LT(peak_kib - start_kib, 64 * 1024) << "from " << start_kib << " KiB";
  EXPECT_EQ(refused(n, "message_too_large"), 3);
  EXPECT_EQ(refused(n, "not_a_troupe_peer"), 3);
  EXPECT_EQ(shell_as(n, viewer_secret, "health").code, 0);
}

TEST_F(trust_process_test, without_tokens_or_tls_authentication_is_off_and_shells_work) {
  auto& n = start("n1");
  ASSERT_TRUE(n.wait_ready()) << n.proc->err();
  auto health = shell_as(n, "", "health");
  ASSERT_EQ(health.code, 0) << health.err;
  EXPECT_EQ(json::parse(health.out)["authentication"], "off") << health.out;
  EXPECT_TRUE(contains(json::parse(health.out)["caller"], "(open)")) << health.out;
  ASSERT_NO_FATAL_FAILURE(import_customers(n, "", 1000));
  auto erased = shell_as(n, "", "customer delete c0003");
  EXPECT_EQ(erased.code, 0) << erased.err;
  auto before = shell_as(n, "", "customer get " + victim);
  ASSERT_EQ(before.code, 0) << before.err;

  // Anyone may have the member handle now, but not speak as a member.
  auto r = forge("forge", n, {"--victim", victim, "--owner", "n1"});
  EXPECT_EQ(r.code, 4) << r.out << r.err;
  EXPECT_TRUE(contains(r.out, "member handle: granted")) << r.out;
  EXPECT_TRUE(contains(r.out, "member handoff batch: refused: ")) << r.out;
  EXPECT_FALSE(contains(r.out, "ACCEPTED")) << r.out;
  EXPECT_GE(refused(n, "not_a_member"), 3);
  expect_nothing_changed(n, "", before.out);
}

} // namespace
