#pragma once
/// What parsing a binary's options asks `main` to do: run with a config,
/// or print `text` (help or version) and exit 0.

#include <map>
#include <optional>
#include <ostream>
#include <string>

#include "common/error.hpp"

namespace troupe::config {

/// The process environment as a map (see `environment()`); tests pass their own.
using env_map = std::map<std::string, std::string>;

/// Reads the `TROUPE_*` variables of this process's environment.
env_map environment();

template <class Config>
struct parse_outcome {
  enum class action { run, print };
  action what = action::run;
  Config config;     ///< valid when `what == run`
  std::string text;  ///< help or version text when `what == print`
};

/// What `main` does with its parsed options: a bad option -> the message
/// and a pointer to --help on `err`, exit 2; --help or --version -> the text
/// on `out`, exit 0; else nullopt: run with the config.
template <class Config>
std::optional<int> exit_before_run(const result<parse_outcome<Config>>& parsed,
                                   const std::string& program, std::ostream& out,
                                   std::ostream& err) {
  if (!parsed) {
    err << program << ": " << parsed.err().message() << "\nRun '" << program
        << " --help' for the options.\n";
    return 2;
  }
  if (parsed->what == parse_outcome<Config>::action::print) {
    out << parsed->text;
    return 0;
  }
  return std::nullopt;
}

} // namespace troupe::config
