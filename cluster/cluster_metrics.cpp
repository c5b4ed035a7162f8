#include "cluster/cluster_metrics.hpp"

#include "common/metrics.hpp"

namespace troupe::cluster {

cluster_metrics::cluster_metrics(prometheus::Registry& registry) {
  auto& members =
    metrics::gauge_family(registry, "troupe_cluster_members",
                          "Cluster members per state, as this node sees them");
  joining = &members.Add({{"state", "joining"}});
  up = &members.Add({{"state", "up"}});
  leaving = &members.Add({{"state", "leaving"}});
  down = &members.Add({{"state", "down"}});
  shards_owned = metrics::gauge(registry, "troupe_shards_owned",
                                "Shards this node is the primary owner of");
  handoff_records =
    metrics::counter(registry, "troupe_handoff_records_total",
                     "Records streamed to or from this node by shard handoffs");
  handoff_seconds = metrics::histogram(
    registry, "troupe_handoff_seconds",
    "Time to hand off one shard, from its first batch to the map flip",
    {0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60});
  auto& remote = metrics::counter_family(
    registry, "troupe_remote_messages_total",
    "Cluster messages this node sent to or received from other nodes");
  sent = &remote.Add({{"direction", "sent"}});
  received = &remote.Add({{"direction", "received"}});
}

} // namespace troupe::cluster
