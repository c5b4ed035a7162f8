#pragma once
/// A blocking HTTP client (libcurl) for the providers that talk to the world
/// outside the node: the OpenAI-compatible generator and the webhook
/// channel. One client holds one connection cache; it is not shared between
/// threads (each pool worker owns one). A transport failure (refused,
/// unresolved, timed out) is an error value; any HTTP status is an answer.

#include <chrono>
#include <string>
#include <utility>
#include <vector>

#include "common/error.hpp"

namespace troupe::providers {

struct http_answer {
  long status = 0;       ///< HTTP status code
  std::string body;
};

/// Why a request got no answer (codes of error_domain::actors, 100+).
enum class http_errc : int {
  timeout = 100,         ///< no complete answer within the timeout
  transport = 101,       ///< refused, unreachable, reset, bad URL, ...
};

class http_client {
public:
  http_client();
  ~http_client();
  http_client(const http_client&) = delete;
  http_client& operator=(const http_client&) = delete;

  /// POSTs `body` to `url` with the given headers ("Name: value").
  result<http_answer> post(const std::string& url, const std::string& body,
                           const std::vector<std::string>& headers,
                           std::chrono::milliseconds timeout);

private:
  void* curl_; ///< CURL*, kept out of this header
};

/// True if `e` is an http_client error of kind `code`.
bool is_http_error(const error& e, http_errc code);

} // namespace troupe::providers
