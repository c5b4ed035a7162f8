#pragma once
/// The shell's command-line tokenizer: pure, no I/O, used from any thread.

#include <string>
#include <vector>

#include "common/error.hpp"

namespace troupe::shell {

/// Splits a command line into words at white space; '...' and "..." group
/// words (the quotes themselves are dropped, the other kind of quote is kept
/// inside them). Fails with `runtime_errc::usage` on an unterminated quote,
/// naming its position (1-based).
result<std::vector<std::string>> split_command_line(const std::string& line);

} // namespace troupe::shell
