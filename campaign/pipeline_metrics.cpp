#include "campaign/pipeline_metrics.hpp"

#include "common/metrics.hpp"

namespace troupe::campaign {

pipeline_metrics::pipeline_metrics(prometheus::Registry& registry, const std::string& pipeline)
  : inflight(metrics::gauge(registry, "troupe_pipeline_inflight",
                            "Items in flight in a pipeline's window",
                            {{"pipeline", pipeline}})),
    mailbox(registry, "pump:" + pipeline) {}

} // namespace troupe::campaign
