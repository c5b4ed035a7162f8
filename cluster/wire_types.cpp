#include "cluster/wire_types.hpp"

namespace troupe::cluster {

void register_wire_types(caf::actor_system_config& cfg) {
  cfg.add_message_type<health_info>("troupe.health_info");
}

} // namespace troupe::cluster
