#pragma once
/// The composition root of `troupe-node`. `start` brings the services up in
/// order — storage, the actor system and the root supervisor (node_guardian)
/// with the admin actor, the admin endpoint on --cluster-port, HTTP — and
/// `stop` takes them down in reverse: first stop accepting (not ready, close
/// the admin port and HTTP), then stop the actors, then flush and close the
/// store. Used from `main`'s thread only.

#include <atomic>
#include <memory>
#include <string>

#include "common/error.hpp"
#include "config/node_config.hpp"

namespace troupe::runtime {

class node {
public:
  explicit node(config::node_config cfg);
  ~node();
  node(const node&) = delete;
  node& operator=(const node&) = delete;

  /// Starts every service; on error, what was started is stopped again.
  status start();

  /// Stops every service in reverse order. Idempotent.
  void stop();

  /// True once the root supervisor gave up (a child failed past its budget),
  /// or the node can never join its cluster.
  bool failed() const;

  /// Asks the cluster to move this node's shards away (`node drain`).
  void drain();
  /// True once this node has handed off every shard after a drain.
  bool drained() const;

  uint16_t cluster_port() const;
  uint16_t http_port() const;

private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

} // namespace troupe::runtime
