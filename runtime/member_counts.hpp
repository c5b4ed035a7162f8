#pragma once
/// `nodes` (and /api/v1/members) with each member's true customer count:
/// the members as the cluster actor sees them, then every reachable
/// member's count of the customers of the shards it is the primary of (a
/// key-only scan by its storage reader, kept 5 s: customers/storage_reader
/// `(count_atom, "")`). A member that does not answer has no count (-1,
/// null in JSON) rather than a guess. Replicas' copies are not counted: the
/// counts add up to the customers imported.

#include "runtime/coordinator.hpp"
#include "runtime/gateway_context.hpp"

namespace troupe::runtime {

coordinator_work nodes_with_counts(gateway_context ctx);

} // namespace troupe::runtime
