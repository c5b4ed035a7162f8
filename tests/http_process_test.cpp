// The node's HTTP endpoint with a real node: idle connections do not take
// /health and /metrics offline (two idle TCP connections once held both of
// civetweb's threads for its 30 s default request timeout, long enough for
// an orchestrator to restart a healthy node); --sync-writes shows on /metrics.

#include <chrono>
#include <fstream>
#include <string>
#include <vector>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "tests/http_get.hpp"
#include "tests/node_runner.hpp"
#include "tests/node_shell.hpp"
#include "tests/temp_dir.hpp"

using namespace troupe::test;
using namespace std::chrono_literals;

namespace {

/// A TCP connection to 127.0.0.1:`port` that sends nothing.
int idle_connection(uint16_t port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

} // namespace

TEST(http_process_test, idle_connections_do_not_take_health_offline) {
  temp_dir dir;
  running_node n{dir};
  ASSERT_TRUE(n.wait_ready()) << n.proc->err();
  std::vector<int> idle;
  for (int i = 0; i < 16; ++i)
    idle.push_back(idle_connection(n.http_port));
  for (int fd : idle)
    ASSERT_GE(fd, 0);
  // Each answer within 5 s (the request timeout is 2 s), three times in a row.
  for (int round = 0; round < 3; ++round) {
    auto start = std::chrono::steady_clock::now();
    auto health = http_get(n.url("/health"), 5000);
    auto took = std::chrono::steady_clock::now() - start;
    EXPECT_EQ(health.code, 200) << "round " << round;
    EXPECT_LT(took, 5s) << "round " << round;
    EXPECT_EQ(http_get(n.url("/metrics"), 5000).code, 200) << "round " << round;
  }
  for (int fd : idle)
    ::close(fd);
}

// --sync-writes: the node's write batches are fsynced (the WAL sync count
// on /metrics grows with an import), and without it they are not.
TEST(http_process_test, sync_writes_shows_wal_syncs_on_metrics_and_the_default_none) {
  temp_dir dir;
  {
    std::ofstream out{dir / "c.jsonl"};
    for (int i = 0; i < 50; ++i)
      out << R"({"id":"c)" << i << R"("})" << "\n";
  }
  auto syncs_after_import = [&](std::vector<std::string> args) -> double {
    running_node n{dir, "n1", "data-" + std::to_string(args.size()), args};
    EXPECT_TRUE(n.wait_ready()) << n.proc->err();
    auto imported = shell_json(dir, n.address(), "import customers c.jsonl");
    EXPECT_EQ(imported["imported"], 50);
    auto body = http_get(n.url("/metrics")).body;
    auto at = body.find("\ntroupe_rocksdb_wal_syncs ");
    EXPECT_NE(at, std::string::npos) << body.substr(0, 2000);
    return at == std::string::npos ? -1 : std::stod(body.substr(at + 26, 32));
  };
  EXPECT_EQ(syncs_after_import({}), 0);
  EXPECT_GE(syncs_after_import({"--sync-writes"}), 1);
}
