#pragma once
/// For the trust-boundary process tests: the cluster fixture, plus what a
/// secured node needs and shows. It makes certificates (scripts/make-certs),
/// writes a tokens file (an operator and a viewer), a cluster secret and
/// token files, runs the shell as a token, runs the attacker
/// (tests/tools/forge_client), and reads a node's /metrics series and its
/// resident memory.

#include <chrono>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "tests/cluster_fixture.hpp"
#include "tests/http_get.hpp"
#include "tests/node_runner.hpp"
#include "tests/process.hpp"

namespace troupe::test {

inline const std::string make_certs_bin = TROUPE_MAKE_CERTS;
inline const std::string forge_client_bin = TROUPE_FORGE_CLIENT;

/// `a` then `b` (node or shell options).
inline std::vector<std::string> joined(std::vector<std::string> a,
                                       const std::vector<std::string>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

class security_fixture : public cluster_fixture {
protected:
  std::filesystem::path certs = dir / "certs";

  /// The tokens `with_tokens` gives the node: alice (operator), vic (viewer).
  const std::string operator_secret = "alice-operator-secret-0123456789";
  const std::string viewer_secret = "vic-viewer-secret-0123456789";

  /// Runs scripts/make-certs into `certs` with `args` after it.
  run_result make_certs(std::vector<std::string> args = {}) {
    args.insert(args.begin(), certs.string());
    return run(make_certs_bin, args, dir.path(), 60s);
  }

  /// --tls-cert/--tls-key/--tls-ca of the script's certificate `name`.
  std::vector<std::string> tls(const std::string& name) const {
    return {"--tls-cert", (certs / (name + ".pem")).string(),
            "--tls-key",  (certs / (name + ".key")).string(),
            "--tls-ca",   (certs / "ca.pem").string()};
  }

  /// Writes `text` to `name` in the temp dir, readable by its owner only.
  std::string write_file(const std::string& name, const std::string& text) {
    auto path = dir / name;
    std::ofstream{path} << text;
    std::filesystem::permissions(path, std::filesystem::perms::owner_read |
                                         std::filesystem::perms::owner_write);
    return path.string();
  }

  /// Node options: --tokens with alice (operator) and vic (viewer).
  std::vector<std::string> with_tokens() {
    return {"--tokens", write_file("tokens", "# name role secret\nalice operator " +
                                               operator_secret + "\nvic viewer " +
                                               viewer_secret + "\n")};
  }

  /// Node options: --cluster-secret-file holding `secret`.
  std::vector<std::string> with_cluster_secret(const std::string& secret) {
    return {"--cluster-secret-file",
            write_file("cluster-secret-" + std::to_string(std::hash<std::string>{}(secret)),
                       secret + "\n")};
  }

  /// Shell options: --token-file holding `secret` (none when empty).
  std::vector<std::string> token_file(const std::string& secret) {
    if (secret.empty())
      return {};
    return {"--token-file",
            write_file("token-" + std::to_string(std::hash<std::string>{}(secret)),
                       secret + "\n")};
  }

  /// The shell's `command` as the token `secret` (none when empty).
  run_result shell_as(const running_node& n, const std::string& secret,
                      const std::string& command, std::chrono::milliseconds limit = 30s) {
    shell_options = token_file(secret);
    auto r = shell(n, command, limit);
    shell_options.clear();
    return r;
  }

  /// The id of the `i`th test customer: c0001, c0002, ...
  static std::string customer_id(int i) {
    char id[16];
    std::snprintf(id, sizeof(id), "c%04d", i);
    return id;
  }

  /// One small customer line of an import file.
  static std::string customer_line(const std::string& id) {
    return nlohmann::json{{"id", id}, {"email", id + "@example.com"}, {"order_count", 3}}.dump() +
           "\n";
  }

  /// Writes `count` customers (c0001, ...) to customers.jsonl and imports
  /// them into `n` as the token `secret` (or with `shell_options` when empty).
  void import_customers(const running_node& n, const std::string& secret, int count) {
    std::string text;
    for (int i = 1; i <= count; ++i)
      text += customer_line(customer_id(i));
    write_file("customers.jsonl", text);
    auto r = secret.empty() ? shell(n, "import customers customers.jsonl", 120s)
                            : shell_as(n, secret, "import customers customers.jsonl", 120s);
    ASSERT_EQ(r.code, 0) << r.out << r.err;
    EXPECT_EQ(nlohmann::json::parse(r.out)["imported"], count) << r.out;
  }

  /// Creates and starts on `n` the triggered campaign `later`: each
  /// customer's `viewed` event (once per dedup key) makes a send due
  /// `delay` after it. Returns the wall clock then, ms.
  int64_t start_later_campaign(const running_node& n, const std::string& delay) {
    write_file("later.json",
               R"({"id":"later","kind":"triggered","brief":{"product":"Shoes"},)"
               R"("arms":[{"name":"a","weight":1}],"trigger":{"event":"viewed"},)"
               R"("delay":")" + delay + R"(","reentry":"per_dedup_key"})");
    EXPECT_EQ(shell(n, "campaign create later.json").code, 0);
    EXPECT_EQ(shell(n, "campaign start later").code, 0);
    return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
  }

  /// `health --json` of `n` says ready.
  bool healthy(const running_node& n) {
    auto r = shell(n, "health", 10s);
    return r.code == 0 && nlohmann::json::parse(r.out)["ready"] == true;
  }

  /// SIGTERM, and the exit status (SIGKILL after 15 s).
  int stop(running_node& n) {
    n.proc->signal(SIGTERM);
    if (auto code = n.proc->wait_for(15s))
      return *code;
    n.proc->signal(SIGKILL);
    n.proc->wait_for(5s);
    return -SIGKILL;
  }

  /// forge_client `mode` against `n`, with `args` after the address.
  run_result forge(const std::string& mode, const running_node& n,
                   std::vector<std::string> args = {}) {
    args.insert(args.begin(), {mode, "127.0.0.1", std::to_string(n.cluster_port)});
    return run(forge_client_bin, args, dir.path(), 60s);
  }

  /// The sum of `n`'s /metrics samples of `family` whose labels hold
  /// `label` (e.g. reason="message_too_large"); 0 when there are none.
  double metric(const running_node& n, const std::string& family, const std::string& label) {
    std::istringstream page{http_get(n.url("/metrics")).body};
    double sum = 0;
    for (std::string line; std::getline(page, line);) {
      if (line.rfind(family + "{", 0) != 0 || !contains(line, label))
        continue;
      sum += std::stod(line.substr(line.rfind(' ') + 1));
    }
    return sum;
  }

  double refused(const running_node& n, const std::string& reason) {
    return metric(n, "troupe_refused_messages_total", "reason=\"" + reason + "\"");
  }

  /// VmRSS of process `pid` in KiB (/proc/PID/status), -1 if unreadable.
  static long rss_kib(pid_t pid) {
    std::ifstream status{"/proc/" + std::to_string(pid) + "/status"};
    for (std::string line; std::getline(status, line);)
      if (line.rfind("VmRSS:", 0) == 0)
        return std::stol(line.substr(6));
    return -1;
  }
};

} // namespace troupe::test
