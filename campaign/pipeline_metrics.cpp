#include "campaign/pipeline_metrics.hpp"

namespace troupe::campaign {

pipeline_metrics::pipeline_metrics(prometheus::Registry& registry, const std::string& pipeline)
  : inflight(&prometheus::BuildGauge()
                .Name("troupe_pipeline_inflight")
                .Help("Items in flight in a pipeline's window")
                .Register(registry)
                .Add({{"pipeline", pipeline}})),
    mailbox(registry, "pump:" + pipeline) {}

} // namespace troupe::campaign
