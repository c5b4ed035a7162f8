// troupe-get-latency: `customer get` latency as the shell sees it, at a
// steady rate, while something else (a campaign) loads the node. Connects
// once through the shell's client (CAF, the node's admin actor), asks for a
// random reference customer (c00000001 .. cN) every 1/rate seconds until
// SIGINT/SIGTERM or --seconds, and prints one line of key=value:
// gets, errors, rate, p50_ms, p99_ms, p999_ms, max_ms. Latency counts from
// the moment a request was due, not when it left: a slow answer delays the
// next one, and that wait is counted (no coordinated omission).
//
//   troupe-get-latency --node HOST:PORT --customers N [--rate 200] [--seconds S]

#include <algorithm>
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <iostream>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include <caf/all.hpp>
#include <caf/io/all.hpp>

#include "wire/transport.hpp"
#include "cluster/wire_types.hpp"
#include "config/endpoint.hpp"
#include "shell/client.hpp"

namespace {

std::atomic<bool> stop_requested{false};

void on_signal(int) { stop_requested = true; }

int usage(const std::string& why) {
  std::cerr << "troupe-get-latency: " << why
            << "\nusage: troupe-get-latency --node HOST:PORT --customers N [--rate 200] "
               "[--seconds S]\n"
               "Asks the node for a random customer c00000001..cN at a steady rate until\n"
               "SIGINT/SIGTERM (or S seconds), then prints gets, errors, rate, p50_ms,\n"
               "p99_ms, p999_ms, max_ms.\n";
  return 2;
}

double percentile(const std::vector<double>& sorted, double p) {
  if (sorted.empty())
    return 0;
  auto rank = static_cast<std::size_t>(p * static_cast<double>(sorted.size() - 1) + 0.5);
  return sorted[std::min(rank, sorted.size() - 1)];
}

} // namespace

int main(int argc, char** argv) {
  using namespace troupe;
  std::string node_text;
  long customers = 0;
  double rate = 200;
  double seconds = 0;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--help" || a == "-h")
      return usage("customer get latency at a steady rate"), 0;
    if (i + 1 >= argc)
      return usage("missing value for " + a);
    std::string v = argv[++i];
    try {
      if (a == "--node")
        node_text = v;
      else if (a == "--customers")
        customers = std::stol(v);
      else if (a == "--rate")
        rate = std::stod(v);
      else if (a == "--seconds")
        seconds = std::stod(v);
      else
        return usage("unknown option " + a);
    } catch (const std::exception&) {
      return usage("invalid value '" + v + "' for " + a);
    }
  }
  auto node = config::parse_endpoint(node_text, "node");
  if (!node)
    return usage(node.err().message());
  if (customers <= 0 || rate <= 0 || rate > 100'000 || seconds < 0)
    return usage("--customers must be positive and --rate in (0, 100000]");
  std::signal(SIGINT, on_signal);
  std::signal(SIGTERM, on_signal);

  caf::actor_system_config cfg;
  cfg.set("scheduler.max-threads", size_t{1});
  wire::load_transport(cfg, config::tls_files{});
  cluster::register_wire_types(cfg);
  caf::actor_system system{cfg};
  // The benchmark node runs without authentication; this client proves nothing.
  wire::client_transport transport{system, wire::credentials{}};
  std::vector<double> latencies_ms;
  uint64_t errors = 0;
  std::string first_error;
  double elapsed = 0;
  {
    auto client =
      shell::shell_client::connect(system, transport.actor(), transport.gate(), *node,
                                   std::chrono::seconds(5));
    if (!client) {
      std::cerr << "troupe-get-latency: " << client.err().message() << "\n";
      return 1;
    }
    std::mt19937_64 rng{42};
    std::uniform_int_distribution<long> pick{1, customers};
    using clock = std::chrono::steady_clock;
    auto interval = std::chrono::duration_cast<clock::duration>(std::chrono::duration<double>(1.0 / rate));
    auto start = clock::now();
    auto due = start;
    char id[24];
    while (!stop_requested) {
      if (seconds > 0 && clock::now() - start >= std::chrono::duration<double>(seconds))
        break;
      std::this_thread::sleep_until(due);
      std::snprintf(id, sizeof(id), "c%08ld", pick(rng));
      auto got = (*client)->customer(id);
      auto done = clock::now();
      latencies_ms.push_back(std::chrono::duration<double, std::milli>(done - due).count());
      if (!got) {
        if (errors++ == 0)
          first_error = got.err().message();
      }
      due += interval;
    }
    elapsed = std::chrono::duration<double>(clock::now() - start).count();
  }
  std::sort(latencies_ms.begin(), latencies_ms.end());
  std::printf("gets=%zu errors=%llu rate=%.1f p50_ms=%.3f p99_ms=%.3f p999_ms=%.3f max_ms=%.3f\n",
              latencies_ms.size(), static_cast<unsigned long long>(errors),
              elapsed > 0 ? static_cast<double>(latencies_ms.size()) / elapsed : 0.0,
              percentile(latencies_ms, 0.50), percentile(latencies_ms, 0.99),
              percentile(latencies_ms, 0.999),
              latencies_ms.empty() ? 0.0 : latencies_ms.back());
  if (errors > 0)
    std::cerr << "troupe-get-latency: " << errors << " gets failed; the first: " << first_error
              << "\n";
  return 0;
}
