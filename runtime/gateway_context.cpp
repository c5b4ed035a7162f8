#include "runtime/gateway_context.hpp"

#include "actors/actor_error.hpp"

namespace troupe::runtime {

caf::error not_running(const std::string& what) {
  return runtime_failure(runtime_errc::not_running, what + " is not running");
}

caf::error runtime_failure(runtime_errc code, std::string message) {
  return actors::to_caf_error(make_error(code, std::move(message)));
}

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

} // namespace troupe::runtime
