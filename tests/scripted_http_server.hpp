#pragma once
/// A real HTTP server (civetweb on a free loopback port) for tests of the
/// providers that call out: the test scripts each answer — status, body,
/// delay — from the request, and reads back every request received (path,
/// headers, body). Stands in for an LLM server or a webhook receiver.

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace troupe::test {

struct http_exchange {
  std::string method;
  std::string path;
  std::map<std::string, std::string> headers; ///< names lowercased
  std::string body;
};

struct scripted_reply {
  int status = 200;
  std::string body;
  std::chrono::milliseconds delay{0};   ///< before answering
};

class scripted_http_server {
public:
  using handler = std::function<scripted_reply(const http_exchange&)>;

  /// Starts serving on 127.0.0.1 (any free port) with `threads` workers.
  explicit scripted_http_server(handler h, unsigned threads = 16);
  ~scripted_http_server();
  scripted_http_server(const scripted_http_server&) = delete;
  scripted_http_server& operator=(const scripted_http_server&) = delete;

  uint16_t port() const { return port_; }
  /// http://127.0.0.1:PORT followed by `path`.
  std::string url(const std::string& path = "") const;
  /// Every request so far, in arrival order.
  std::vector<http_exchange> requests() const;
  std::size_t request_count() const;

  struct impl;

private:
  std::unique_ptr<impl> impl_;
  uint16_t port_ = 0;
};

} // namespace troupe::test
