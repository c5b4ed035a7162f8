#pragma once
/// Internal to config/: layers the command line, the environment and an INI
/// file into one Boost variables_map (command line > env > file > defaults)
/// and turns Boost's exceptions into `config_errc` errors. Only config/*.cpp
/// include this header; Boost types never leave the folder.

#include <map>
#include <optional>
#include <string>
#include <vector>

#include <boost/program_options.hpp>

#include "common/error.hpp"
#include "config/tls_files.hpp"

namespace troupe::config::detail {

namespace po = boost::program_options;

/// The environment as a plain map, so that tests can pass their own.
using env_map = std::map<std::string, std::string>;

/// Parses `argv` and `env` (variables `TROUPE_<OPTION>`, upper case with
/// `_` for `-`), then the file named by `--config` / `TROUPE_CONFIG` if any.
/// Variables that name no option of `desc` are ignored (they may belong to
/// another binary); unknown options on the command line or in the file are
/// errors.
result<po::variables_map> parse_layers(const po::options_description& desc,
                                       int argc, const char* const* argv,
                                       const env_map& env);

/// The text to print for --help (the option list) or --version, if asked.
std::optional<std::string> help_or_version(const po::variables_map& vm,
                                           const po::options_description& desc,
                                           const std::string& binary);

/// The options given (command line, environment or file) rather than left
/// at their defaults, as "--name value" ("--name" for a switch), in name
/// order: what a process logs at start.
std::vector<std::string> options_set(const po::variables_map& vm);

/// Reads a string option (which has a default in `desc`).
std::string text(const po::variables_map& vm, const char* name);

/// Converts an option's text into an integer in [lowest, highest].
result<long long> integer(const po::variables_map& vm, const char* name,
                          long long lowest, long long highest);

/// Converts an option's text into a real number in [lowest, highest].
result<double> real(const po::variables_map& vm, const char* name, double lowest,
                    double highest);

/// Adds --tls-cert, --tls-key and --tls-ca (the same for node and shell).
void add_tls_options(po::options_description& desc);

/// Reads and checks those three options.
result<tls_files> tls_options(const po::variables_map& vm);

} // namespace troupe::config::detail
