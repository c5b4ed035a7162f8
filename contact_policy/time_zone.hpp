#pragma once
/// A customer's time zone (an IANA name, "Europe/Paris"; default UTC), read
/// from the system's time zone database (/usr/share/zoneinfo, Debian's
/// tzdata) through Howard Hinnant's date library: the calendar day and the
/// clock a customer lives by, for frequency caps and quiet hours. Plain
/// value; thread-safe (the database is loaded once, read only).

#include <cstdint>
#include <string>
#include <string_view>

#include "common/error.hpp"

namespace date {
class time_zone;
}

namespace troupe::contact_policy {

/// The customer attribute that names its time zone.
inline constexpr const char* timezone_attribute = "timezone";

class time_zone {
public:
  /// UTC.
  time_zone() = default;

  /// The zone named `iana_name` ("" is UTC); an unknown name is refused,
  /// naming it.
  static result<time_zone> find(std::string_view iana_name);

  /// "UTC" or the IANA name.
  std::string name() const;

  /// The calendar day at `ms` (Unix ms) in this zone: days since 1970-01-01.
  int64_t local_day(int64_t ms) const;

  /// The local clock at `ms`: minutes since local midnight, 0..1439.
  int minute_of_day(int64_t ms) const;

  /// The first instant at or after `ms` whose local clock reads `minute`
  /// (0..1439); where a clock change skips that minute, the instant the
  /// clock jumps past it; where one repeats it, the first of the two not
  /// before `ms`.
  int64_t next_local_minute(int64_t ms, int minute) const;

private:
  explicit time_zone(const date::time_zone* z) : zone_(z) {}
  int64_t offset_ms(int64_t ms) const;

  const date::time_zone* zone_ = nullptr; ///< null: UTC
};

} // namespace troupe::contact_policy
