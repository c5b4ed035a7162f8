#pragma once
/// A real HTTP GET and POST with libcurl, for process tests.

#include <string>
#include <vector>

namespace troupe::test {

struct http_response {
  long code = 0;        ///< 0 if the connection failed
  std::string body;
};

http_response http_get(const std::string& url, long timeout_ms = 2000);
/// GETs with `headers` ("Name: value").
http_response http_get(const std::string& url, const std::vector<std::string>& headers,
                       long timeout_ms = 10000);

/// POSTs `body` with `headers` ("Name: value").
http_response http_post(const std::string& url, const std::string& body,
                        const std::vector<std::string>& headers = {}, long timeout_ms = 10000);

} // namespace troupe::test
