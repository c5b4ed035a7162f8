#pragma once
/// The rule for names operators choose (node ids, campaign ids): 1-64
/// letters, digits, '-', '_' or '.'. Safe in file names, keys and labels.

#include <cctype>
#include <string_view>

namespace troupe {

inline constexpr const char* identifier_rule = "use 1-64 letters, digits, '-', '_' or '.'";

inline bool valid_identifier(std::string_view id) {
  if (id.empty() || id.size() > 64)
    return false;
  for (char c : id)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_' && c != '.')
      return false;
  return true;
}

} // namespace troupe
