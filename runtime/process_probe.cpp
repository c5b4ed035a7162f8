#include "runtime/process_probe.hpp"

#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>
#include <sys/resource.h>
#include <unistd.h>

#include "common/metrics.hpp"

namespace troupe::runtime {

process_probe::process_probe(prometheus::Registry& registry, unsigned scheduler_threads) {
  uptime_ =
    metrics::gauge(registry, "troupe_uptime_seconds", "Seconds since the node started");
  rss_ = metrics::gauge(registry, "process_resident_memory_bytes",
                        "Resident memory of the node process in bytes");
  virtual_ = metrics::gauge(registry, "process_virtual_memory_bytes",
                            "Virtual memory size of the node process in bytes");
  cpu_ = metrics::counter(registry, "process_cpu_seconds_total",
                          "User and system CPU time of the node process in seconds");
  open_fds_ = metrics::gauge(registry, "process_open_fds", "Open file descriptors");
  max_fds_ = metrics::gauge(registry, "process_max_fds", "The limit of open file descriptors");
  auto start = metrics::gauge(registry, "process_start_time_seconds",
                              "Start time of the node process since the Unix epoch in seconds");
  if (auto times = read_cpu_times())
    start->Set(times->start_time);
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

std::optional<process_probe::cpu_times> process_probe::read_cpu_times() {
  std::ifstream stat_file{"/proc/self/stat"};
  std::string text{std::istreambuf_iterator<char>{stat_file}, {}};
  // The command name in parentheses may hold spaces: fields follow the last ')'.
  auto close = text.rfind(')');
  if (close == std::string::npos)
    return std::nullopt;
  std::istringstream fields{text.substr(close + 1)};
  std::string field;
  double utime = 0, stime = 0, starttime = 0;
  for (int i = 3; fields >> field; ++i) { // field 3 is the state
    if (i == 14)
      utime = std::stod(field);
    else if (i == 15)
      stime = std::stod(field);
    else if (i == 22) {
      starttime = std::stod(field);
      break;
    }
  }
  double ticks = static_cast<double>(::sysconf(_SC_CLK_TCK));
  std::ifstream proc_stat{"/proc/stat"};
  double boot = 0;
  for (std::string line; std::getline(proc_stat, line);)
    if (line.rfind("btime ", 0) == 0)
      boot = std::stod(line.substr(6));
  if (ticks <= 0 || boot == 0)
    return std::nullopt;
  return cpu_times{(utime + stime) / ticks, boot + starttime / ticks};
}

void process_probe::update() {
  using namespace std::chrono;
  std::lock_guard<std::mutex> guard{mutex_};
  uptime_->Set(duration<double>(steady_clock::now() - started_).count());
  rss_->Set(resident_bytes());
  std::ifstream statm{"/proc/self/statm"};
  long pages_total = 0;
  if (statm >> pages_total)
    virtual_->Set(static_cast<double>(pages_total) * static_cast<double>(::sysconf(_SC_PAGESIZE)));
  if (auto times = read_cpu_times(); times && times->cpu_seconds > cpu_counted_) {
    cpu_->Increment(times->cpu_seconds - cpu_counted_);
    cpu_counted_ = times->cpu_seconds;
  }
  std::error_code ec;
  std::size_t fds = 0;
  for (std::filesystem::directory_iterator it{"/proc/self/fd", ec}, end; !ec && it != end;
       it.increment(ec))
    ++fds;
  if (!ec)
    open_fds_->Set(static_cast<double>(fds > 0 ? fds - 1 : 0)); // less the iterator's own
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) == 0)
    max_fds_->Set(static_cast<double>(limit.rlim_cur));
}

} // namespace troupe::runtime
