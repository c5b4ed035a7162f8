#pragma once
/// Campaign commands and segment counts over the cluster: each member runs
/// its part (its campaign manager, its storage actor) and the answers are
/// combined. A member's own part alone is `manager_message`, sent to its
/// campaign manager by either gateway.

#include <string>
#include <vector>

#include <caf/message.hpp>

#include "campaign/status.hpp"
#include "cluster/member_protocol.hpp"
#include "runtime/coordinator.hpp"
#include "runtime/fan_out.hpp"
#include "runtime/gateway_context.hpp"

namespace troupe::runtime {

/// The campaign manager's message for `cmd` (campaign/manager.hpp).
caf::message manager_message(const cluster::campaign_command& cmd);

/// The command on every member; the answer is the campaign's status over
/// the cluster (an error if every member refused it, e.g. a bad spec).
coordinator_work campaign_everywhere(gateway_context ctx, cluster::campaign_command cmd);

/// Every member's campaigns, one status per campaign over the cluster.
coordinator_work list_everywhere(gateway_context ctx);

/// How many customers the predicate selects, over every member; an error if
/// a member could not count its shards.
coordinator_work count_everywhere(gateway_context ctx, std::string predicate);

/// The sums of campaign `id`'s experiment report over every member (each
/// reports on the shards it is the primary of); an error naming them if a
/// member cannot be asked: a report missing some customers would mislead.
coordinator_work report_everywhere(gateway_context ctx, std::string id, std::string by,
                                   std::string cuped);

} // namespace troupe::runtime
