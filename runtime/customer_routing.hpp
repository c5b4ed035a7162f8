#pragma once
/// Customer-addressed reads (`customer get`, `customer export`) answered
/// by the member that owns the customer's shard, by the members the cluster
/// actor last published (none yet: this node is not in a cluster and
/// answers for every shard itself). A member that receives a lookup for a
/// shard its newer map gives to another member passes it on.

#include <string>

#include "cluster/member_protocol.hpp"
#include "common/identifier.hpp"
#include "runtime/coordinator.hpp"
#include "runtime/gateway_context.hpp"

namespace troupe::runtime {

/// True when this node owns `id`'s shard (or is in no cluster): a lookup
/// can be answered here without a coordinator.
bool owned_here(const gateway_context& ctx, const customer_id& id);

/// Delivers the customer as its owner holds it (`customer_snapshot`).
coordinator_work customer_lookup(gateway_context ctx, customer_id id);

/// Delivers everything the owner holds about it (`holdings_bytes`).
coordinator_work customer_export(gateway_context ctx, customer_id id);

/// What the owner holds as the shell shows it: the export document.
caf::expected<std::string> holdings_to_json(const storage::holdings_bytes& b);

/// A customer as the shell shows it: its JSON, or not_found (`c` null).
caf::expected<std::string> customer_json(const customer_id& id, const v1::Customer* c);

/// A registry's answer as it crosses members.
cluster::customer_snapshot snapshot_of(const customer_id& id, const customers::customer_record& r);

/// The snapshot as the shell shows it: the customer's JSON (with a
/// `profile` object when the customer has done anything), or not_found.
caf::expected<std::string> snapshot_to_json(const cluster::customer_snapshot& s);

} // namespace troupe::runtime
