#include "campaign/pipeline_metrics.hpp"

#include "common/metrics.hpp"

namespace troupe::campaign {

namespace {

prometheus::Family<prometheus::Gauge>& inflight_family(prometheus::Registry& registry) {
  return metrics::gauge_family(registry, "troupe_pipeline_inflight",
                               "Items in flight in a pipeline's window");
}

} // namespace

pipeline_metrics::pipeline_metrics(prometheus::Registry& registry, const std::string& pipeline)
  : inflight(&inflight_family(registry).Add({{"pipeline", pipeline}})),
    mailbox(registry, "pump:" + pipeline) {}

void pipeline_metrics::remove(prometheus::Registry& registry, const std::string& pipeline) {
  auto& family = inflight_family(registry);
  family.Remove(&family.Add({{"pipeline", pipeline}}));
  actors::mailbox_probe::remove(registry, "pump:" + pipeline);
}

} // namespace troupe::campaign
