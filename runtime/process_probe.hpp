#pragma once
/// Process metrics of a node, refreshed before each scrape:
///
///   troupe_uptime_seconds            gauge
///   process_resident_memory_bytes    gauge (from /proc/self/statm)
///   troupe_scheduler_threads         gauge (CAF scheduler workers)
///   troupe_build_info{version}       gauge, always 1

#include <chrono>

#include <prometheus/gauge.h>
#include <prometheus/registry.h>

namespace troupe::runtime {

class process_probe {
public:
  process_probe(prometheus::Registry& registry, unsigned scheduler_threads);

  void update();

  /// Resident set size of this process in bytes (0 if unknown).
  static double resident_bytes();

private:
  std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
  prometheus::Gauge* uptime_;
  prometheus::Gauge* rss_;
};

} // namespace troupe::runtime
