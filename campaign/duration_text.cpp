#include "campaign/duration_text.hpp"

namespace troupe::campaign {

std::optional<int64_t> parse_duration_ms(std::string_view text) {
  std::size_t digits = 0;
  while (digits < text.size() && text[digits] >= '0' && text[digits] <= '9')
    ++digits;
  if (digits == 0 || digits > 12) // 12 digits of ms is over 366 days already
    return std::nullopt;
  int64_t n = 0;
  for (std::size_t i = 0; i < digits; ++i)
    n = n * 10 + (text[i] - '0');
  auto unit = text.substr(digits);
  int64_t scale = 0;
  if (unit == "ms")
    scale = 1;
  else if (unit == "s")
    scale = 1000;
  else if (unit == "m")
    scale = 60'000;
  else if (unit == "h")
    scale = 3'600'000;
  else if (unit == "d")
    scale = 86'400'000;
  else
    return std::nullopt;
  if (n > max_duration_ms / scale)
    return std::nullopt;
  return n * scale;
}

} // namespace troupe::campaign
