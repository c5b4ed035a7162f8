#include "personalize/tokenizer.hpp"

#include <cctype>

namespace troupe::personalize {

std::vector<std::string> tokenize(std::string_view text) {
  std::vector<std::string> out;
  std::string current;
  for (char c : text) {
    if (std::isalnum(static_cast<unsigned char>(c))) {
      current += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    } else if (!current.empty()) {
      out.push_back(std::move(current));
      current.clear();
    }
  }
  if (!current.empty())
    out.push_back(std::move(current));
  return out;
}

} // namespace troupe::personalize
