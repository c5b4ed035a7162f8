#pragma once
/// A running campaign's pipeline gauges: how many customers are in flight
/// in its runner's window, and the runner's mailbox depth. Owned by the
/// runner; one per campaign.
///
/// Metrics: troupe_pipeline_inflight{campaign}, and the mailbox probe's
/// troupe_mailbox_depth_max{actor="runner",campaign}.

#include <string>

#include <prometheus/gauge.h>
#include <prometheus/registry.h>

#include "actors/mailbox_probe.hpp"

namespace troupe::campaign {

struct pipeline_metrics {
  pipeline_metrics(prometheus::Registry& registry, const std::string& campaign);
  /// Removes the campaign's series (none may be in use any more).
  static void remove(prometheus::Registry& registry, const std::string& campaign);
  prometheus::Gauge* inflight;
  actors::mailbox_probe mailbox;
};

} // namespace troupe::campaign
