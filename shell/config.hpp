#pragma once
/// Configuration of `troupe-shell`.

#include <chrono>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "config/endpoint.hpp"
#include "config/parse_outcome.hpp"
#include "config/tls_files.hpp"

namespace troupe::shell {

struct shell_config {
  /// The node whose admin actor the shell talks to.
  config::endpoint node{"127.0.0.1", 7401};
  /// One command to run (`-c COMMAND`, or the words after the options:
  /// `troupe-shell campaign status c1`); empty = interactive (stdin, a
  /// terminal or not; none read from one that is not is a usage error).
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

/// The shell command line of `words` (the arguments after the options),
/// each quoted as the tokenizer reads it back (shell/tokenizer): a word
/// with white space or a quote in '...' or "..."; one with both kinds of
/// quote is refused.
result<std::string> command_line_of(const std::vector<std::string>& words);

result<config::parse_outcome<shell_config>> parse_shell_options(int argc,
                                                        const char* const* argv,
                                                        const config::env_map& env);

} // namespace troupe::shell
