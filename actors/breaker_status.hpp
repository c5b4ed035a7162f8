#pragma once
/// What a circuit breaker reports about itself (shell command `breakers`).
/// Crosses processes: registered in cluster/wire_types.

#include <cstdint>
#include <string>

#include <caf/meta/type_name.hpp>

namespace troupe::actors {

struct breaker_status {
  std::string name;
  std::string state;               ///< closed, half-open, open
  double error_rate = 0;           ///< over the rolling window
  uint64_t calls_in_window = 0;
  int64_t since_transition_ms = 0; ///< time since the last state change
  uint64_t transitions = 0;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, breaker_status& x) {
  return f(caf::meta::type_name("troupe.breaker_status"), x.name, x.state, x.error_rate,
           x.calls_in_window, x.since_transition_ms, x.transitions);
}

} // namespace troupe::actors
