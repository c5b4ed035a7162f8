#pragma once
/// `breakers`: every circuit breaker of this node asked for its status; a
/// breaker that cannot be reached is reported as such rather than left out.

#include "runtime/coordinator.hpp"
#include "runtime/gateway_context.hpp"

namespace troupe::runtime {

/// Delivers `vector<breaker_status>`, one per `ctx.breaker_paths` entry.
coordinator_work survey_breakers(gateway_context ctx);

} // namespace troupe::runtime
