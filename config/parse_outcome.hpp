#pragma once
/// What parsing a binary's options asks `main` to do: run with a config,
/// or print `text` (help or version) and exit 0.

#include <map>
#include <string>

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

} // namespace troupe::config
