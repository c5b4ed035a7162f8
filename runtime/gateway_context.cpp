#include "runtime/gateway_context.hpp"

#include <set>

#include "actors/actor_error.hpp"
#include "storage/corpus_versions.hpp"

namespace troupe::runtime {

caf::actor part_of(const gateway_context& ctx, node_part part) {
  switch (part) {
    case node_part::storage: return ctx.storage ? ctx.storage->get() : caf::actor{};
    case node_part::campaigns: return ctx.campaigns ? ctx.campaigns->get() : caf::actor{};
    case node_part::customers: return caf::actor_cast<caf::actor>(registry_of(ctx));
    case node_part::replicas: return ctx.replicas ? ctx.replicas->get() : caf::actor{};
  }
  return caf::actor{};
}

const char* name_of(node_part part) {
  switch (part) {
    case node_part::storage: return "the storage actor";
    case node_part::campaigns: return "the campaign manager";
    case node_part::customers: return "the customer registry";
    case node_part::replicas: return "the replica applier";
  }
  return "a part of the node";
}

caf::error not_running(const std::string& what) {
  return runtime_failure(runtime_errc::not_running, what + " is not running");
}

caf::error runtime_failure(runtime_errc code, std::string message) {
  return actors::to_caf_error(make_error(code, std::move(message)));
}

cluster::health_info health_of(const node_status& status,
                               const std::shared_ptr<const cluster::member_handles>& members) {
  cluster::health_info info;
  info.node_id = status.node_id;
  info.version = TROUPE_VERSION;
  info.uptime_ms = status.uptime_ms();
  bool open = status.store != nullptr && status.store->is_open();
  info.storage_state = open ? "open" : "closed";
  info.schema_version = open ? status.store->metadata().schema_version() : 0;
  info.shard_count = open ? status.store->shard_count() : 0;
  if (open)
    if (auto v = storage::current_corpus_version(*status.store))
      info.corpus_version = *v;
  info.ready = status.ready();
  info.authentication = status.authentication;
  if (members && members->roster.in_cluster) {
    const auto& r = members->roster;
    std::set<std::string> live;
    for (auto& [id, node] : r.nodes)
      live.insert(id);
    auto h = sharding::health_of(r.map, live);
    info.replication_factor = r.map.factor;
    info.under_replicated = h.under_replicated;
    info.unavailable = h.unavailable;
  }
  return info;
}

} // namespace troupe::runtime
