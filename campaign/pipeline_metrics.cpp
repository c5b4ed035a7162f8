#include "campaign/pipeline_metrics.hpp"

#include "common/metrics.hpp"

namespace troupe::campaign {

namespace {

prometheus::Family<prometheus::Gauge>& inflight_family(prometheus::Registry& registry) {
  return metrics::gauge_family(registry, "troupe_pipeline_inflight",
                               "Customers in flight in a campaign runner's window");
}

prometheus::Labels runner_labels(const std::string& campaign) {
  return {{"actor", "runner"}, {"campaign", campaign}};
}

} // namespace

pipeline_metrics::pipeline_metrics(prometheus::Registry& registry, const std::string& campaign)
  : inflight(&inflight_family(registry).Add({{"campaign", campaign}})),
    mailbox(registry, runner_labels(campaign)) {}

void pipeline_metrics::remove(prometheus::Registry& registry, const std::string& campaign) {
  auto& family = inflight_family(registry);
  family.Remove(&family.Add({{"campaign", campaign}}));
  actors::mailbox_probe::remove(registry, runner_labels(campaign));
}

} // namespace troupe::campaign
