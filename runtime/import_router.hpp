#pragma once
/// Routes an import chunk of customers or events: this node imports what
/// it serves, the rest goes to the owners of the shards (their member
/// gateways). A line whose owner is out of reach, or is this node while the
/// shard is sealed for a move, is tried again every 100 ms for up to a
/// minute, then rejected with the reason: nothing is dropped silently.

#include "customers/import_types.hpp"
#include "runtime/coordinator.hpp"
#include "runtime/gateway_context.hpp"

namespace troupe::runtime {

/// Delivers the chunk's `import_result` over every member it touched.
coordinator_work route_import(gateway_context ctx, customers::import_chunk chunk);

} // namespace troupe::runtime
