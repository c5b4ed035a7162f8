#pragma once
/// For process tests: the binaries under test, and a troupe-node process on
/// free loopback ports with its data dir in a temp dir.

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include <optional>

#include "tests/http_get.hpp"
#include "tests/process.hpp"
#include "tests/temp_dir.hpp"

namespace troupe::test {

inline const std::string node_bin = TROUPE_NODE_BIN;
inline const std::string shell_bin = TROUPE_SHELL_BIN;

struct running_node {
  uint16_t cluster_port = free_port();
  uint16_t http_port = free_port();
  std::unique_ptr<process> proc;

  /// `port`: the cluster port to use again (a restarted member keeps its address).
  explicit running_node(const temp_dir& dir, const std::string& node_id = "n1",
                        const std::string& data_dir_name = "data",
                        std::vector<std::string> extra = {},
                        std::optional<uint16_t> port = std::nullopt) {
    if (port)
      cluster_port = *port;
    std::vector<std::string> args{"--node-id", node_id, "--data-dir",
                                  (dir / data_dir_name).string(), "--cluster-port",
                                  std::to_string(cluster_port), "--http-port",
                                  std::to_string(http_port)};
    args.insert(args.end(), extra.begin(), extra.end());
    proc = std::make_unique<process>(node_bin, args, dir.path());
  }

  std::string url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(http_port) + path;
  }

  std::string address() const { return "127.0.0.1:" + std::to_string(cluster_port); }

  /// Waits until /ready answers 200; false if the process died first.
  bool wait_ready() {
    return eventually([&] { return http_get(url("/ready")).code == 200 || !proc->running(); },
                      std::chrono::seconds(15))
           && proc->running();
  }
};

} // namespace troupe::test
