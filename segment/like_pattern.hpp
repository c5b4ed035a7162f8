#pragma once
/// A compiled SQL LIKE pattern: `%` any run of characters, `_` exactly one.
/// Case-sensitive, as in SQL.

#include <string>
#include <string_view>

namespace troupe::segment {

class like_pattern {
public:
  explicit like_pattern(std::string pattern) : pattern_(std::move(pattern)) {}
  bool matches(std::string_view text) const;

private:
  std::string pattern_;
};

} // namespace troupe::segment
