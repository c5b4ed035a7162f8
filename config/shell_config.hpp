#pragma once
/// Configuration of `troupe-shell`.

#include <chrono>
#include <string>

#include "common/error.hpp"
#include "config/endpoint.hpp"
#include "config/parse_outcome.hpp"
#include "config/tls_files.hpp"

namespace troupe::config {

struct shell_config {
  /// The node whose admin actor the shell talks to.
  endpoint node{"127.0.0.1", 7401};
  /// One command to run (`-c`); empty = interactive.
  std::string command;
  /// Machine-readable output.
  bool json = false;
  /// How long to wait for the connection and for each reply.
  std::chrono::milliseconds timeout{5000};
  /// TLS to a node started with --tls-*: this shell's certificate, key, CA.
  tls_files tls;
};

result<parse_outcome<shell_config>> parse_shell_options(int argc,
                                                        const char* const* argv,
                                                        const env_map& env);

} // namespace troupe::config
