#pragma once
/// Quiet hours: a window of the local clock ("22:00-08:00", in the
/// customer's time zone) during which a triggered campaign holds its sends;
/// a held send goes out when the window ends. A window may cross midnight;
/// start and end may not be equal. Plain value.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/error.hpp"
#include "contact_policy/time_zone.hpp"

namespace troupe::contact_policy {

class quiet_hours {
public:
  /// "HH:MM-HH:MM" (24-hour clock); "" is no quiet hours (nullopt). Errors
  /// name the text and say what is expected.
  static result<std::optional<quiet_hours>> parse(std::string_view text);

  /// The window as "HH:MM-HH:MM".
  std::string text() const;

  /// True if the local clock at `ms` in `zone` is inside the window.
  bool contains(const time_zone& zone, int64_t ms) const;

  /// `ms` when outside the window; else the instant the window ends (the
  /// next local `end`) in `zone`.
  int64_t release_at(const time_zone& zone, int64_t ms) const;

  int start_minute() const { return start_; }
  int end_minute() const { return end_; }

private:
  quiet_hours(int start, int end) : start_(start), end_(end) {}
  int start_ = 0; ///< minutes since local midnight, inclusive
  int end_ = 0;   ///< exclusive
};

} // namespace troupe::contact_policy
