#pragma once
/// The deepest mailbox an actor has had, as a metric: an actor calls
/// `observe(self->mailbox().size())` as it handles messages.
///
///   troupe_mailbox_depth_max{actor,...}   gauge (a campaign runner's:
///                                         {actor="runner",campaign="ID"})

#include <string>

#include <prometheus/gauge.h>
#include <prometheus/labels.h>
#include <prometheus/registry.h>

namespace troupe::actors {

class mailbox_probe {
public:
  /// `labels`: which actor (`actor`, and what else tells it apart).
  mailbox_probe(prometheus::Registry& registry, const prometheus::Labels& labels);
  /// Removes the actor's series (no probe of it may be in use any more).
  static void remove(prometheus::Registry& registry, const prometheus::Labels& labels);
  /// Called from the owning actor only.
  void observe(std::size_t depth);
  std::size_t peak() const { return peak_; }

private:
  prometheus::Gauge* gauge_;
  std::size_t peak_ = 0;
};

} // namespace troupe::actors
