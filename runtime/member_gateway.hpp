#pragma once
/// The member gateway: where other members' messages to this node arrive
/// (`member_api`, cluster/member_protocol.hpp). It does this node's part of
/// a command another member coordinates, and hands membership and shard
/// messages to the node's cluster actor (handoff batches to its storage
/// actor). Other members get its handle from this node's join and
/// heartbeats, or from the shell gateway (`member_atom`). It takes each
/// message only from whom cluster/member_admission says, judged against the
/// roster the cluster actor publishes (runtime/member_checks); a refused
/// one is counted and goes no further (a refused request is answered with
/// cluster_errc::refused).

#include <caf/actor_system.hpp>

#include "cluster/member_protocol.hpp"
#include "runtime/gateway_context.hpp"

namespace troupe::runtime {

cluster::member_api spawn_member_gateway(caf::actor_system& sys, gateway_context ctx);

} // namespace troupe::runtime
