#pragma once
/// Metrics of one circuit breaker, registered next to the breaker:
///
///   troupe_breaker_state{breaker}              0 closed, 1 half-open, 2 open
///   troupe_breaker_transitions_total{breaker,to}

#include <array>
#include <string>

#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/registry.h>

#include "actors/breaker_logic.hpp"

namespace troupe::actors {

class breaker_metrics {
public:
  breaker_metrics(prometheus::Registry& registry, const std::string& breaker);

  void transition(breaker_state to);

private:
  prometheus::Gauge* state_;
  std::array<prometheus::Counter*, 3> to_{};
};

} // namespace troupe::actors
