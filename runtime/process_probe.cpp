#include "runtime/process_probe.hpp"

#include <fstream>
#include <unistd.h>

namespace troupe::runtime {

process_probe::process_probe(prometheus::Registry& registry, unsigned scheduler_threads) {
  uptime_ = &prometheus::BuildGauge()
               .Name("troupe_uptime_seconds")
               .Help("Seconds since the node started")
               .Register(registry)
               .Add({});
  rss_ = &prometheus::BuildGauge()
            .Name("process_resident_memory_bytes")
            .Help("Resident memory of the node process in bytes")
            .Register(registry)
            .Add({});
  prometheus::BuildGauge()
    .Name("troupe_scheduler_threads")
    .Help("Worker threads of the CAF scheduler")
    .Register(registry)
    .Add({})
    .Set(scheduler_threads);
  prometheus::BuildGauge()
    .Name("troupe_build_info")
    .Help("Build of the running node; the value is always 1")
    .Register(registry)
    .Add({{"version", TROUPE_VERSION}})
    .Set(1);
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
