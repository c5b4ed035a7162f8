#include "actors/mailbox_probe.hpp"

namespace troupe::actors {

mailbox_probe::mailbox_probe(prometheus::Registry& registry, const std::string& actor)
  : gauge_(&prometheus::BuildGauge()
              .Name("troupe_mailbox_depth_max")
              .Help("Deepest mailbox seen, by actor (pipeline stage, source)")
              .Register(registry)
              .Add({{"actor", actor}})) {}

void mailbox_probe::observe(std::size_t depth) {
  if (depth > peak_) {
    peak_ = depth;
    gauge_->Set(static_cast<double>(depth));
  }
}

} // namespace troupe::actors
