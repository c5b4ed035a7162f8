#pragma once
/// A `HOST:PORT` address as operators write it (`--node 127.0.0.1:7401`,
/// later `--seeds`). Parsing names the option and the offending text.

#include <cstdint>
#include <string>

#include "common/error.hpp"

namespace troupe::config {

struct endpoint {
  std::string host;
  uint16_t port = 0;

  std::string to_string() const { return host + ":" + std::to_string(port); }
};

/// Parses "HOST:PORT" (port 1-65535). `option` names the option in errors.
result<endpoint> parse_endpoint(const std::string& text, const std::string& option);

/// Checks a port number given as a signed value; 0 is allowed when
/// `allow_zero` (the node then binds any free port and logs it).
result<uint16_t> check_port(long long value, const std::string& option,
                            bool allow_zero);

} // namespace troupe::config
