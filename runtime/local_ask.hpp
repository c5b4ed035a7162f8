#pragma once
/// How a gateway asks its own node's actors and relays their answer: each
/// found through its slot (gateway_context.hpp).

#include <chrono>
#include <string>

#include <caf/all.hpp>

#include "runtime/coordinator.hpp"
#include "runtime/gateway_context.hpp"

namespace troupe::runtime {

/// Asks this node's `part` and relays its answer.
template <class Reply, class Self, class... Ts>
caf::result<Reply> ask_local(Self* self, const gateway_context& ctx, node_part part,
                             std::chrono::seconds timeout, Ts... xs) {
  auto target = part_of(ctx, part);
  if (!target)
    return not_running(name_of(part));
  return relay<Reply>(self, target, timeout, xs...);
}

/// Asks the cluster actor and relays its answer.
template <class Reply, class Self, class... Ts>
caf::result<Reply> ask_cluster(Self* self, const gateway_context& ctx, Ts... xs) {
  auto cluster = cluster_of(ctx);
  if (!cluster)
    return not_running("the cluster actor");
  return relay<Reply>(self, cluster, std::chrono::seconds(30), xs...);
}

} // namespace troupe::runtime
