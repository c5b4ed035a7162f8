#pragma once
/// The node's HTTP endpoint (civetweb, its own small thread pool):
///
///   GET /metrics  Prometheus text format of the node's registry
///   GET /health   200 "ok" while the process is alive
///   GET /ready    200 when the node is ready (storage open, not draining),
///                 503 otherwise
///   POST /v1/events  events in (runtime/http_events.hpp), when given one
///   GET /            the status page (runtime/status_page.hpp), and
///   GET /api/v1/...  its read-only JSON API (runtime/status_api.hpp), when given one
///   /v1/unsubscribe  the emails' one-click unsubscribe (runtime/http_unsubscribe.hpp),
///                    when the node has an smtp channel
///
/// Before each scrape it calls `before_scrape` so that gauges read on demand
/// (RocksDB estimates, resident memory) are current.

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include <prometheus/registry.h>

#include "common/error.hpp"
#include "runtime/http_events.hpp"
#include "runtime/http_unsubscribe.hpp"
#include "runtime/status_api.hpp"

namespace troupe::runtime {

struct http_options {
  std::string host = "127.0.0.1";
  uint16_t port = 9401;     ///< 0 = any free port
  /// civetweb's worker threads: a connection holds one until it is answered.
  unsigned threads = 8;
  /// A client that has not sent its whole request by then is dropped
  /// (civetweb's default of 30 s let two idle connections hold every thread).
  unsigned request_timeout_ms = 2000;
};

class http_server {
public:
  /// Starts listening; fails with a runtime error naming the address.
  static result<std::unique_ptr<http_server>>
  start(const http_options& opts, std::shared_ptr<prometheus::Registry> registry,
        std::function<bool()> ready, std::function<void()> before_scrape,
        std::shared_ptr<const events_endpoint> events = nullptr,
        std::shared_ptr<const status_api> api = nullptr,
        std::shared_ptr<const unsubscribe_endpoint> unsubscribe = nullptr);

  ~http_server();

  /// The port actually bound.
  uint16_t port() const;

  /// Stops accepting and closes the listener; waits for running requests.
  void stop();

private:
  struct impl;
  explicit http_server(std::unique_ptr<impl> impl);
  std::unique_ptr<impl> impl_;
};

} // namespace troupe::runtime
