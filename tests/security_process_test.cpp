// The trust boundary with real processes: a node asked to listen beyond
// loopback without TLS exits 2 unless --insecure, and then warns at every
// start; scripts/make-certs gives each role (node, operator, viewer) a
// certificate of one CA that carries its role, with which a two-node TLS
// cluster forms and an operator's shell reads `nodes`; the role decides:
// a viewer's certificate cannot delete, an operator's can, and a node with
// an operator's certificate cannot join; nodes sharing a cluster secret
// form a cluster, one with another secret cannot join.

#include <csignal>
#include <filesystem>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/node_runner.hpp"
#include "tests/process.hpp"
#include "tests/security_fixture.hpp"

using namespace troupe::test;
using namespace std::chrono_literals;
using json = nlohmann::json;

namespace {

class security_process_test : public security_fixture {};

const std::string insecure_warning = "WARN  admin: --insecure: the admin/cluster endpoint on ";

TEST_F(security_process_test, a_node_on_every_address_without_tls_exits_2_unless_insecure) {
  for (std::string host : {"0.0.0.0", "::"}) {
    auto r = run(node_bin,
                 {"--node-id", "n1", "--data-dir", (dir / "refused").string(),
                  "--cluster-host", host, "--cluster-port", std::to_string(free_port()),
                  "--http-port", std::to_string(free_port())},
                 dir.path(), 10s);
    EXPECT_EQ(r.code, 2) << host << ": " << r.out << r.err;
    for (auto part : {std::string{"--cluster-host"}, "'" + host + "'", std::string{"loopback"},
                      std::string{"--tls-cert"}, std::string{"--insecure"}})
      EXPECT_TRUE(contains(r.err, part)) << part << " in: " << r.err;
    EXPECT_FALSE(contains(r.err, "is up")) << r.err;
  }

  // With --insecure it starts, answers and warns, at this start and the next.
  const std::vector<std::string> insecure{"--cluster-host", "0.0.0.0", "--insecure"};
  auto& first = start("n1", std::nullopt, insecure);
  ASSERT_TRUE(first.wait_ready()) << first.proc->err();
  EXPECT_TRUE(healthy(first)) << first.proc->err();
  auto port = first.cluster_port;
  auto named = insecure_warning + "0.0.0.0:" + std::to_string(port);
  EXPECT_TRUE(contains(first.proc->err(), named)) << first.proc->err();
  EXPECT_TRUE(contains(first.proc->err(), "member and shell traffic is unencrypted and unauthenticated"))
      << first.proc->err();
  EXPECT_EQ(stop(first), 0) << first.proc->err();

  auto& again = start("n1", port, insecure);
  ASSERT_TRUE(again.wait_ready()) << again.proc->err();
  EXPECT_TRUE(healthy(again)) << again.proc->err();
  EXPECT_TRUE(contains(again.proc->err(), named)) << again.proc->err();
}

TEST_F(security_process_test, a_loopback_or_tls_node_starts_without_the_warning) {
  ASSERT_EQ(make_certs().code, 0);
  auto& plain = start("n1", std::nullopt, {"--cluster-host", "127.0.0.1"});
  auto tls_args = tls("node");
  tls_args.insert(tls_args.end(), {"--cluster-host", "0.0.0.0"});
  auto& with_tls = start("n2", std::nullopt, tls_args);
  for (auto* n : {&plain, &with_tls})
    ASSERT_TRUE(n->wait_ready()) << n->proc->err();
  EXPECT_TRUE(healthy(plain)) << plain.proc->err();
  shell_options = tls("operator");
  EXPECT_TRUE(healthy(with_tls)) << with_tls.proc->err();
  for (auto* n : {&plain, &with_tls})
    EXPECT_FALSE(contains(n->proc->err(), "--insecure")) << n->proc->err();
}

TEST_F(security_process_test, make_certs_gives_each_role_a_certificate_of_one_ca) {
  auto made = make_certs({"--nodes", "n1,n2"});
  ASSERT_EQ(made.code, 0) << made.out << made.err;
  for (auto [name, role] : {std::pair{"n1", "node"}, std::pair{"n2", "node"},
                            std::pair{"operator", "operator"}, std::pair{"viewer", "viewer"}}) {
    auto pem = (certs / (std::string{name} + ".pem")).string();
    auto shown = run("/usr/bin/env",
                     {"openssl", "x509", "-in", pem, "-noout", "-subject", "-ext",
                      "subjectAltName"},
                     dir.path(), 10s);
    ASSERT_EQ(shown.code, 0) << shown.err;
    EXPECT_TRUE(contains(shown.out, std::string{"OU = "} + role)) << shown.out;
    EXPECT_TRUE(contains(shown.out, std::string{"CN = "} + name)) << shown.out;
    EXPECT_TRUE(contains(shown.out, std::string{"URI:troupe:role:"} + role)) << shown.out;
    auto verified = run("/usr/bin/env",
                        {"openssl", "verify", "-CAfile", (certs / "ca.pem").string(), pem},
                        dir.path(), 10s);
    EXPECT_EQ(verified.code, 0) << verified.out << verified.err;
    EXPECT_TRUE(contains(verified.out, pem + ": OK")) << verified.out;
    auto key = certs / (std::string{name} + ".key");
    EXPECT_EQ(std::filesystem::status(key).permissions() & std::filesystem::perms::all,
              std::filesystem::perms::owner_read | std::filesystem::perms::owner_write)
        << key;
  }
  EXPECT_FALSE(std::filesystem::exists(certs / "node.pem"));

  // A directory that is not empty is refused, unless --force.
  auto again = make_certs();
  EXPECT_EQ(again.code, 2) << again.out << again.err;
  EXPECT_TRUE(contains(again.err, "--force")) << again.err;
  auto help = run(make_certs_bin, {"--help"}, dir.path(), 10s);
  EXPECT_EQ(help.code, 0);
  EXPECT_TRUE(contains(help.out, "--nodes")) << help.out;
}

TEST_F(security_process_test, a_tls_cluster_forms_with_the_scripts_certificates) {
  auto made = make_certs({"--nodes", "n1,n2"});
  ASSERT_EQ(made.code, 0) << made.out << made.err;
  shell_options = tls("operator");
  auto& n1 = start("n1", std::nullopt, tls("n1"));
  ASSERT_TRUE(n1.wait_ready()) << n1.proc->err();
  auto& n2 = start("n2", std::nullopt, tls("n2"));
  ASSERT_TRUE(n2.wait_ready()) << n2.proc->err();
  const std::map<std::string, std::string> both{{"n1", "up"}, {"n2", "up"}};
  for (auto* n : {&n1, &n2})
    EXPECT_TRUE(sees(*n, both)) << shell(*n, "nodes").out << shell(*n, "nodes").err
                                << n->proc->err();

  // A viewer may read `nodes` too.
  shell_options = tls("viewer");
  auto viewer = shell(n2, "nodes", 10s);
  ASSERT_EQ(viewer.code, 0) << viewer.err;
  EXPECT_EQ(json::parse(viewer.out).size(), 2u) << viewer.out;
  // Without a certificate the TLS port does not answer.
  shell_options.clear();
  auto plain = shell(n1, "nodes", 10s);
  EXPECT_EQ(plain.code, 1) << plain.out << plain.err;
}

TEST_F(security_process_test, with_tls_the_certificate_role_decides_what_a_peer_may_do) {
  auto made = make_certs({"--nodes", "n1"});
  ASSERT_EQ(made.code, 0) << made.out << made.err;
  auto& n1 = start("n1", std::nullopt, tls("n1"));
  ASSERT_TRUE(n1.wait_ready()) << n1.proc->err();
  shell_options = tls("operator");
  ASSERT_NO_FATAL_FAILURE(import_customers(n1, "", 5));

  shell_options = tls("viewer");
  auto health = shell(n1, "health", 10s);
  ASSERT_EQ(health.code, 0) << health.err;
  EXPECT_EQ(json::parse(health.out)["authentication"], "tls") << health.out;
  EXPECT_EQ(json::parse(health.out)["caller"], "viewer (viewer)") << health.out;
  auto denied = shell(n1, "customer delete c0002", 10s);
  EXPECT_EQ(denied.code, 1) << denied.out << denied.err;
  EXPECT_TRUE(contains(json::parse(denied.out)["error"].get<std::string>(),
                       ": permission denied: customer delete needs the operator role"))
    << denied.out;

  shell_options = tls("operator");
  auto erased = shell(n1, "customer delete c0002", 20s);
  ASSERT_EQ(erased.code, 0) << erased.err;
  EXPECT_EQ(json::parse(erased.out)["customer"], true) << erased.out;
  auto audit = shell(n1, "audit verify", 10s);
  ASSERT_EQ(audit.code, 0) << audit.err;
  auto lines = json::parse(audit.out)["recent_commands"];
  ASSERT_FALSE(lines.empty()) << audit.out;
  auto last = lines.back().get<std::string>();
  EXPECT_TRUE(contains(last, "operator (operator) from 127.0.0.1:")) << last;
  EXPECT_TRUE(contains(last, ": customer delete c0002")) << last;

  // A node holding an operator's certificate is no member.
  auto& impostor = start("n2", std::nullopt, tls("operator"));
  EXPECT_TRUE(eventually(
    [&] { return contains(impostor.proc->err(), "node role") || !impostor.proc->running(); },
    20s))
    << impostor.proc->err();
  EXPECT_TRUE(contains(impostor.proc->err(), "permission denied")) << impostor.proc->err();
  // In etcd it is live (etcd let it in: keep etcd's credentials from such
  // a node), but no member talks to it, so it is given no copy of anything.
  EXPECT_TRUE(holds_nothing(n1, "n2", 3s)) << shell(n1, "nodes").out;
}

TEST_F(security_process_test, nodes_sharing_a_cluster_secret_form_a_cluster_and_no_other_joins) {
  auto ours = joined(with_tokens(), with_cluster_secret("the-cluster-secret-0123456789"));
  auto& n1 = start("n1", std::nullopt, ours);
  ASSERT_TRUE(n1.wait_ready()) << n1.proc->err();
  auto& n2 = start("n2", std::nullopt, ours);
  ASSERT_TRUE(n2.wait_ready()) << n2.proc->err();
  shell_options = token_file(viewer_secret);
  const std::map<std::string, std::string> both{{"n1", "up"}, {"n2", "up"}};
  for (auto* n : {&n1, &n2})
    EXPECT_TRUE(sees(*n, both)) << shell(*n, "nodes").out << n->proc->err();

  auto theirs = joined(with_tokens(), with_cluster_secret("another-cluster-secret-987654"));
  auto& outsider = start("n3", std::nullopt, theirs);
  EXPECT_TRUE(eventually(
    [&] {
      return contains(outsider.proc->err(), "does not match") || !outsider.proc->running();
    },
    20s))
    << outsider.proc->err();
  EXPECT_TRUE(contains(outsider.proc->err(), "the cluster secret does not match"))
    << outsider.proc->err();
  EXPECT_GE(refused(n1, "authentication_failed"), 1);
  EXPECT_TRUE(holds_nothing(n1, "n3", 3s)) << shell(n1, "nodes").out;
}

} // namespace
