#pragma once
/// What `/ready`, `/health` and the admin actor's `health` report about the
/// node as a whole. Shared (read-only for everyone but the node) between the
/// HTTP threads and the admin actor; its fields are atomics or immutable.

#include <atomic>
#include <chrono>
#include <memory>
#include <string>

#include "storage/store.hpp"

namespace troupe::runtime {

struct node_status {
  std::string node_id;
  /// "off", or how peers prove who they are; set once before the port opens.
  std::string authentication = "off";
  std::chrono::steady_clock::time_point started_at = std::chrono::steady_clock::now();
  std::shared_ptr<storage::store> store;
  /// Set when the node begins to stop: /ready turns 503 first.
  std::atomic<bool> draining{false};
  /// Set by the cluster actor while the node is in a cluster.
  std::shared_ptr<std::atomic<bool>> joined = std::make_shared<std::atomic<bool>>(false);

  bool ready() const {
    return store != nullptr && store->is_open() && !draining.load() && joined->load();
  }

  int64_t uptime_ms() const {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now() - started_at)
      .count();
  }
};

} // namespace troupe::runtime
