#include "runtime/admin_actor.hpp"

#include <caf/all.hpp>

#include "storage/schema_version.hpp"

namespace troupe::runtime {

cluster::health_info health_of(const node_status& status) {
  cluster::health_info info;
  info.node_id = status.node_id;
  info.uptime_ms = status.uptime_ms();
  bool open = status.store != nullptr && status.store->is_open();
  info.storage_state = open ? "open" : "closed";
  info.schema_version = open ? status.store->metadata().schema_version() : 0;
  info.shard_count = open ? status.store->shard_count() : 0;
  info.ready = status.ready();
  return info;
}

namespace {

admin_actor::behavior_type admin_impl(admin_actor::pointer self,
                                      std::shared_ptr<const node_status> status) {
  return {
    [status](cluster::health_atom) { return health_of(*status); },
  };
}

} // namespace

admin_actor spawn_admin_actor(caf::actor_system& sys,
                              std::shared_ptr<const node_status> status) {
  return sys.spawn(admin_impl, std::move(status));
}

} // namespace troupe::runtime
