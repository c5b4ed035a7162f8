#pragma once
/// The node's read-only JSON API on its HTTP port, `GET /api/v1/...`: what
/// the status page (`/`) shows, and useful to scripts. The fields are those
/// of `troupe-shell --json` (runtime/api_json.hpp).
///
///   /api/v1/health     this node: id, version, uptime, storage, readiness, copies
///   /api/v1/members    the cluster's members (as `nodes`)
///   /api/v1/shards     where each shard's copies are (as `shards`)
///   /api/v1/campaigns  every campaign's status over the members (as `campaign list`)
///   /api/v1/breakers   this node's circuit breakers
///   /api/v1/limiters   this node's rate limiters: waits and mean wait
///   /api/v1/errors     this node's last warn and error log lines, newest first
///   /api/v1/history    the last minutes of throughput and latency (metrics_history)
///
/// With authentication on, a bearer token with the viewer or operator role
/// (401, 403 otherwise); with it off and a loopback --http-host, only a
/// Host header naming a loopback address (a web page's script must not
/// read it by DNS rebinding). Each answer within `timeout` (504 past it,
/// naming what did not answer); at most `max_concurrent` at once (503
/// past it: the HTTP threads stay free for /metrics and events); 404 names
/// the known paths.

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include <caf/actor_system.hpp>
#include <prometheus/registry.h>

#include "runtime/http_access.hpp"
#include "runtime/metrics_history.hpp"
#include "runtime/shell_api.hpp"

namespace troupe::runtime {

class status_api {
public:
  /// `admin`: the node's shell door, looked up at each request (null once
  /// the node stops).
  status_api(caf::actor_system& sys, std::function<shell_api()> admin, http_access access,
             std::shared_ptr<prometheus::Registry> registry,
             std::shared_ptr<const metrics_history> history,
             std::chrono::milliseconds timeout = std::chrono::seconds{3},
             unsigned max_concurrent = 4, bool loopback_only = false);

  /// The answer to GET `path` (e.g. "/api/v1/campaigns"); `authorization`
  /// is the Authorization header's value (nullopt: none).
  /// `host`: the Host header's value (nullopt: none).
  http_reply get(const std::string& path, const std::optional<std::string>& authorization,
                 const std::optional<std::string>& host = std::nullopt) const;

private:
  template <class T, class Atom>
  result<T> ask(Atom atom) const;

  caf::actor_system& sys_;
  std::function<shell_api()> admin_;
  http_access access_;
  std::shared_ptr<prometheus::Registry> registry_;
  std::shared_ptr<const metrics_history> history_;
  std::chrono::milliseconds timeout_;
  unsigned max_concurrent_;
  bool loopback_only_;
  mutable std::atomic<unsigned> in_flight_{0};
};

/// True if `host` (a Host header: NAME or NAME:PORT, [V6]:PORT) names
/// this machine: localhost, 127.0.0.0/8 or ::1.
bool is_loopback_host_header(const std::string& host);

} // namespace troupe::runtime
