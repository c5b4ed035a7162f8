#include "actors/breaker_metrics.hpp"

#include "common/metrics.hpp"

namespace troupe::actors {

breaker_metrics::breaker_metrics(prometheus::Registry& registry,
                                 const std::string& breaker) {
  state_ = metrics::gauge(registry, "troupe_breaker_state",
                          "Circuit breaker state: 0 closed, 1 half-open, 2 open",
                          {{"breaker", breaker}});
  auto& transitions =
    metrics::counter_family(registry, "troupe_breaker_transitions_total",
                            "Circuit breaker state changes, by the state entered");
  for (auto s : {breaker_state::closed, breaker_state::half_open, breaker_state::open})
    to_[static_cast<std::size_t>(s)] =
      &transitions.Add({{"breaker", breaker}, {"to", to_string(s)}});
}

void breaker_metrics::transition(breaker_state to) {
  state_->Set(static_cast<double>(to));
  to_[static_cast<std::size_t>(to)]->Increment();
}

} // namespace troupe::actors
