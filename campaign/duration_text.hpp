#pragma once
/// Durations as people write them in a campaign spec: a whole number and a
/// unit, `500ms`, `0s`, `30m`, `12h`, `2d`. Nothing else (no fractions, no
/// sums like `1h30m`, no sign); at most `max_duration_ms`.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace troupe::campaign {

/// 366 days: the longest delay or re-entry period a campaign may give.
inline constexpr int64_t max_duration_ms = int64_t{366} * 24 * 3600 * 1000;

/// The milliseconds `text` says, or nullopt when it is not a duration of
/// that form within the bound.
std::optional<int64_t> parse_duration_ms(std::string_view text);

/// What a duration looks like, for error messages.
inline constexpr const char* duration_rule =
  "a whole number and a unit (ms, s, m, h or d), like \"30m\", at most 366d";

} // namespace troupe::campaign
