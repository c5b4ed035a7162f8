#include "storage/strict_json.hpp"

#include <set>
#include <vector>

namespace troupe::storage {

strict_parse parse_strict(std::string_view text) {
  using json = nlohmann::json;
  strict_parse out;
  std::vector<std::set<std::string>> open_objects;
  auto watch = [&](int, json::parse_event_t event, json& parsed) {
    switch (event) {
      case json::parse_event_t::object_start:
        open_objects.emplace_back();
        break;
      case json::parse_event_t::object_end:
        if (!open_objects.empty())
          open_objects.pop_back();
        break;
      case json::parse_event_t::key:
        if (!open_objects.empty() && !open_objects.back().insert(parsed.get<std::string>()).second &&
            out.problem.empty())
          out.problem = "key '" + parsed.get<std::string>() + "' appears twice in one object";
        break;
      default:
        break;
    }
    return true;
  };
  out.value = json::parse(text.begin(), text.end(), watch, false);
  if (out.value.is_discarded())
    out.problem = "not valid JSON";
  return out;
}

} // namespace troupe::storage
