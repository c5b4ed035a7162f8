#pragma once
/// Configuration of `troupe-node`, with every default in one place.
/// Filled by `parse_node_options` from command line, TROUPE_* env and an
/// INI file; passed by value into the node's components.

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "common/log.hpp"
#include "config/fault_spec.hpp"
#include "config/parse_outcome.hpp"
#include "config/input_limits.hpp"
#include "config/mail_settings.hpp"
#include "config/etcd_settings.hpp"
#include "config/tls_files.hpp"

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
  /// Nice value of the campaign pipeline's threads (runner, ledger writer,
  /// stages); 0: not niced.
  int pipeline_nice = 5;
  /// Number of customer shards; fixed when the data dir is first created
  /// (and, in a cluster, when the cluster is first formed).
  uint32_t shards = 64;

  // -- cluster ----------------------------------------------------------------
  /// Where the cluster is kept (config/etcd_settings.hpp); no endpoints:
  /// this node is a cluster of one.
  etcd_settings etcd;
  /// Reads the cluster from etcd and heartbeats every other member this often.
  unsigned heartbeat_interval_ms = 500;
  /// Records per handoff batch (the next batch waits for the ack of this one).
  unsigned handoff_batch = 2'000;
  /// On SIGTERM, hand this node's shards to the others before exiting.
  bool drain_on_exit = false;
  /// TLS for every connection between nodes and from the shell (off: none).
  tls_files tls;
  /// Allow a non-loopback --cluster-host without TLS (member and shell
  /// traffic then unauthenticated; the node warns at every start). Off: such
  /// a node refuses to start.
  bool insecure = false;
  /// The secret every member proves it holds (empty: none; see trust/credentials.hpp).
  std::string cluster_secret_file;
  /// Shell tokens, `NAME ROLE SECRET` a line (empty: none).
  std::string tokens_file;
  /// The largest message a BASP header may claim; a larger one closes the connection.
  uint64_t max_message_bytes = 64ull << 20;
  /// Connections still proving who they are, at most, at once.
  unsigned max_unauthenticated = 64;
  /// fsync the write-ahead log with every write batch (group-committed:
  /// concurrent writers share one sync), for a node that must survive power
  /// loss; off, a write survives a process crash but not the machine's.
  bool sync_writes = false;
  /// What an import line, chunk or predicate may hold (input_limits.hpp).
  input_limits input;
  /// Log threshold.
  log::level log_level = log::level::info;

  // -- supervision ----------------------------------------------------------
  /// A supervisor restarts a child at most this often within the window...
  unsigned restart_budget = 5;
  unsigned restart_window_ms = 10'000;

  // -- virtual customer actors -----------------------------------------------
  /// Most customer actors alive at once (least recently used passivate first).
  std::size_t max_live_customers = 100'000;
  /// A customer actor idle this long is passivated.
  unsigned customer_idle_ms = 60'000;
  /// How long a finished campaign's series stay on /metrics.
  unsigned campaign_metrics_minutes = 15;

  // -- generation provider: limiter, breaker, faults --------------------------
  double generate_rate = 1000.0;   ///< calls per second
  double generate_burst = 100.0;
  unsigned limiter_max_wait_ms = 1000;
  double breaker_error_rate = 0.5;
  unsigned breaker_min_calls = 20;
  unsigned breaker_consecutive = 5;
  unsigned breaker_window_ms = 10'000;
  unsigned breaker_cooldown_ms = 5'000;
  unsigned breaker_trials = 3;
  unsigned provider_timeout_ms = 2'000;
  /// Fault injection in front of the generation provider (off by default).
  fault_spec fault_generate;
  /// "template" (built in) or "openai" (an OpenAI-compatible HTTP server).
  std::string generator = "template";
  std::string llm_url;                    ///< base URL, e.g. http://127.0.0.1:8080/v1
  std::string llm_model;
  std::string llm_api_key_env = "OPENAI_API_KEY"; ///< the variable holding the key
  std::string llm_api_key;                ///< read from that variable ("" if unset)
  unsigned llm_timeout_ms = 10'000;
  unsigned llm_concurrency = 4;

  // -- webhook delivery channel: limiter, retries, breaker (breaker-* options) --
  double webhook_rate = 1000.0;           ///< POSTs per second
  double webhook_burst = 100.0;
  unsigned webhook_timeout_ms = 5'000;
  unsigned webhook_concurrency = 8;
  unsigned webhook_attempts = 6;          ///< POSTs per customer before the dead letter
  unsigned webhook_backoff_ms = 100;      ///< first retry's wait; doubles, with jitter

  // -- the smtp channel and its unsubscribe links (mail_settings.hpp) ------
  mail_settings mail;

  // -- contact policy (contact_policy/) --------------------------------------
  /// Triggered campaigns' messages per customer per channel per calendar
  /// day in the customer's time zone; 0: no cap.
  unsigned frequency_cap = 0;
  /// "HH:MM-HH:MM" in the customer's zone: triggered sends due inside wait
  /// for the end; "": none.
  std::string quiet_hours;
  /// The global holdout, basis points of all customers (0-10000): every
  /// campaign sends them nothing. Agreed cluster-wide in etcd: a member
  /// whose value differs does not start (cluster/cluster_policy).
  uint32_t holdout_basis_points = 0;
  /// Replace the cluster's holdout with this node's (only with no member
  /// running): --holdout-change.
  bool holdout_change = false;

  /// The options given rather than defaulted ("--name value"), logged at
  /// start (config::options_set).
  std::vector<std::string> options_given;

  /// Blocked terms of every campaign (--blocklist FILE: a term a line;
  /// blank lines and lines starting with '#' are skipped).
  std::vector<std::string> blocklist;
};

/// True for an address that only this machine can reach: 127.0.0.0/8 in
/// dotted-quad form, ::1 and `localhost` (any case). Names are not resolved;
/// "", 0.0.0.0 and :: (every address) are not loopback.
bool is_loopback_host(const std::string& host);

/// True if the admin/cluster endpoint would take unauthenticated traffic
/// from other machines: a non-loopback --cluster-host without TLS.
bool exposed_without_tls(const node_config& cfg);

/// Parses options for `troupe-node`. Errors name the option and the value.
result<parse_outcome<node_config>> parse_node_options(int argc,
                                                      const char* const* argv,
                                                      const env_map& env);

} // namespace troupe::config
