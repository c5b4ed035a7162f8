#pragma once
/// Configuration of `troupe-shell`.

#include <chrono>
#include <string>

#include "common/error.hpp"
#include "config/endpoint.hpp"
#include "config/parse_outcome.hpp"
#include "config/tls_files.hpp"

namespace troupe::shell {

struct shell_config {
  /// The node whose admin actor the shell talks to.
  config::endpoint node{"127.0.0.1", 7401};
  /// One command to run (`-c`); empty = interactive.
  std::string command;
  /// Machine-readable output.
  bool json = false;
  /// How long to wait for the connection and for each reply.
  std::chrono::milliseconds timeout{5000};
  /// TLS to a node started with --tls-*: this shell's certificate, key, CA.
  config::tls_files tls;
  /// The secret of a token the node lists in its --tokens (file or value;
  /// TROUPE_TOKEN sets `token`). Empty: none.
  std::string token_file;
  std::string token;
};

result<config::parse_outcome<shell_config>> parse_shell_options(int argc,
                                                        const char* const* argv,
                                                        const config::env_map& env);

} // namespace troupe::shell
