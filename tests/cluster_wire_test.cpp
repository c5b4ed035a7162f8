// The cluster port (CAF/BASP, --cluster-port) of a real two-node cluster on
// loopback: random bytes, a truncated BASP message and a half-sent header
// that stays open leave the members' link up; with --tls-cert/--tls-key/
// --tls-ca the members form a cluster, while shells and nodes without a
// certificate of the cluster's CA are refused without tearing the members'
// links down; bad TLS option sets exit 2 naming the option.

#include <csignal>
#include <map>
#include <random>

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/http_get.hpp"
#include "tests/etcd_server.hpp"
#include "tests/node_runner.hpp"
#include "tests/process.hpp"
#include "tests/temp_dir.hpp"

using namespace troupe::test;
using namespace std::chrono_literals;
using json = nlohmann::json;

namespace {

const std::vector<std::string> fast_heartbeats{"--heartbeat-interval-ms", "200",
                                               "--lease-ttl-seconds", "2"};

/// A TCP connection to 127.0.0.1:port, closed when it goes away.
class raw_connection {
public:
  explicit raw_connection(uint16_t port) : fd_{::socket(AF_INET, SOCK_STREAM, 0)} {
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(port);
    connected_ =
        fd_ >= 0 && ::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0;
  }
  ~raw_connection() { close(); }
  raw_connection(const raw_connection&) = delete;
  raw_connection& operator=(const raw_connection&) = delete;

  bool connected() const { return connected_; }

  /// Sends what it can; the node may close the connection half-way (no SIGPIPE).
  void send(const std::string& bytes) {
    std::size_t sent = 0;
    while (sent < bytes.size()) {
      auto n = ::send(fd_, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
      if (n <= 0)
        return;
      sent += static_cast<std::size_t>(n);
    }
  }

  void close() {
    if (fd_ >= 0)
      ::close(fd_);
    fd_ = -1;
  }

private:
  int fd_;
  bool connected_ = false;
};

std::string random_bytes(std::mt19937& rng, std::size_t n) {
  std::string out(n, '\0');
  for (auto& c : out)
    c = static_cast<char>(rng());
  return out;
}

void put_big_endian(std::string& out, uint64_t value, int bytes) {
  for (int i = bytes - 1; i >= 0; --i)
    out.push_back(static_cast<char>((value >> (8 * i)) & 0xff));
}

/// A well-formed 32-byte BASP header (CAF 0.17: operation, 2 padding bytes,
/// flags, payload_len, operation_data, source and dest actor; network byte
/// order) of a client handshake that announces `payload_len` bytes.
std::string basp_header(uint32_t payload_len) {
  std::string h;
  h.push_back(0x01); // client_handshake
  h.push_back(0);
  h.push_back(0);
  h.push_back(0); // flags
  put_big_endian(h, payload_len, 4);
  put_big_endian(h, 0, 8); // operation_data
  put_big_endian(h, 0, 8); // source actor
  put_big_endian(h, 0, 8); // dest actor
  return h;
}

class cluster_wire_test : public ::testing::Test {
protected:
  temp_dir dir;
  std::map<std::string, std::unique_ptr<running_node>> nodes;
  /// The shell's TLS options (empty: plain BASP).
  std::vector<std::string> shell_tls;

  /// The etcd the test's members keep their cluster in.
  std::unique_ptr<etcd_server> etcd;

  /// --etcd-user and --etcd-password-file, once the test turned etcd's auth on.
  std::vector<std::string> etcd_credentials;

  /// Turns etcd's authentication on: members then need its credentials.
  void lock_etcd() {
    if (!etcd)
      etcd = std::make_unique<etcd_server>();
    etcd->enable_auth("etcd-root-secret");
    std::ofstream{dir / "etcd-password"} << "etcd-root-secret\n";
    etcd_credentials = {"--etcd-user", "root", "--etcd-password-file",
                        (dir / "etcd-password").string()};
  }

  /// A member with fast heartbeats, in the test's etcd (with its
  /// credentials, unless `credentials` is false).
  running_node& start(const std::string& id, const std::vector<std::string>& tls = {},
                      bool credentials = true) {
    if (!etcd)
      etcd = std::make_unique<etcd_server>();
    auto extra = fast_heartbeats;
    extra.insert(extra.end(), {"--etcd", etcd->endpoint()});
    if (credentials)
      extra.insert(extra.end(), etcd_credentials.begin(), etcd_credentials.end());
    extra.insert(extra.end(), tls.begin(), tls.end());
    auto n = std::make_unique<running_node>(dir, id, "data-" + id, extra);
    auto& ref = *n;
    nodes[id] = std::move(n);
    return ref;
  }

  run_result shell_with(const std::vector<std::string>& tls, const running_node& n,
                        const std::string& command, std::chrono::milliseconds limit = 10s,
                        bool as_json = true) {
    std::vector<std::string> args{"--node", n.address(), "-c", command};
    if (as_json)
      args.push_back("--json");
    args.insert(args.end(), tls.begin(), tls.end());
    return run(shell_bin, args, dir.path(), limit);
  }

  run_result shell(const running_node& n, const std::string& command,
                   std::chrono::milliseconds limit = 10s) {
    return shell_with(shell_tls, n, command, limit);
  }

  /// `nodes --json` of `n`, by member id; empty if the shell failed.
  std::map<std::string, json> members(const running_node& n) {
    std::map<std::string, json> out;
    auto r = shell(n, "nodes");
    if (r.code != 0)
      return out;
    for (auto& row : json::parse(r.out))
      out[row["node_id"].get<std::string>()] = row;
    return out;
  }

  /// True if `n` lists exactly n1 and n2, both up with 32 shards each.
  bool both_up_now(const running_node& n) {
    auto m = members(n);
    if (m.size() != 2)
      return false;
    for (const char* id : {"n1", "n2"}) {
      auto it = m.find(id);
      if (it == m.end() || it->second["state"] != "up" || it->second["shards"] != 32)
        return false;
    }
    return true;
  }

  bool both_up(const running_node& n, std::chrono::milliseconds limit = 30s) {
    return eventually([&] { return both_up_now(n); }, limit);
  }

  /// n2's last_heartbeat_ms as n1 sees it; -1 if n1 does not answer or list it.
  int64_t heartbeat_age_of_n2(const running_node& n1) {
    auto m = members(n1);
    auto it = m.find("n2");
    if (it == m.end() || it->second["last_heartbeat_ms"].is_null())
      return -1;
    return it->second["last_heartbeat_ms"].get<int64_t>();
  }

  /// A CA `name` (name.key, name.pem) in the temp dir.
  void make_ca(const std::string& name) {
    auto r = run("/bin/sh",
                 {"-c", "openssl req -x509 -newkey rsa:2048 -nodes -keyout " + name +
                            ".key -out " + name + ".pem -days 2 -subj /CN=troupe-test-" +
                            name},
                 dir.path(), 60s);
    ASSERT_EQ(r.code, 0) << r.err;
  }

  /// A certificate `name` (name.key, name.pem) signed by the CA `ca`,
  /// carrying `role` as scripts/make-certs does (a troupe:role: URI).
  void make_cert(const std::string& name, const std::string& ca,
                 const std::string& role = "node") {
    auto r =
        run("/bin/sh",
            {"-c", "echo subjectAltName=URI:troupe:role:" + role + " > " + name +
                       ".ext && openssl req -newkey rsa:2048 -nodes -keyout " + name +
                       ".key -out " + name + ".csr -subj /CN=" + name +
                       " && openssl x509 -req -in " + name + ".csr -CA " + ca + ".pem -CAkey " +
                       ca + ".key -CAcreateserial -extfile " + name + ".ext -out " + name +
                       ".pem -days 2"},
            dir.path(), 60s);
    ASSERT_EQ(r.code, 0) << r.err;
  }

  /// --tls-cert/--tls-key/--tls-ca for the certificate `name` and the CA `ca`.
  std::vector<std::string> tls(const std::string& name, const std::string& ca) {
    return {"--tls-cert", (dir / (name + ".pem")).string(),
            "--tls-key",  (dir / (name + ".key")).string(),
            "--tls-ca",   (dir / (ca + ".pem")).string()};
  }

  /// Starts n1 and n2 (joined through n1) and waits until each sees both up.
  void form_cluster(const std::vector<std::string>& tls1 = {},
                    const std::vector<std::string>& tls2 = {}) {
    auto& n1 = start("n1", tls1);
    ASSERT_TRUE(n1.wait_ready()) << n1.proc->err();
    auto& n2 = start("n2", tls2);
    ASSERT_TRUE(n2.wait_ready()) << n2.proc->err();
    for (auto* n : {&n1, &n2})
      ASSERT_TRUE(both_up(*n)) << n->address() << ": " << shell(*n, "nodes").out
                               << shell(*n, "nodes").err << "\n"
                               << n->proc->err();
  }

  /// After hostile traffic: both processes run, each sees both up, n1 heard
  /// from n2 within the heartbeat timeout, and n1 never lost a member.
  void expect_cluster_intact() {
    auto& n1 = *nodes.at("n1");
    auto& n2 = *nodes.at("n2");
    EXPECT_TRUE(n1.proc->running()) << n1.proc->err();
    EXPECT_TRUE(n2.proc->running()) << n2.proc->err();
    for (auto* n : {&n1, &n2}) {
      auto r = shell(*n, "nodes");
      EXPECT_TRUE(both_up_now(*n))
          << n->address() << ": " << r.code << " " << r.out << r.err;
    }
    auto age = heartbeat_age_of_n2(n1);
    EXPECT_GE(age, 0) << shell(n1, "nodes").out;
    EXPECT_LT(age, 1500) << "n1 has not heard from n2 lately: " << shell(n1, "nodes").out;
    EXPECT_FALSE(contains(n1.proc->err(), "lost the connection to member")) << n1.proc->err();
    EXPECT_FALSE(contains(n2.proc->err(), "lost the connection to member")) << n2.proc->err();
  }
};

TEST_F(cluster_wire_test,
       garbage_and_truncated_messages_on_the_cluster_port_leave_the_member_link_up) {
  form_cluster();
  if (HasFatalFailure())
    return;
  auto& n1 = *nodes.at("n1");
  std::mt19937 rng{11};

  // Random bytes, short and 4 KiB, each on its own connection, then closed.
  for (int attempt = 0; attempt < 6; ++attempt) {
    raw_connection c{n1.cluster_port};
    ASSERT_TRUE(c.connected());
    c.send(random_bytes(rng, attempt % 2 == 0 ? 1 + attempt : 4096));
  }

  // A client handshake header that announces 1 MiB, then 8 bytes of it, then closed.
  {
    raw_connection c{n1.cluster_port};
    ASSERT_TRUE(c.connected());
    c.send(basp_header(1u << 20) + random_bytes(rng, 8));
  }

  // Half a header on a connection that stays open while the cluster is checked.
  raw_connection stalled{n1.cluster_port};
  ASSERT_TRUE(stalled.connected());
  stalled.send(basp_header(64).substr(0, 13));

  // Longer than the heartbeat timeout, so a link lost to the garbage would show.
  auto health_deadline = std::chrono::steady_clock::now() + 2s;
  while (std::chrono::steady_clock::now() < health_deadline) {
    auto health = shell(n1, "health", 10s);
    ASSERT_EQ(health.code, 0) << "health: " << health.out << health.err << "\n"
                              << n1.proc->err();
  }
  expect_cluster_intact();
  stalled.close();
}

TEST_F(cluster_wire_test,
       tls_members_form_a_cluster_and_refuse_peers_without_a_cluster_certificate) {
  make_ca("ca");
  make_ca("rogue");
  for (const char* name : {"n1", "n2"})
    make_cert(name, "ca");
  make_cert("shell", "ca", "operator");
  make_cert("evil", "rogue");
  if (HasFatalFailure())
    return;
  shell_tls = tls("shell", "ca");
  lock_etcd(); // a member is whoever etcd lets in: only n1 and n2 have its credentials
  form_cluster(tls("n1", "ca"), tls("n2", "ca"));
  if (HasFatalFailure())
    return;
  auto& n1 = *nodes.at("n1");

  // A shell without TLS fails fast: the TLS port does not speak plain BASP.
  // (Without --json, so that the error goes to stderr.)
  auto plain = shell_with({}, n1, "nodes", 10s, false);
  EXPECT_EQ(plain.code, 1) << plain.out << plain.err;
  EXPECT_TRUE(contains(plain.err, "cannot reach node " + n1.address())) << plain.err;
  EXPECT_LT(plain.took, 4s) << "took " << plain.took.count() << " ms: " << plain.err;
  EXPECT_FALSE(contains(plain.out, "n2")) << plain.out;

  // A rogue CA's certificate is refused, whichever CA the shell trusts.
  auto rogue = shell_with(tls("evil", "rogue"), n1, "nodes", 10s, false);
  EXPECT_EQ(rogue.code, 1) << rogue.out << rogue.err;
  EXPECT_TRUE(contains(rogue.err, "cannot reach node")) << rogue.err;
  EXPECT_FALSE(contains(rogue.out, "n2")) << rogue.out;
  auto evil = shell_with(tls("evil", "ca"), n1, "nodes", 10s, false);
  EXPECT_EQ(evil.code, 1) << evil.out << evil.err;
  EXPECT_TRUE(contains(evil.err, "cannot reach node")) << evil.err;
  EXPECT_FALSE(contains(evil.out, "n2")) << evil.out;

  // A node with the rogue certificate, and without etcd's credentials,
  // never joins, however often it tries.
  {
    auto& n3 = start("n3", tls("evil", "rogue"), false);
    bool joined = eventually(
        [&] {
          return members(n1).count("n3") > 0 ||
                 http_get(n3.url("/ready"), 500).code == 200;
        },
        5s);
    EXPECT_FALSE(joined) << shell(n1, "nodes").out << "\n" << n3.proc->err();
    EXPECT_TRUE(contains(n3.proc->err(), "etcd")) << n3.proc->err();
    n3.proc->signal(SIGTERM);
    if (!n3.proc->wait_for(15s)) {
      n3.proc->signal(SIGKILL);
      n3.proc->wait_for(5s);
    }
  }

  // Random bytes where a TLS handshake is expected.
  {
    std::mt19937 rng{13};
    raw_connection c{n1.cluster_port};
    ASSERT_TRUE(c.connected());
    c.send(random_bytes(rng, 4096));
  }

  // None of it tore down the members' links. The heartbeat timeout passes
  // first, so a link that was closed would show as a member gone.
  auto settle = std::chrono::steady_clock::now() + 2s;
  while (std::chrono::steady_clock::now() < settle) {
    auto health = shell(n1, "health", 10s);
    ASSERT_EQ(health.code, 0) << health.out << health.err << "\n" << n1.proc->err();
  }
  expect_cluster_intact();
}

TEST_F(cluster_wire_test, incomplete_or_mismatched_tls_options_exit_2_naming_the_option) {
  make_ca("ca");
  for (const char* name : {"n1", "n2"})
    make_cert(name, "ca");
  if (HasFatalFailure())
    return;
  auto pem = [&](const std::string& name) { return (dir / name).string(); };

  auto mismatched =
      run(node_bin,
          {"--node-id", "x", "--data-dir", pem("x"), "--tls-cert", pem("n1.pem"),
           "--tls-key", pem("n2.key"), "--tls-ca", pem("ca.pem")},
          dir.path(), 10s);
  EXPECT_EQ(mismatched.code, 2) << mismatched.err;
  EXPECT_TRUE(contains(mismatched.err, "--tls-key")) << mismatched.err;

  auto alone = run(
      node_bin, {"--node-id", "y", "--data-dir", pem("y"), "--tls-cert", pem("n1.pem")},
      dir.path(), 10s);
  EXPECT_EQ(alone.code, 2) << alone.err;
  EXPECT_TRUE(contains(alone.err, "--tls-key") || contains(alone.err, "--tls-ca"))
      << alone.err;

  auto missing =
      run(shell_bin,
          {"--node", "127.0.0.1:1", "-c", "health", "--tls-cert", pem("absent.pem"),
           "--tls-key", pem("n1.key"), "--tls-ca", pem("ca.pem")},
          dir.path(), 10s);
  EXPECT_EQ(missing.code, 2) << missing.err;
  EXPECT_TRUE(contains(missing.err, "--tls-cert")) << missing.err;
}

} // namespace
