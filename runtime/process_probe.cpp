#include "runtime/process_probe.hpp"

#include <fstream>
#include <unistd.h>

#include "common/metrics.hpp"

namespace troupe::runtime {

process_probe::process_probe(prometheus::Registry& registry, unsigned scheduler_threads) {
  uptime_ =
    metrics::gauge(registry, "troupe_uptime_seconds", "Seconds since the node started");
  rss_ = metrics::gauge(registry, "process_resident_memory_bytes",
                        "Resident memory of the node process in bytes");
  metrics::gauge(registry, "troupe_scheduler_threads",
                 "Worker threads of the CAF scheduler")
    ->Set(scheduler_threads);
  metrics::gauge(registry, "troupe_build_info",
                 "Build of the running node; the value is always 1",
                 {{"version", TROUPE_VERSION}})
    ->Set(1);
}

double process_probe::resident_bytes() {
  std::ifstream statm{"/proc/self/statm"};
  long pages_total = 0;
  long pages_resident = 0;
  if (!(statm >> pages_total >> pages_resident))
    return 0;
  return static_cast<double>(pages_resident) * static_cast<double>(::sysconf(_SC_PAGESIZE));
}

void process_probe::update() {
  using namespace std::chrono;
  uptime_->Set(duration<double>(steady_clock::now() - started_).count());
  rss_->Set(resident_bytes());
}

} // namespace troupe::runtime
