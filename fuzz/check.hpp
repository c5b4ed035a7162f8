#pragma once
/// What every harness of fuzz/ shares: `FUZZ_CHECK`, an invariant that
/// aborts (libFuzzer then saves the input as a crash) with what broke, and
/// a UTF-8 check for error messages. Harness code only.

#include <cstdio>
#include <cstdlib>
#include <string_view>

#define FUZZ_CHECK(cond, what)                                                        \
  do {                                                                                \
    if (!(cond)) {                                                                    \
      std::fprintf(stderr, "fuzz invariant broken at %s:%d: %s (%s)\n", __FILE__,    \
                   __LINE__, what, #cond);                                            \
      std::abort();                                                                   \
    }                                                                                 \
  } while (0)

namespace troupe::fuzz {

/// True when `s` is well-formed UTF-8 (no cut or overlong sequences).
inline bool is_utf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    auto c = static_cast<unsigned char>(s[i]);
    size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
    if (n == 0 || i + n > s.size() || (n == 2 && c < 0xC2))
      return false;
    for (size_t k = 1; k < n; ++k)
      if ((static_cast<unsigned char>(s[i + k]) >> 6) != 0x2)
        return false;
    i += n;
  }
  return true;
}

} // namespace troupe::fuzz
