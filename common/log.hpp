#pragma once
/// Log lines: one line per event, `TIME LEVEL COMPONENT: message`, written
/// whole to stderr (a mutex keeps lines from interleaving). Usable from any
/// thread. The threshold is set once by `main` from configuration.
///
///   2026-11-22T14:41:07.123Z INFO  storage: opened var/n1 (node n1, 64 shards)

#include <cstdint>
#include <optional>
#include <vector>
#include <sstream>
#include <string>
#include <string_view>

namespace troupe::log {

enum class level { debug = 0, info = 1, warn = 2, error = 3 };

/// Parses "debug", "info", "warn", "error"; nullopt for anything else.
std::optional<level> parse_level(std::string_view text);

/// Lines below this level are dropped. Default: info.
void set_threshold(level lvl);
bool enabled(level lvl);

void write(level lvl, std::string_view component, std::string_view message);

/// A warn or error line, kept for the status page (`/api/v1/errors`).
struct problem {
  int64_t at_ms = 0; ///< Unix ms
  level lvl = level::warn;
  std::string component;
  std::string message;
};
/// The last `max_problems` warn and error lines written, newest first.
inline constexpr std::size_t max_problems = 50;
inline constexpr std::size_t max_problem_bytes = 1000;
std::vector<problem> recent_problems();

namespace detail {
template <class... Ts>
void emit(level lvl, std::string_view component, const Ts&... parts) {
  if (!enabled(lvl))
    return;
  std::ostringstream out;
  (out << ... << parts);
  write(lvl, component, out.str());
}
} // namespace detail

// One line each: the four levels differ in nothing else.
// clang-format off
template <class... Ts> void debug(std::string_view component, const Ts&... parts) { detail::emit(level::debug, component, parts...); }
template <class... Ts> void info(std::string_view component, const Ts&... parts) { detail::emit(level::info, component, parts...); }
template <class... Ts> void warn(std::string_view component, const Ts&... parts) { detail::emit(level::warn, component, parts...); }
template <class... Ts> void error(std::string_view component, const Ts&... parts) { detail::emit(level::error, component, parts...); }
// clang-format on

} // namespace troupe::log
