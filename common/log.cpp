#include "common/log.hpp"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <deque>
#include <mutex>

namespace troupe::log {

namespace {

std::atomic<int> threshold{static_cast<int>(level::info)};
std::mutex write_mutex;
/// The newest warn and error lines, under write_mutex; never destroyed (a
/// thread may still log while the process exits).
std::deque<problem>& problems() {
  static auto* kept = new std::deque<problem>;
  return *kept;
}

const char* name_of(level lvl) {
  switch (lvl) {
    case level::debug: return "DEBUG";
    case level::info: return "INFO ";
    case level::warn: return "WARN ";
    case level::error: return "ERROR";
  }
  return "?    ";
}

} // namespace

std::optional<level> parse_level(std::string_view text) {
  if (text == "debug") return level::debug;
  if (text == "info") return level::info;
  if (text == "warn") return level::warn;
  if (text == "error") return level::error;
  return std::nullopt;
}

void set_threshold(level lvl) {
  threshold.store(static_cast<int>(lvl), std::memory_order_relaxed);
}

bool enabled(level lvl) {
  return static_cast<int>(lvl) >= threshold.load(std::memory_order_relaxed);
}

namespace {

/// `text` with control characters as \xHH: a logged id cannot forge a line.
std::string escape_controls(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  static const char hex[] = "0123456789abcdef";
  for (unsigned char c : text) {
    if (c < 0x20 || c == 0x7f) {
      out += "\\x";
      out += hex[c >> 4];
      out += hex[c & 15];
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

} // namespace

void write(level lvl, std::string_view component, std::string_view raw) {
  using namespace std::chrono;
  auto escaped = escape_controls(raw);
  std::string_view message = escaped;
  auto now = system_clock::now();
  auto secs = system_clock::to_time_t(now);
  auto millis = duration_cast<milliseconds>(now.time_since_epoch()).count() % 1000;
  std::tm utc{};
  gmtime_r(&secs, &utc);
  char stamp[32];
  std::strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%S", &utc);
  std::lock_guard<std::mutex> guard{write_mutex};
  if (lvl >= level::warn) {
    // Bounded: a line is kept at most max_problem_bytes long.
    auto& kept = problems();
    kept.push_back({duration_cast<milliseconds>(now.time_since_epoch()).count(), lvl,
                    std::string{component}, std::string{message.substr(0, max_problem_bytes)}});
    if (kept.size() > max_problems)
      kept.pop_front();
  }
  std::fprintf(stderr, "%s.%03dZ %s %.*s: %.*s\n", stamp, static_cast<int>(millis),
               name_of(lvl), static_cast<int>(component.size()), component.data(),
               static_cast<int>(message.size()), message.data());
  std::fflush(stderr);
}

std::vector<problem> recent_problems() {
  std::lock_guard<std::mutex> guard{write_mutex};
  return {problems().rbegin(), problems().rend()};
}

} // namespace troupe::log
