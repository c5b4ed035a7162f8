#pragma once
/// The shell's commands: parsing a command line, running it against a node
/// through `shell_client`, and printing the answer as text or JSON.
/// Shared by `-c` and the interactive loop.

#include <functional>
#include <iosfwd>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "shell/client.hpp"

namespace troupe::shell {

/// Exit statuses of the shell and of each command.
enum shell_exit : int { exit_ok = 0, exit_failed = 1, exit_usage = 2 };

/// Splits a command line into words; '...' and "..." group words.
/// Fails on an unterminated quote, naming its position.
result<std::vector<std::string>> split_command_line(const std::string& line);

/// The text of `help`.
std::string shell_help();

/// Gives the connected client, connecting on first use.
using client_source = std::function<result<shell_client*>()>;

/// Runs one command line; returns its exit status. Output goes to `out`,
/// errors to `err` (in JSON mode as {"error": "..."} on `out`).
int run_command(const std::string& line, bool json, const client_source& client,
                std::ostream& out, std::ostream& err);

} // namespace troupe::shell
