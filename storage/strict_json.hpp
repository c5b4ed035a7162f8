#pragma once
/// Parsing JSON that people write (import lines, campaign specs) without
/// silently dropping what they wrote: a key twice in one object is an error
/// naming it (nlohmann-json would keep the last), as is text that is not JSON.

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace troupe::storage {

struct strict_parse {
  nlohmann::json value;      ///< discarded when `problem` is set
  std::string problem;       ///< "not valid JSON", "key 'x' appears twice"
};

strict_parse parse_strict(std::string_view text);

} // namespace troupe::storage
