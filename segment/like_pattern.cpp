#include "segment/like_pattern.hpp"

namespace troupe::segment {

bool like_pattern::matches(std::string_view text) const {
  // Greedy wildcard matching with one backtrack point (the last '%'):
  // linear in practice, no recursion.
  std::size_t p = 0, t = 0;
  std::size_t star = std::string::npos, star_t = 0;
  while (t < text.size()) {
    if (p < pattern_.size() && (pattern_[p] == '_' || pattern_[p] == text[t])
        && pattern_[p] != '%') {
      ++p;
      ++t;
    } else if (p < pattern_.size() && pattern_[p] == '%') {
      star = p++;
      star_t = t;
    } else if (star != std::string::npos) {
      p = star + 1;
      t = ++star_t;
    } else {
      return false;
    }
  }
  while (p < pattern_.size() && pattern_[p] == '%')
    ++p;
  return p == pattern_.size();
}

} // namespace troupe::segment
