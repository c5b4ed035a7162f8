#pragma once
/// The cluster's metrics, registered here and counted by the cluster actor,
/// its agent and the handoff:
///   troupe_cluster_members{state}        members per state (up, leaving, down), as this node sees them
///   troupe_shards_owned                  shards this node is the primary of
///   troupe_shards_under_replicated       shards short of in-sync copies
///   troupe_shards_unavailable            shards without a live primary
///   troupe_epoch_changes_total           shard epochs seen to advance
///   troupe_failovers_total               lost primaries replaced (as leader)
///   troupe_replica_lag_records           records the replicas of this node's shards lack
///   troupe_handoff_records_total         records streamed to or from this node
///   troupe_handoff_seconds               one shard's handoff, begin to map flip
///   troupe_remote_messages_total{direction}  cluster messages sent / received

#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

namespace troupe::cluster {

struct cluster_metrics {
  explicit cluster_metrics(prometheus::Registry& registry);
  prometheus::Gauge* up;
  prometheus::Gauge* leaving;
  prometheus::Gauge* down;
  prometheus::Gauge* shards_owned;
  prometheus::Gauge* under_replicated;
  prometheus::Gauge* unavailable;
  prometheus::Counter* epoch_changes;
  prometheus::Counter* failovers;
  prometheus::Gauge* replica_lag;
  prometheus::Counter* handoff_records;
  prometheus::Histogram* handoff_seconds;
  prometheus::Counter* sent;
  prometheus::Counter* received;
};

} // namespace troupe::cluster
