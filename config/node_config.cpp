#include "config/node_config.hpp"

#include <cctype>
#include <climits>
#include <cmath>
#include <fstream>
#include <sstream>
#include <system_error>
#include <arpa/inet.h>
#include <unistd.h>

#include "common/identifier.hpp"
#include "config/config_error.hpp"
#include "contact_policy/quiet_hours.hpp"
#include "config/endpoint.hpp"
#include "config/option_parser.hpp"

namespace troupe::config {

namespace po = boost::program_options;

namespace {

po::options_description node_options() {
  node_config d;
  po::options_description desc{
    "Usage: troupe-node [OPTIONS]\n\n"
    "Runs one Troupe node: its RocksDB store, its actors, the admin endpoint\n"
    "for troupe-shell and the HTTP endpoint for /metrics, /health, /ready.\n"
    "Every option can also be set as TROUPE_<OPTION> in the environment\n"
    "(e.g. TROUPE_HTTP_PORT=9402) or in an INI file given with --config.\n"
    "Precedence: command line > environment > file > defaults.\n\nOptions"};
  desc.add_options()
    ("help,h", "print this help and exit")
    ("version", "print the version and exit")
    ("config", po::value<std::string>()->default_value(""),
     "INI file with options (one `name = value` a line)")
    ("node-id", po::value<std::string>()->default_value(d.node_id),
     "this node's id (letters, digits, '-', '_', '.'); stamped into the data dir")
    ("data-dir", po::value<std::string>()->default_value(""),
     "directory of the node's RocksDB (default: var/<node-id>)")
    ("cluster-host", po::value<std::string>()->default_value(d.cluster_host),
     "address the admin/cluster endpoint listens on")
    ("cluster-port", po::value<std::string>()->default_value(std::to_string(d.cluster_port)),
     "port of the admin/cluster endpoint (0 = any free port)")
    ("http-host", po::value<std::string>()->default_value(d.http_host),
     "address the HTTP endpoint listens on")
    ("http-port", po::value<std::string>()->default_value(std::to_string(d.http_port)),
     "port of /metrics, /health, /ready (0 = any free port)")
    ("scheduler-threads", po::value<std::string>()->default_value(std::to_string(d.scheduler_threads)),
     "CAF scheduler worker threads (1-256)")
    ("pipeline-nice", po::value<std::string>()->default_value(std::to_string(d.pipeline_nice)),
     "nice value of the campaign pipeline's threads (0-19; 0: not niced), so that "
     "interactive reads are not queued behind a campaign")
    ("shards", po::value<std::string>()->default_value(std::to_string(d.shards)),
     "customer shards (1-65535); fixed when the data dir is created")
    ("etcd", po::value<std::string>()->default_value(""),
     "http(s)://HOST:PORT[,...] of the etcd members that keep the cluster "
     "(membership, the shard map, leases); none: this node is a cluster of one")
    ("etcd-prefix", po::value<std::string>()->default_value(d.etcd.prefix),
     "the cluster's keys in etcd start with this (one etcd can keep several clusters)")
    ("etcd-ca-file", po::value<std::string>()->default_value(""),
     "PEM CA that signs etcd's certificates (https endpoints)")
    ("etcd-cert-file", po::value<std::string>()->default_value(""),
     "PEM client certificate for etcd (with --etcd-key-file)")
    ("etcd-key-file", po::value<std::string>()->default_value(""),
     "PEM key of --etcd-cert-file")
    ("etcd-user", po::value<std::string>()->default_value(""),
     "etcd user (with --etcd-password-file)")
    ("etcd-password-file", po::value<std::string>()->default_value(""),
     "file whose first line is --etcd-user's password")
    ("etcd-timeout-ms", po::value<std::string>()->default_value(std::to_string(d.etcd.timeout_ms)),
     "the longest one request to etcd may take (each endpoint tried once)")
    ("lease-ttl-seconds", po::value<std::string>()->default_value(std::to_string(d.etcd.lease_ttl_seconds)),
     "this member's lease in etcd: a member that stops renewing it is out of "
     "the cluster this long after, and stops serving before that")
    ("replication-factor", po::value<std::string>()->default_value(std::to_string(d.etcd.replication_factor)),
     "copies of every shard in a cluster, the primary's included (1 to 9): a write is "
     "acknowledged once on every in-sync copy; a cluster of fewer members runs "
     "under-replicated and says so (health, shards, metrics). Set when the cluster's "
     "shard map is founded in etcd")
    ("heartbeat-interval-ms", po::value<std::string>()->default_value(std::to_string(d.heartbeat_interval_ms)),
     "reads the cluster from etcd, and heartbeats every other member, this often")
    ("handoff-batch", po::value<std::string>()->default_value(std::to_string(d.handoff_batch)),
     "records per batch when a shard moves to another node")
    ("insecure", po::bool_switch(), "allow a --cluster-host other than loopback "
     "(127.0.0.0/8, ::1, localhost) without --tls-cert/--tls-key/--tls-ca: "
     "anyone who reaches the port may then send member and shell traffic "
     "unauthenticated (the node warns at every start); without it such a "
     "node refuses to start")
    ("cluster-secret-file", po::value<std::string>()->default_value(""),
     "file holding the secret every member of the cluster proves it has "
     "(16 to 1024 bytes, one line): without TLS, only nodes that prove it may "
     "speak the member protocol")
    ("tokens", po::value<std::string>()->default_value(""),
     "file of shell tokens, one `NAME ROLE SECRET` a line (ROLE viewer or "
     "operator): a shell must then prove one (troupe-shell --token-file)")
    ("max-message-bytes", po::value<std::string>()->default_value(std::to_string(d.max_message_bytes)),
     "a message whose header claims more closes its connection (counted in "
     "troupe_refused_messages_total{reason=\"message_too_large\"})")
    ("max-unauthenticated", po::value<std::string>()->default_value(std::to_string(d.max_unauthenticated)),
     "connections still proving who they are, at most, at once; one more "
     "closes those older than 10 s, or itself")
    ;
  add_input_limit_options(desc);
  desc.add_options()
    ("sync-writes", po::bool_switch(), "fsync the write-ahead log with every write "
     "batch (group-committed), so that an acknowledged write survives power loss; "
     "off, it survives a crash of the process, not of the machine")
    ("drain-on-exit", po::bool_switch(), "on SIGTERM, hand this node's shards to "
     "the other members before exiting")
    ("log-level", po::value<std::string>()->default_value("info"),
     "debug, info, warn or error")
    ("restart-budget", po::value<std::string>()->default_value(std::to_string(d.restart_budget)),
     "restarts of one child a supervisor allows within --restart-window-ms "
     "before it gives up and escalates")
    ("restart-window-ms", po::value<std::string>()->default_value(std::to_string(d.restart_window_ms)),
     "window of the restart budget")
    ("max-live-customers", po::value<std::string>()->default_value(std::to_string(d.max_live_customers)),
     "most customer actors alive at once; the least recently used passivate")
    ("customer-idle-ms", po::value<std::string>()->default_value(std::to_string(d.customer_idle_ms)),
     "a customer actor idle this long is passivated")
    ("campaign-metrics-minutes",
     po::value<std::string>()->default_value(std::to_string(d.campaign_metrics_minutes)),
     "how long a finished campaign's series stay on /metrics (0-10080)")
    ("generate-rate", po::value<std::string>()->default_value("1000"),
     "generation calls per second (token bucket rate)")
    ("generate-burst", po::value<std::string>()->default_value("100"),
     "generation calls allowed at once (token bucket size)")
    ("limiter-max-wait-ms", po::value<std::string>()->default_value(std::to_string(d.limiter_max_wait_ms)),
     "longest a call waits for a rate-limiter token before it fails")
    ("breaker-error-rate", po::value<std::string>()->default_value("0.5"),
     "error rate (0-1) over the window that opens a circuit breaker")
    ("breaker-min-calls", po::value<std::string>()->default_value(std::to_string(d.breaker_min_calls)),
     "calls the window must hold before the error rate can open a breaker")
    ("breaker-consecutive", po::value<std::string>()->default_value(std::to_string(d.breaker_consecutive)),
     "consecutive failures that open a breaker (0 = off)")
    ("breaker-window-ms", po::value<std::string>()->default_value(std::to_string(d.breaker_window_ms)),
     "rolling window of the breaker's error rate")
    ("breaker-cooldown-ms", po::value<std::string>()->default_value(std::to_string(d.breaker_cooldown_ms)),
     "how long a breaker stays open before trial calls")
    ("breaker-trials", po::value<std::string>()->default_value(std::to_string(d.breaker_trials)),
     "trial calls in half-open; all must succeed to close")
    ("provider-timeout-ms", po::value<std::string>()->default_value(std::to_string(d.provider_timeout_ms)),
     "a provider call slower than this is a failure")
    ("blocklist", po::value<std::string>()->default_value(""),
     "file of blocked terms, one a line, screened in every campaign's messages "
     "and cited documents (besides a campaign's own blocklist)")
    ("fault-generate", po::value<std::string>()->default_value(""),
     "inject faults into generation, e.g. \"failure-rate=0.2,latency-ms=50\" or "
     "\"hang\" (tests and chaos runs)")
    ("generator", po::value<std::string>()->default_value(d.generator),
     "message generator: template (built in) or openai (an OpenAI-compatible "
     "chat-completions server: llama.cpp, vLLM, Ollama or a hosted API); "
     "the template generator serves while breaker:generate is open")
    ("llm-url", po::value<std::string>()->default_value(""),
     "base URL of the OpenAI-compatible API, e.g. http://127.0.0.1:8080/v1 "
     "(POST <url>/chat/completions)")
    ("llm-model", po::value<std::string>()->default_value(""), "model name sent to the API")
    ("llm-api-key-env", po::value<std::string>()->default_value(d.llm_api_key_env),
     "environment variable holding the API key (sent as a Bearer token; "
     "none sent when the variable is unset)")
    ("llm-timeout-ms", po::value<std::string>()->default_value(std::to_string(d.llm_timeout_ms)),
     "a generation call slower than this fails")
    ("llm-concurrency", po::value<std::string>()->default_value(std::to_string(d.llm_concurrency)),
     "generation calls in flight at once (1-256)")
    ("webhook-rate", po::value<std::string>()->default_value("1000"),
     "webhook POSTs per second (token bucket rate)")
    ("webhook-burst", po::value<std::string>()->default_value("100"),
     "webhook POSTs allowed at once (token bucket size)")
    ("webhook-timeout-ms", po::value<std::string>()->default_value(std::to_string(d.webhook_timeout_ms)),
     "a webhook POST slower than this fails and is retried")
    ("webhook-concurrency", po::value<std::string>()->default_value(std::to_string(d.webhook_concurrency)),
     "webhook POSTs in flight at once (1-256)")
    ("webhook-attempts", po::value<std::string>()->default_value(std::to_string(d.webhook_attempts)),
     "POSTs of one message (5xx, 408, 429, timeouts are retried) before it "
     "becomes a dead letter; a 4xx answer dead-letters it at once")
    ("webhook-backoff-ms", po::value<std::string>()->default_value(std::to_string(d.webhook_backoff_ms)),
     "wait before the first webhook retry; doubled each time, with jitter")
    ("frequency-cap", po::value<std::string>()->default_value(std::to_string(d.frequency_cap)),
     "messages per customer per channel per calendar day in the "
     "customer's time zone, across campaigns (0-1000; 0: no cap); a send over it is "
     "recorded as frequency_capped, not sent")
    ("quiet-hours", po::value<std::string>()->default_value(d.quiet_hours),
     "HH:MM-HH:MM of the customer's clock (its 'timezone' field, default UTC) during "
     "which triggered sends are held, and sent when it ends (\"\": none)")
    ("holdout-percent", po::value<std::string>()->default_value("0"),
     "the global holdout: this share of all customers (0-100, to 0.01), by a stable "
     "hash of their id, gets no campaign message and is recorded as held_out; in a "
     "cluster, the first member's value is kept in etcd and a member that differs "
     "does not start")
    ("holdout-change", po::bool_switch(),
     "replace the cluster's holdout in etcd with this node's --holdout-percent; "
     "refused while another member runs");
  detail::add_tls_options(desc);
  detail::add_mail_options(desc);
  return desc;
}

/// Creates the data dir if needed and proves it writable with a probe file.
status check_data_dir(const std::filesystem::path& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec)
    return bad_value("data-dir", dir.string(), "cannot create it: " + ec.message());
  if (!std::filesystem::is_directory(dir, ec))
    return bad_value("data-dir", dir.string(), "not a directory");
  auto probe = dir / (".write-probe-" + std::to_string(::getpid()));
  {
    std::ofstream out{probe};
    if (!out || !(out << "probe") || !out.flush())
      return bad_value("data-dir", dir.string(), "not writable");
  }
  std::filesystem::remove(probe, ec);
  return status::success();
}

/// --etcd and the options that go with it, into `out`.
status etcd_options(const detail::po::variables_map& vm, etcd_settings& out) {
  auto endpoints = parse_etcd_endpoints(detail::text(vm, "etcd"));
  if (!endpoints)
    return endpoints.err();
  out.endpoints = std::move(*endpoints);
  out.prefix = detail::text(vm, "etcd-prefix");
  if (out.prefix.empty() || out.prefix.size() > 256)
    return bad_value("etcd-prefix", out.prefix, "give 1 to 256 bytes, e.g. /troupe/");
  out.ca_file = detail::text(vm, "etcd-ca-file");
  out.cert_file = detail::text(vm, "etcd-cert-file");
  out.key_file = detail::text(vm, "etcd-key-file");
  if (out.cert_file.empty() != out.key_file.empty())
    return bad_value(out.cert_file.empty() ? "etcd-key-file" : "etcd-cert-file",
                     out.cert_file.empty() ? out.key_file : out.cert_file,
                     "give --etcd-cert-file and --etcd-key-file together");
  out.user = detail::text(vm, "etcd-user");
  auto password_file = detail::text(vm, "etcd-password-file");
  if (out.user.empty() != password_file.empty())
    return bad_value(out.user.empty() ? "etcd-password-file" : "etcd-user",
                     out.user.empty() ? password_file : out.user,
                     "give --etcd-user and --etcd-password-file together");
  if (!password_file.empty()) {
    std::ifstream in{password_file};
    if (!in || !std::getline(in, out.password) || out.password.empty())
      return bad_value("etcd-password-file", password_file,
                       "cannot read a password from its first line");
  }
  return status::success();
}

} // namespace

bool is_loopback_host(const std::string& host) {
  std::string lower;
  for (char c : host)
    lower.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  if (lower == "localhost")
    return true;
  in_addr v4{};
  if (::inet_pton(AF_INET, host.c_str(), &v4) == 1)
    return (ntohl(v4.s_addr) >> 24) == 127;
  in6_addr v6{};
  return ::inet_pton(AF_INET6, host.c_str(), &v6) == 1 && IN6_IS_ADDR_LOOPBACK(&v6);
}

bool exposed_without_tls(const node_config& cfg) {
  return !cfg.tls.enabled() && !is_loopback_host(cfg.cluster_host);
}

result<parse_outcome<node_config>> parse_node_options(int argc,
                                                      const char* const* argv,
                                                      const env_map& env) {
  auto desc = node_options();
  auto parsed = detail::parse_layers(desc, argc, argv, env);
  if (!parsed)
    return parsed.err();
  auto& vm = *parsed;
  parse_outcome<node_config> out;
  if (auto text = detail::help_or_version(vm, desc, "troupe-node")) {
    out.what = parse_outcome<node_config>::action::print;
    out.text = std::move(*text);
    return out;
  }
  auto& cfg = out.config;
  cfg.options_given = detail::options_set(vm);
  cfg.node_id = detail::text(vm, "node-id");
  if (!valid_identifier(cfg.node_id))
    return bad_value("node-id", cfg.node_id, identifier_rule);
  auto data_dir = detail::text(vm, "data-dir");
  cfg.data_dir = data_dir.empty() ? std::filesystem::path{"var"} / cfg.node_id
                                  : std::filesystem::path{data_dir};
  cfg.cluster_host = detail::text(vm, "cluster-host");
  cfg.http_host = detail::text(vm, "http-host");
  for (auto [name, field] : {std::pair{"cluster-port", &cfg.cluster_port},
                             std::pair{"http-port", &cfg.http_port}}) {
    auto number = detail::integer(vm, name, LLONG_MIN, LLONG_MAX);
    if (!number)
      return number.err();
    auto port = check_port(*number, name, true);
    if (!port)
      return port.err();
    *field = *port;
  }
  auto threads = detail::integer(vm, "scheduler-threads", 1, 256);
  if (!threads)
    return threads.err();
  cfg.scheduler_threads = static_cast<unsigned>(*threads);
  auto nice = detail::integer(vm, "pipeline-nice", 0, 19);
  if (!nice)
    return nice.err();
  cfg.pipeline_nice = static_cast<int>(*nice);
  auto shards = detail::integer(vm, "shards", 1, 65535);
  if (!shards)
    return shards.err();
  cfg.shards = static_cast<uint32_t>(*shards);
  auto level_text = detail::text(vm, "log-level");
  auto level = log::parse_level(level_text);
  if (!level)
    return bad_value("log-level", level_text, "use debug, info, warn or error");
  cfg.log_level = *level;
  struct unsigned_option {
    const char* name;
    unsigned* field;
    long long lowest, highest;
  };
  for (auto opt : {unsigned_option{"restart-budget", &cfg.restart_budget, 0, 1000},
                   unsigned_option{"restart-window-ms", &cfg.restart_window_ms, 1, 86'400'000},
                   unsigned_option{"customer-idle-ms", &cfg.customer_idle_ms, 1, 86'400'000},
                   unsigned_option{"campaign-metrics-minutes", &cfg.campaign_metrics_minutes, 0,
                                   10'080},
                   unsigned_option{"limiter-max-wait-ms", &cfg.limiter_max_wait_ms, 0, 600'000},
                   unsigned_option{"breaker-min-calls", &cfg.breaker_min_calls, 1, 1'000'000},
                   unsigned_option{"breaker-consecutive", &cfg.breaker_consecutive, 0, 1'000'000},
                   unsigned_option{"breaker-window-ms", &cfg.breaker_window_ms, 10, 86'400'000},
                   unsigned_option{"breaker-cooldown-ms", &cfg.breaker_cooldown_ms, 1, 86'400'000},
                   unsigned_option{"breaker-trials", &cfg.breaker_trials, 1, 1000},
                   unsigned_option{"provider-timeout-ms", &cfg.provider_timeout_ms, 1, 600'000},
                   unsigned_option{"llm-timeout-ms", &cfg.llm_timeout_ms, 1, 600'000},
                   unsigned_option{"llm-concurrency", &cfg.llm_concurrency, 1, 256},
                   unsigned_option{"webhook-timeout-ms", &cfg.webhook_timeout_ms, 1, 600'000},
                   unsigned_option{"webhook-concurrency", &cfg.webhook_concurrency, 1, 256},
                   unsigned_option{"webhook-attempts", &cfg.webhook_attempts, 1, 100},
                   unsigned_option{"webhook-backoff-ms", &cfg.webhook_backoff_ms, 1, 600'000},
                   unsigned_option{"heartbeat-interval-ms", &cfg.heartbeat_interval_ms, 10, 600'000},
                   unsigned_option{"etcd-timeout-ms", &cfg.etcd.timeout_ms, 10, 600'000},
                   unsigned_option{"lease-ttl-seconds", &cfg.etcd.lease_ttl_seconds, 2, 3'600},
                   unsigned_option{"replication-factor", &cfg.etcd.replication_factor, 1, 9},
                   unsigned_option{"handoff-batch", &cfg.handoff_batch, 1, 1'000'000}}) {
    auto n = detail::integer(vm, opt.name, opt.lowest, opt.highest);
    if (!n)
      return n.err();
    *opt.field = static_cast<unsigned>(*n);
  }
  auto cap = detail::integer(vm, "frequency-cap", 0, 1000);
  if (!cap)
    return cap.err();
  cfg.frequency_cap = static_cast<unsigned>(*cap);
  cfg.quiet_hours = detail::text(vm, "quiet-hours");
  if (auto quiet = contact_policy::quiet_hours::parse(cfg.quiet_hours); !quiet)
    return bad_value("quiet-hours", cfg.quiet_hours, quiet.err().message());
  auto holdout = detail::real(vm, "holdout-percent", 0, 100);
  if (!holdout)
    return holdout.err();
  cfg.holdout_basis_points = static_cast<uint32_t>(std::lround(*holdout * 100));
  if (auto etcd = etcd_options(vm, cfg.etcd); !etcd)
    return etcd.err();
  if (cfg.heartbeat_interval_ms * 2 >= cfg.etcd.lease_ttl_seconds * 1000)
    return bad_value("heartbeat-interval-ms", std::to_string(cfg.heartbeat_interval_ms),
                     "must be under half of --lease-ttl-seconds ("
                       + std::to_string(cfg.etcd.lease_ttl_seconds) + " s)");
  cfg.drain_on_exit = vm["drain-on-exit"].as<bool>();
  cfg.holdout_change = vm["holdout-change"].as<bool>();
  auto tls = detail::tls_options(vm);
  if (!tls)
    return tls.err();
  cfg.tls = std::move(*tls);
  cfg.insecure = vm["insecure"].as<bool>();
  cfg.sync_writes = vm["sync-writes"].as<bool>();
  if (exposed_without_tls(cfg) && !cfg.insecure)
    return bad_value("cluster-host", cfg.cluster_host,
                     "not a loopback address (127.0.0.0/8, ::1, localhost), and without "
                     "TLS anyone who reaches it could send member and shell traffic "
                     "unauthenticated: give --tls-cert/--tls-key/--tls-ca, keep "
                     "--cluster-host on loopback, or accept the risk with --insecure");
  cfg.cluster_secret_file = detail::text(vm, "cluster-secret-file");
  cfg.tokens_file = detail::text(vm, "tokens");
  auto max_message = detail::integer(vm, "max-message-bytes", 1 << 20, 0xffffffffull);
  if (!max_message)
    return max_message.err();
  cfg.max_message_bytes = static_cast<uint64_t>(*max_message);
  auto unauthenticated = detail::integer(vm, "max-unauthenticated", 1, 100'000);
  if (!unauthenticated)
    return unauthenticated.err();
  cfg.max_unauthenticated = static_cast<unsigned>(*unauthenticated);
  auto input = input_limit_options(vm);
  if (!input)
    return input.err();
  cfg.input = *input;
  auto live = detail::integer(vm, "max-live-customers", 1, 100'000'000);
  if (!live)
    return live.err();
  cfg.max_live_customers = static_cast<std::size_t>(*live);
  struct real_option {
    const char* name;
    double* field;
    double lowest, highest;
  };
  for (auto opt : {real_option{"generate-rate", &cfg.generate_rate, 0.001, 1e9},
                   real_option{"generate-burst", &cfg.generate_burst, 1, 1e9},
                   real_option{"breaker-error-rate", &cfg.breaker_error_rate, 0.0, 1.0},
                   real_option{"webhook-rate", &cfg.webhook_rate, 0.001, 1e9},
                   real_option{"webhook-burst", &cfg.webhook_burst, 1, 1e9}}) {
    auto x = detail::real(vm, opt.name, opt.lowest, opt.highest);
    if (!x)
      return x.err();
    *opt.field = *x;
  }
  if (auto path = detail::text(vm, "blocklist"); !path.empty()) {
    std::ifstream file{path};
    if (!file)
      return bad_value("blocklist", path, "cannot read the file");
    std::string line;
    while (std::getline(file, line)) {
      auto begin = line.find_first_not_of(" \t\r");
      if (begin == std::string::npos || line[begin] == '#')
        continue;
      auto end = line.find_last_not_of(" \t\r");
      cfg.blocklist.push_back(line.substr(begin, end - begin + 1));
    }
  }
  auto faults = parse_fault_spec(detail::text(vm, "fault-generate"), "fault-generate");
  if (!faults)
    return faults.err();
  cfg.fault_generate = *faults;
  cfg.generator = detail::text(vm, "generator");
  cfg.llm_url = detail::text(vm, "llm-url");
  cfg.llm_model = detail::text(vm, "llm-model");
  cfg.llm_api_key_env = detail::text(vm, "llm-api-key-env");
  if (cfg.generator == "openai") {
    if (cfg.llm_url.rfind("http://", 0) != 0 && cfg.llm_url.rfind("https://", 0) != 0)
      return bad_value("llm-url", cfg.llm_url,
                       "--generator openai needs the API's http:// or https:// base URL");
    if (cfg.llm_model.empty())
      return bad_value("llm-model", cfg.llm_model, "--generator openai needs a model name");
    if (auto key = env.find(cfg.llm_api_key_env); key != env.end())
      cfg.llm_api_key = key->second;
  } else if (cfg.generator != "template") {
    return bad_value("generator", cfg.generator, "use template or openai");
  }
  auto mail = detail::mail_options(vm);
  if (!mail)
    return mail.err();
  cfg.mail = std::move(*mail);
  if (auto st = check_data_dir(cfg.data_dir); !st)
    return st.err();
  return out;
}

} // namespace troupe::config
