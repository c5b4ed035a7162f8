#pragma once
/// The supervision tree of a node below its root supervisor, built from the
/// node's config:
///
///   node_guardian
///   ├── admin              the shell gateway: the shell's entry point
///   ├── members            the member gateway: other members' entry point
///   ├── cluster            membership, shard map, handoff (detached)
///   ├── storage            imports and scans (detached: blocking RocksDB work)
///   ├── customers          virtual customer actors (registry, detached)
///   ├── campaigns          campaign manager and its runners (detached)
///   └── stages             supervisor of the pipeline's shared parts
///       ├── limiter        token buckets: "generate" (the HTTP generator),
///       │                  "deliver" (the webhook channel), "smtp"
///       ├── breaker:generate   breaker -> generation provider (template,
///       │                      fault injection around it, or the
///       │                      OpenAI-compatible client behind the limiter),
///       │                      with the template generator as fallback
///       ├── breaker:deliver    breaker -> webhook channel behind the limiter;
///       │                      no fallback (the deliver stage retries)
///       └── breaker:smtp       breaker -> smtp channel behind the limiter
///                              ("smtp"), with --smtp-url only; likewise

#include <memory>
#include <string>
#include <vector>

#include <prometheus/registry.h>

#include "actors/supervisor.hpp"
#include "campaign/campaign_metrics.hpp"
#include "cluster/cluster_actor.hpp"
#include "config/node_config.hpp"
#include "runtime/gateway_context.hpp"
#include "storage/shard_log.hpp"
#include "storage/shard_writer.hpp"

namespace troupe::runtime {

struct node_tree {
  std::vector<actors::child_spec> children; ///< of node_guardian
  actors::restart_policy policy;            ///< of every supervisor
  std::vector<std::string> breaker_paths;   ///< below node_guardian
  /// The campaigns' series, swept of expired ones before each scrape.
  std::shared_ptr<campaign::campaign_metrics> campaign_metrics;
};

/// `admin` is completed with the breaker paths.
/// `cluster` is the cluster actor's configuration; its ownership is shared
/// with the storage actor and the campaigns.
/// Where shard data is written: the node's shard log and writer (local, or
/// replicating in a cluster), made in `main`.
struct shard_writes {
  std::shared_ptr<storage::shard_log> log;
  std::shared_ptr<storage::shard_writer> writer;
};

node_tree build_node_tree(const config::node_config& cfg, gateway_context admin,
                          shard_writes writes,
                          prometheus::Registry& registry,
                          std::shared_ptr<actors::supervisor_metrics> supervisor_metrics,
                          cluster::cluster_config cluster);

} // namespace troupe::runtime
