#pragma once
/// The shell's commands, as `-c` and the interactive loop use them: run one
/// command line against a node through `shell_client`, printing the answer
/// as text or JSON; and the help, generated from the command table
/// (shell/command_table.hpp). Used from the shell's main thread.

#include <functional>
#include <iosfwd>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "shell/client.hpp"
#include "shell/tokenizer.hpp"

namespace troupe::shell {

/// Exit statuses of the shell and of each command.
/// `exit_cancelled`: Ctrl-C (128 + SIGINT, as a shell reports a process it ended).
enum shell_exit : int { exit_ok = 0, exit_failed = 1, exit_usage = 2, exit_cancelled = 130 };

/// The text of `help`: a line per table entry.
std::string shell_help();

/// The text of `help COMMAND` or `help COMMAND SUBCOMMAND`: usage and the
/// longer help of each matching entry. An unknown topic is a usage error.
result<std::string> shell_help(const std::string& command, const std::string& subcommand);

/// Gives the connected client, connecting on first use.
using client_source = std::function<result<shell_client*>()>;

/// Runs one command line; returns its exit status. Output goes to `out`,
/// errors to `err` (in JSON mode as {"error": "..."} on `out`).
int run_command(const std::string& line, bool json, const client_source& client,
                std::ostream& out, std::ostream& err);

} // namespace troupe::shell
