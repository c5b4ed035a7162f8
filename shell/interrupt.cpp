#include "shell/interrupt.hpp"

#include <csignal>
#include <pthread.h>
#include <unistd.h>

namespace troupe::shell {

namespace {

volatile std::sig_atomic_t interrupted = 0;

extern "C" void on_sigint_cancel(int) {
  interrupted = 1;
}

extern "C" void on_sigint_exit(int) {
  ::_exit(130);
}

sigset_t sigint_set() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  return set;
}

} // namespace

void block_interrupts_here() {
  auto set = sigint_set();
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
}

void install_interrupt_handler(on_interrupt what) {
  struct sigaction action {};
  action.sa_handler = what == on_interrupt::exit_130 ? on_sigint_exit : on_sigint_cancel;
  sigemptyset(&action.sa_mask);
  action.sa_flags = 0; // no SA_RESTART: readline's read returns at the prompt
  sigaction(SIGINT, &action, nullptr);
  auto set = sigint_set();
  pthread_sigmask(SIG_UNBLOCK, &set, nullptr);
}

bool interrupt_requested() {
  return interrupted != 0;
}

void clear_interrupt() {
  interrupted = 0;
}

void request_interrupt() {
  interrupted = 1;
}

} // namespace troupe::shell
