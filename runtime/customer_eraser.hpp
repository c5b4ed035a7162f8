#pragma once
/// Erases a customer on every member (`customer delete`, GDPR): each member
/// erases what it holds about the customer (its owner the customer, any
/// member an old copy of a shard it once owned). While a member has the
/// customer's shard sealed for a handoff, the whole round runs again 100 ms
/// later (erasing is idempotent), for up to a minute; so it does for five
/// seconds while a member cannot be reached. The answer lists per member
/// what went (all zero: nothing was held, e.g. a delete run again after one
/// that could not reach every member). A member that could not be asked or
/// failed makes the answer an error naming it, after the others have erased
/// their part.

#include "common/identifier.hpp"
#include "runtime/coordinator.hpp"
#include "runtime/gateway_context.hpp"

namespace troupe::runtime {

/// Delivers the erasure summary as JSON for the shell:
/// {"customer_id", "customer", "deliveries", "dead_letters", "events",
///  "members": [{"node", ...}, ...]}.
coordinator_work erase_everywhere(gateway_context ctx, customer_id id);

} // namespace troupe::runtime
