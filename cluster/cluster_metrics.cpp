#include "cluster/cluster_metrics.hpp"

namespace troupe::cluster {

cluster_metrics::cluster_metrics(prometheus::Registry& registry) {
  auto& members = prometheus::BuildGauge()
                    .Name("troupe_cluster_members")
                    .Help("Cluster members per state, as this node sees them")
                    .Register(registry);
  joining = &members.Add({{"state", "joining"}});
  up = &members.Add({{"state", "up"}});
  leaving = &members.Add({{"state", "leaving"}});
  down = &members.Add({{"state", "down"}});
  shards_owned = &prometheus::BuildGauge()
                    .Name("troupe_shards_owned")
                    .Help("Shards this node is the primary owner of")
                    .Register(registry)
                    .Add({});
  handoff_records = &prometheus::BuildCounter()
                       .Name("troupe_handoff_records_total")
                       .Help("Records streamed to or from this node by shard handoffs")
                       .Register(registry)
                       .Add({});
  handoff_seconds = &prometheus::BuildHistogram()
                       .Name("troupe_handoff_seconds")
                       .Help("Time to hand off one shard, from its first batch to the map flip")
                       .Register(registry)
                       .Add({}, prometheus::Histogram::BucketBoundaries{
                                  0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60});
  auto& remote = prometheus::BuildCounter()
                   .Name("troupe_remote_messages_total")
                   .Help("Cluster messages this node sent to or received from other nodes")
                   .Register(registry);
  sent = &remote.Add({{"direction", "sent"}});
  received = &remote.Add({{"direction", "received"}});
}

} // namespace troupe::cluster
