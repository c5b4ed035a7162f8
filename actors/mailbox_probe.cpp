#include "actors/mailbox_probe.hpp"

#include "common/metrics.hpp"

namespace troupe::actors {

mailbox_probe::mailbox_probe(prometheus::Registry& registry, const std::string& actor)
  : gauge_(metrics::gauge(registry, "troupe_mailbox_depth_max",
                          "Deepest mailbox seen, by actor (pipeline stage, source)",
                          {{"actor", actor}})) {}

void mailbox_probe::observe(std::size_t depth) {
  if (depth > peak_) {
    peak_ = depth;
    gauge_->Set(static_cast<double>(depth));
  }
}

} // namespace troupe::actors
