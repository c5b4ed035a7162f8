#pragma once
/// Configuration of `troupe-node`, with every default in one place.
/// Filled by `parse_node_options` from command line, TROUPE_* env and an
/// INI file; passed by value into the node's components.

#include <cstdint>
#include <filesystem>
#include <string>

#include "common/error.hpp"
#include "common/log.hpp"
#include "config/parse_outcome.hpp"

namespace troupe::config {

struct node_config {
  /// Name of this node in the cluster; also stamped into its data dir.
  std::string node_id = "n1";
  /// Where the node's RocksDB lives. Default: var/<node-id>.
  std::filesystem::path data_dir = "var/n1";
  /// Address and port the admin actor (and later the cluster) listens on.
  std::string cluster_host = "127.0.0.1";
  uint16_t cluster_port = 7401;
  /// Address and port of /metrics, /health, /ready.
  std::string http_host = "127.0.0.1";
  uint16_t http_port = 9401;
  /// CAF scheduler worker threads.
  unsigned scheduler_threads = 2;
  /// Number of customer shards; fixed when the data dir is first created.
  uint32_t shards = 64;
  /// Log threshold.
  log::level log_level = log::level::info;
};

/// Parses options for `troupe-node`. Errors name the option and the value.
result<parse_outcome<node_config>> parse_node_options(int argc,
                                                      const char* const* argv,
                                                      const env_map& env);

} // namespace troupe::config
