#include "contact_policy/quiet_hours.hpp"

#include <cstdio>

namespace troupe::contact_policy {

namespace {

error refuse(std::string_view text, const std::string& why) {
  return error{error_domain::config, 1,
               "quiet hours '" + std::string{text} + "': " + why
                 + " (expected HH:MM-HH:MM on a 24-hour clock, e.g. 22:00-08:00)",
               false};
}

/// "HH:MM" as minutes since midnight, or -1.
int clock_minutes(std::string_view s) {
  if (s.size() != 5 || s[2] != ':')
    return -1;
  for (std::size_t i : {0u, 1u, 3u, 4u})
    if (s[i] < '0' || s[i] > '9')
      return -1;
  int h = (s[0] - '0') * 10 + (s[1] - '0');
  int m = (s[3] - '0') * 10 + (s[4] - '0');
  if (h > 23 || m > 59)
    return -1;
  return h * 60 + m;
}

std::string clock_text(int minutes) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%02d:%02d", minutes / 60, minutes % 60);
  return buf;
}

} // namespace

result<std::optional<quiet_hours>> quiet_hours::parse(std::string_view text) {
  if (text.empty())
    return std::optional<quiet_hours>{};
  auto dash = text.find('-');
  if (dash == std::string_view::npos)
    return refuse(text, "no '-' between start and end");
  auto start = clock_minutes(text.substr(0, dash));
  auto end = clock_minutes(text.substr(dash + 1));
  if (start < 0)
    return refuse(text, "the start is not a time of day");
  if (end < 0)
    return refuse(text, "the end is not a time of day");
  if (start == end)
    return refuse(text, "start and end are the same");
  return std::optional<quiet_hours>{quiet_hours{start, end}};
}

std::string quiet_hours::text() const { return clock_text(start_) + "-" + clock_text(end_); }

bool quiet_hours::contains(const time_zone& zone, int64_t ms) const {
  auto m = zone.minute_of_day(ms);
  return start_ < end_ ? (m >= start_ && m < end_) : (m >= start_ || m < end_);
}

int64_t quiet_hours::release_at(const time_zone& zone, int64_t ms) const {
  if (!contains(zone, ms))
    return ms;
  return zone.next_local_minute(ms, end_);
}

} // namespace troupe::contact_policy
