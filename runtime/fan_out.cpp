#include "runtime/fan_out.hpp"

namespace troupe::runtime {

std::string stalled_text(const unreachable_members& unreachable) {
  std::string out;
  for (auto& [node, shards] : unreachable) {
    out += out.empty() ? "" : "; ";
    out += std::to_string(shards.size()) + " shards on " + node + " (unreachable)";
  }
  return out;
}

void with_members(coordinator_ptr self, const gateway_context& ctx,
                  std::function<void(cluster::member_handles)> fn) {
  auto alone = [ctx, fn]() {
    cluster::member_handles h;
    h.self = ctx.status->node_id;
    fn(std::move(h));
  };
  auto cluster = cluster_of(ctx);
  if (!cluster)
    return alone();
  self->request(cluster, ask_timeout, cluster::members_atom::value)
    .then([fn](cluster::member_handles& h) { fn(std::move(h)); },
          [alone](caf::error&) { alone(); });
}

} // namespace troupe::runtime
