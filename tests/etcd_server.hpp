#pragma once
/// A real one-member etcd (/usr/bin/etcd) for process tests: free loopback
/// ports, its data in a temp dir, stopped (SIGKILL) when the object goes.
/// `restart()` starts it again on the same data dir and ports.

#include <filesystem>
#include <memory>
#include <string>

#include "tests/process.hpp"
#include "tests/temp_dir.hpp"

namespace troupe::test {

class etcd_server {
public:
  static constexpr const char* binary = "/usr/bin/etcd";
  static constexpr const char* ctl_binary = "/usr/bin/etcdctl";

  /// False if /usr/bin/etcd is not installed (tests then skip).
  static bool available();

  /// Starts etcd and waits (up to 20 s) until it answers; throws
  /// std::runtime_error with its stderr if it does not.
  etcd_server();
  ~etcd_server();

  /// "http://127.0.0.1:PORT"
  std::string endpoint() const;
  /// Kills it (SIGKILL, or `sig`) and waits for it to exit.
  void stop(int sig = 9);
  /// Starts it again on the same data dir and ports; waits until it answers.
  void restart();
  /// Adds user root with `password` and enables auth (etcdctl).
  void enable_auth(const std::string& password);

private:
  void start();
  void wait_ready();
  std::string ctl(const std::vector<std::string>& args);

  temp_dir dir_;
  uint16_t client_port_ = 0;
  uint16_t peer_port_ = 0;
  std::unique_ptr<process> process_;
};

} // namespace troupe::test
