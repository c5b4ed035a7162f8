#pragma once
/// How a gateway asks its own node's actors and relays their answer: by
/// name below the root supervisor (storage, campaigns, customers), or the
/// cluster actor from its slot.

#include <chrono>
#include <string>

#include <caf/all.hpp>

#include "runtime/coordinator.hpp"
#include "runtime/gateway_context.hpp"

namespace troupe::runtime {

/// Asks this node's actor at `path` below the root and relays its answer.
template <class Reply, class Self, class... Ts>
caf::result<Reply> ask_local(Self* self, const gateway_context& ctx, std::string path,
                             std::chrono::seconds timeout, Ts... xs) {
  auto rp = self->template make_response_promise<Reply>();
  self->request(*ctx.guardian, ask_timeout, caf::get_atom::value, std::move(path))
    .then(
      [self, rp, timeout, xs...](caf::strong_actor_ptr& target) mutable {
        self->request(caf::actor_cast<caf::actor>(target), timeout, xs...)
          .then([rp](Reply& r) mutable { rp.deliver(std::move(r)); },
                [rp](caf::error& err) mutable { rp.deliver(std::move(err)); });
      },
      [rp](caf::error& err) mutable { rp.deliver(std::move(err)); });
  return rp;
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
