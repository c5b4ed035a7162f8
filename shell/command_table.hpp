#pragma once
/// The shell's commands as data: an entry per command (and subcommand) with
/// what it takes, its help and the function that runs it. `help`,
/// `help COMMAND [SUBCOMMAND]` and every usage error are generated from the
/// table (shell/commands.cpp); the handlers are in shell/*_commands.cpp.
/// The table is immutable; a context lives for one command on the shell's
/// main thread.

#include <iosfwd>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "shell/client.hpp"

namespace troupe::shell {

/// Prints `e` ("error: ..." on `err`, or {"error": "..."} on `out` in JSON
/// mode; Ctrl-C's prints just "cancelled") and returns its exit status: 2
/// for a usage error, 130 for Ctrl-C, else 1.
int print_error(const error& e, bool json, std::ostream& out, std::ostream& err);

/// What a handler gets: the words of its command line, sorted, and where to
/// print.
struct command_context {
  std::string subcommand;                    ///< the entry's `sub`, "" for none
  std::vector<std::string> operands;         ///< words after the (sub)command, options taken out
  std::set<std::string> flags;               ///< options without a value given, e.g. "--watch"
  std::map<std::string, std::string> values; ///< options with a value, e.g. "--by" -> "region"
  bool json = false;                         ///< --json: machine-readable output
  shell_client* node = nullptr;              ///< connected when the entry needs a node
  std::ostream& out;
  std::ostream& err;

  bool has(const std::string& flag) const { return flags.count(flag) > 0; }
  /// The value of `option`, "" when not given.
  std::string value(const std::string& option) const;
  /// Prints `e` as `print_error` does and returns the exit status for it.
  int fail(const error& e) const { return print_error(e, json, out, err); }
};

using command_handler = int (*)(command_context&);

/// Whether the command talks to a node (dispatch connects first) or not.
enum class reach { node, local };

struct command_entry {
  std::string name;                  ///< the first word, e.g. "campaign"
  std::string sub;                   ///< the second word, "" for a command without one
  std::vector<std::string> operands; ///< e.g. "ID", "[FILE]" (optional in brackets)
  std::vector<std::string> options;  ///< e.g. "--watch", "--by FIELD" (takes a value)
  std::string summary;               ///< one line for `help`
  std::string details;               ///< more for `help COMMAND`, lines of text; may be ""
  reach needs;
  command_handler run;
};

/// Every command, in the order `help` lists them.
const std::vector<command_entry>& command_table();

/// The entry's usage, e.g. "campaign report ID [--by FIELD]".
std::string usage_line(const command_entry& e);

} // namespace troupe::shell
