#pragma once
/// A real HTTP GET with libcurl, for process tests.

#include <string>

namespace troupe::test {

struct http_response {
  long code = 0;        ///< 0 if the connection failed
  std::string body;
};

http_response http_get(const std::string& url, long timeout_ms = 2000);

} // namespace troupe::test
