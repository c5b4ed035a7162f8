// troupe-node: one Troupe node. See `troupe-node --help`.

#include <csignal>
#include <cstdio>
#include <iostream>
#include <pthread.h>

#include "common/log.hpp"
#include "config/node_config.hpp"
#include "runtime/node.hpp"

int main(int argc, char** argv) {
  using namespace troupe;
  auto parsed = config::parse_node_options(argc, argv, config::environment());
  if (!parsed) {
    std::cerr << "troupe-node: " << parsed.err().message()
              << "\nRun 'troupe-node --help' for the options.\n";
    return 2;
  }
  if (parsed->what == config::parse_outcome<config::node_config>::action::print) {
    std::cout << parsed->text;
    return 0;
  }
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
  node.stop();
  log::info("node", "stopped");
  return exit_code;
}
