#include "actors/mailbox_probe.hpp"

#include "common/metrics.hpp"

namespace troupe::actors {

namespace {

prometheus::Family<prometheus::Gauge>& depth_family(prometheus::Registry& registry) {
  return metrics::gauge_family(registry, "troupe_mailbox_depth_max",
                               "Deepest mailbox seen, by actor (pipeline stage, source)");
}

} // namespace

mailbox_probe::mailbox_probe(prometheus::Registry& registry, const prometheus::Labels& labels)
  : gauge_(&depth_family(registry).Add(labels)) {}

void mailbox_probe::remove(prometheus::Registry& registry, const prometheus::Labels& labels) {
  auto& family = depth_family(registry);
  family.Remove(&family.Add(labels));
}

void mailbox_probe::observe(std::size_t depth) {
  if (depth > peak_) {
    peak_ = depth;
    gauge_->Set(static_cast<double>(depth));
  }
}

} // namespace troupe::actors
