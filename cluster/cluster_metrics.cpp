#include "cluster/cluster_metrics.hpp"

#include "common/metrics.hpp"

namespace troupe::cluster {

cluster_metrics::cluster_metrics(prometheus::Registry& registry) {
  auto& members =
    metrics::gauge_family(registry, "troupe_cluster_members",
                          "Cluster members per state, as this node sees them");
  up = &members.Add({{"state", "up"}});
  leaving = &members.Add({{"state", "leaving"}});
  down = &members.Add({{"state", "down"}});
  shards_owned = metrics::gauge(registry, "troupe_shards_owned",
                                "Shards this node is the primary owner of");
  under_replicated = metrics::gauge(
    registry, "troupe_shards_under_replicated",
    "Shards with fewer in-sync copies on live members than the replication factor");
  unavailable = metrics::gauge(registry, "troupe_shards_unavailable",
                               "Shards whose primary is not a live member");
  epoch_changes = metrics::counter(registry, "troupe_epoch_changes_total",
                                   "Shard epochs this node saw advance (a primary changed)");
  failovers = metrics::counter(registry, "troupe_failovers_total",
                               "Primaries of lost members replaced by this node as leader");
  replica_lag = metrics::gauge(
    registry, "troupe_replica_lag_records",
    "Records the replicas of the shards this node leads lack, summed (as of their heartbeats)");
  handoff_records =
    metrics::counter(registry, "troupe_handoff_records_total",
                     "Records streamed to or from this node by shard handoffs");
  handoff_seconds = metrics::histogram(
    registry, "troupe_handoff_seconds",
    "Time to copy one shard to a new replica, from sealing it to the map's change",
    {0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60});
  auto& remote = metrics::counter_family(
    registry, "troupe_remote_messages_total",
    "Cluster messages this node sent to or received from other nodes");
  sent = &remote.Add({{"direction", "sent"}});
  received = &remote.Add({{"direction", "received"}});
}

} // namespace troupe::cluster
