#include "config/fault_spec.hpp"

#include <cerrno>
#include <cstdlib>
#include <sstream>

#include "config/config_error.hpp"

namespace troupe::config {

result<fault_spec> parse_fault_spec(const std::string& text, const std::string& option) {
  fault_spec spec;
  if (text.empty())
    return spec;
  spec.enabled = true;
  std::stringstream parts{text};
  std::string part;
  while (std::getline(parts, part, ',')) {
    auto eq = part.find('=');
    auto key = part.substr(0, eq);
    auto value = eq == std::string::npos ? std::string{} : part.substr(eq + 1);
    if (key == "hang" && eq == std::string::npos) {
      spec.hang = true;
      continue;
    }
    errno = 0;
    char* end = nullptr;
    double number = std::strtod(value.c_str(), &end);
    bool numeric = !value.empty() && errno == 0 && *end == '\0';
    if (key == "failure-rate") {
      if (!numeric || number < 0 || number > 1)
        return bad_value(option, text, "failure-rate is a number from 0 to 1");
      spec.failure_rate = number;
    } else if (key == "latency-ms") {
      if (!numeric || number < 0 || number > 600000 || number != static_cast<unsigned>(number))
        return bad_value(option, text, "latency-ms is a whole number from 0 to 600000");
      spec.latency_ms = static_cast<unsigned>(number);
    } else {
      return bad_value(option, text,
                       "unknown part '" + part
                         + "' (use failure-rate=R, latency-ms=N, hang)");
    }
  }
  return spec;
}

} // namespace troupe::config
