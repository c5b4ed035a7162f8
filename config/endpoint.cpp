#include "config/endpoint.hpp"

#include <cerrno>
#include <cstdlib>

#include "config/config_error.hpp"

namespace troupe::config {

result<uint16_t> check_port(long long value, const std::string& option,
                            bool allow_zero) {
  long long lowest = allow_zero ? 0 : 1;
  if (value < lowest || value > 65535)
    return bad_value(option, std::to_string(value),
                     allow_zero ? "a port is 0-65535 (0 = any free port)"
                                : "a port is 1-65535");
  return static_cast<uint16_t>(value);
}

result<endpoint> parse_endpoint(const std::string& text, const std::string& option) {
  auto colon = text.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == text.size())
    return bad_value(option, text, "expected HOST:PORT");
  endpoint ep;
  ep.host = text.substr(0, colon);
  auto port_text = text.substr(colon + 1);
  errno = 0;
  char* end = nullptr;
  long long port = std::strtoll(port_text.c_str(), &end, 10);
  if (errno != 0 || end == port_text.c_str() || *end != '\0')
    return bad_value(option, text, "the port '" + port_text + "' is not a number");
  auto checked = check_port(port, option, false);
  if (!checked)
    return bad_value(option, text, "a port is 1-65535");
  ep.port = *checked;
  return ep;
}

} // namespace troupe::config
