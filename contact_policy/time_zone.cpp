#include "contact_policy/time_zone.hpp"

#include <chrono>

#include <date/tz.h>

namespace troupe::contact_policy {

namespace {

using ms_t = std::chrono::milliseconds;
constexpr int64_t day_ms = 86'400'000;
constexpr int64_t minute_ms = 60'000;

int64_t floor_div(int64_t a, int64_t b) {
  auto q = a / b;
  return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

} // namespace

result<time_zone> time_zone::find(std::string_view iana_name) {
  if (iana_name.empty() || iana_name == "UTC")
    return time_zone{};
  try {
    return time_zone{date::locate_zone(iana_name)};
  } catch (const std::exception&) {
    return error{error_domain::customers, 1,
                 "unknown time zone '" + std::string{iana_name}
                   + "' (an IANA name such as 'Europe/Paris' or 'America/New_York')",
                 false};
  }
}

std::string time_zone::name() const {
  return zone_ == nullptr ? "UTC" : std::string{zone_->name()};
}

int64_t time_zone::offset_ms(int64_t ms) const {
  if (zone_ == nullptr)
    return 0;
  auto at = date::floor<std::chrono::seconds>(date::sys_time<ms_t>{ms_t{ms}});
  auto info = zone_->get_info(at);
  return std::chrono::duration_cast<ms_t>(info.offset).count();
}

int64_t time_zone::local_day(int64_t ms) const {
  return floor_div(ms + offset_ms(ms), day_ms);
}

int time_zone::minute_of_day(int64_t ms) const {
  auto local = ms + offset_ms(ms);
  return static_cast<int>(floor_div(local - floor_div(local, day_ms) * day_ms, minute_ms));
}

int64_t time_zone::next_local_minute(int64_t ms, int minute) const {
  // Today's and the next two local days' `minute` (a clock change moves a
  // day by at most a few hours), in local ms; the first not before `ms`.
  auto local_now = ms + offset_ms(ms);
  auto day = floor_div(local_now, day_ms);
  for (int64_t d = day - 1; d <= day + 2; ++d) {
    int64_t local = d * day_ms + minute * minute_ms;
    if (zone_ == nullptr) {
      if (local >= ms)
        return local;
      continue;
    }
    auto info = zone_->get_info(date::local_seconds{std::chrono::seconds{local / 1000}});
    auto offset = [](const date::sys_info& i) {
      return std::chrono::duration_cast<ms_t>(i.offset).count();
    };
    switch (info.result) {
      case date::local_info::unique:
        if (local - offset(info.first) >= ms)
          return local - offset(info.first);
        break;
      case date::local_info::ambiguous: // twice: the first not before `ms`
        if (local - offset(info.first) >= ms)
          return local - offset(info.first);
        if (local - offset(info.second) >= ms)
          return local - offset(info.second);
        break;
      case date::local_info::nonexistent: { // skipped: when the clock jumps
        auto jump = std::chrono::duration_cast<ms_t>(info.second.begin.time_since_epoch()).count();
        if (jump >= ms)
          return jump;
        break;
      }
    }
  }
  return ms + day_ms; // unreachable for real zones
}

} // namespace troupe::contact_policy
