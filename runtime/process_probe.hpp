#pragma once
/// Process metrics of a node, refreshed before each scrape:
///
///   troupe_uptime_seconds            gauge
///   troupe_scheduler_threads         gauge (CAF scheduler workers)
///   troupe_build_info{version}       gauge, always 1
///
/// and the standard process_* set of Prometheus's client libraries, from
/// /proc (Linux):
///
///   process_resident_memory_bytes    gauge (/proc/self/statm)
///   process_virtual_memory_bytes     gauge (/proc/self/statm)
///   process_cpu_seconds_total        counter: user + system time (/proc/self/stat)
///   process_start_time_seconds       gauge: Unix time the process started
///   process_open_fds                 gauge (/proc/self/fd)
///   process_max_fds                  gauge (RLIMIT_NOFILE)

#include <chrono>
#include <mutex>
#include <optional>

#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/registry.h>

namespace troupe::runtime {

class process_probe {
public:
  process_probe(prometheus::Registry& registry, unsigned scheduler_threads);

  void update();

  /// Resident set size of this process in bytes (0 if unknown).
  static double resident_bytes();

  /// From /proc/self/stat: user + system CPU seconds, and the Unix time
  /// the process started (with /proc/stat's boot time); nullopt if unread.
  struct cpu_times {
    double cpu_seconds = 0;
    double start_time = 0;
  };
  static std::optional<cpu_times> read_cpu_times();

private:
  std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
  prometheus::Gauge* uptime_;
  prometheus::Gauge* rss_;
  prometheus::Gauge* virtual_;
  prometheus::Counter* cpu_;
  prometheus::Gauge* open_fds_;
  prometheus::Gauge* max_fds_;
  std::mutex mutex_;       ///< scrapes may come at once (HTTP threads)
  double cpu_counted_ = 0; ///< CPU seconds already added to cpu_ (under mutex_)
};

} // namespace troupe::runtime
