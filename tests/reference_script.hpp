#pragma once
// Runs a Python reference script of the statistics tests (Debian's
// /usr/bin/python3, where python3-scipy installs, not a pyenv one) and
// reads what it prints: one case a line, fields split by spaces, floats as
// Python's repr.

#include <cstdio>
#include <cstdlib>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include <sys/wait.h>

namespace troupe::test {

/// The script's output, or "" with *error set (naming `needs` as what to
/// install).
inline std::string run_reference_script(const std::string& script, const std::string& needs,
                                        std::string* error) {
  std::string command = "/usr/bin/python3 '" + script + "'";
  FILE* pipe = popen(command.c_str(), "r");
  if (!pipe) {
    *error = "cannot start: " + command;
    return {};
  }
  std::string output;
  char buffer[4096];
  while (size_t n = fread(buffer, 1, sizeof buffer, pipe))
    output.append(buffer, n);
  int status = pclose(pipe);
  if (status != 0) {
    int code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    *error = command + " failed (exit status " + std::to_string(code) + "): the test needs "
             + needs + " (scripts/setup installs it)";
    return {};
  }
  return output;
}

/// The non-empty parts of `text` between separators.
inline std::vector<std::string> split_fields(const std::string& text, char separator) {
  std::vector<std::string> parts;
  std::string part;
  std::istringstream in(text);
  while (std::getline(in, part, separator))
    if (!part.empty())
      parts.push_back(part);
  return parts;
}

/// A float as the script prints it (repr: also "nan", "inf").
inline double reference_number(const std::string& text) {
  char* end = nullptr;
  double value = std::strtod(text.c_str(), &end);
  if (text.empty() || *end != '\0')
    throw std::runtime_error("not a number: " + text);
  return value;
}

} // namespace troupe::test
