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
/// With authentication on, a bearer token with the viewer role or above
/// (401, 403 otherwise). Each answer within `timeout` (504 past it, naming
/// what did not answer); 404 names the known paths.

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
             std::chrono::milliseconds timeout = std::chrono::seconds{5});

  /// The answer to GET `path` (e.g. "/api/v1/campaigns"); `authorization`
  /// is the Authorization header's value (nullopt: none).
  http_reply get(const std::string& path, const std::optional<std::string>& authorization) const;

private:
  template <class T, class Atom>
  result<T> ask(Atom atom) const;

  caf::actor_system& sys_;
  std::function<shell_api()> admin_;
  http_access access_;
  std::shared_ptr<prometheus::Registry> registry_;
  std::shared_ptr<const metrics_history> history_;
  std::chrono::milliseconds timeout_;
};

} // namespace troupe::runtime
