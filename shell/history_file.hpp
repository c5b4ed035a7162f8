#pragma once
/// The interactive shell's history on disk (~/.troupe_history): a command
/// a line, appended after each command (so a shell that is killed loses
/// nothing), the file cut to its last `cap` lines, readable by its owner
/// only. A file libedit wrote (first line `_HiStOrY_V2_`, whitespace and
/// backslashes vis-encoded as `\040`, `\\`) is read too, and rewritten in
/// the plain form at the next append. Used from the shell's main thread.

#include <cstddef>
#include <string>
#include <vector>

#include "common/error.hpp"

namespace troupe::shell {

/// How many commands the history file keeps.
constexpr std::size_t history_cap = 1000;

/// The commands in a history file's `text`, oldest first (empty lines
/// skipped).
std::vector<std::string> parse_history(const std::string& text);

/// The commands in the file at `path`; none if it cannot be read.
std::vector<std::string> load_history(const std::string& path);

/// Appends `command` to the file at `path` (created 0600), then cuts it
/// to its last `cap` commands; an error names the file and why.
status append_history(const std::string& path, const std::string& command,
                      std::size_t cap = history_cap);

} // namespace troupe::shell
