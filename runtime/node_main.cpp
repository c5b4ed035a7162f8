// troupe-node: one Troupe node. See `troupe-node --help`.

#include <chrono>
#include <condition_variable>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <mutex>
#include <pthread.h>
#include <thread>

#include "common/log.hpp"
#include "config/node_config.hpp"
#include "runtime/node.hpp"

namespace {

/// Ends the process (exit code 1) if it is not disarmed within `limit`.
class shutdown_watchdog {
public:
  explicit shutdown_watchdog(std::chrono::seconds limit)
    : thread_([this, limit] {
        std::unique_lock<std::mutex> guard{mutex_};
        if (cv_.wait_for(guard, limit, [this] { return disarmed_; }))
          return;
        troupe::log::error("node", "the shutdown did not finish within ", limit.count(),
                           " s: exiting without it (the next start recovers from the WAL)");
        std::_Exit(1);
      }) {}
  ~shutdown_watchdog() { disarm(); }
  void disarm() {
    {
      std::lock_guard<std::mutex> guard{mutex_};
      disarmed_ = true;
    }
    cv_.notify_one();
    if (thread_.joinable())
      thread_.join();
  }

private:
  std::mutex mutex_;
  std::condition_variable cv_;
  bool disarmed_ = false;
  std::thread thread_;
};

} // namespace

int main(int argc, char** argv) {
  using namespace troupe;
  auto parsed = config::parse_node_options(argc, argv, config::environment());
  if (auto code = config::exit_before_run(parsed, "troupe-node", std::cout, std::cerr))
    return *code;
  log::set_threshold(parsed->config.log_level);

  // Block the stop signals before any thread exists, so that every thread
  // inherits the mask and only the wait below receives them.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  std::signal(SIGPIPE, SIG_IGN);

  runtime::node node{parsed->config};
  if (auto st = node.start(); !st) {
    log::error("node", st.err().message());
    return 1;
  }
  int exit_code = 0;
  bool draining = false;
  for (;;) {
    timespec tick{0, 200'000'000};
    int sig = sigtimedwait(&stop_signals, nullptr, &tick);
    if (sig == SIGTERM || sig == SIGINT) {
      log::info("node", "received ", sig == SIGTERM ? "SIGTERM" : "SIGINT");
      if (sig == SIGTERM && parsed->config.drain_on_exit && !draining) {
        log::info("node", "--drain-on-exit: handing this node's shards off first "
                  "(send SIGTERM again to stop at once)");
        draining = true;
        node.drain();
        continue;
      }
      break;
    }
    if (node.drained()) {
      log::info("node", "every shard handed off: leaving");
      break;
    }
    if (node.failed()) {
      exit_code = 1;
      break;
    }
  }
  // A node asked to stop must stop: should the shutdown hang (a CAF 0.17
  // shutdown race is the known way), the watchdog ends the process. What the
  // node wrote is in RocksDB's WAL, which the next start recovers.
  shutdown_watchdog watchdog{std::chrono::seconds(60)};
  node.stop();
  watchdog.disarm();
  log::info("node", "stopped");
  return exit_code;
}
