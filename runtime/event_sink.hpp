#pragma once
/// Where `POST /v1/events` hands its events: the import router, as the
/// shell's `event ingest` (runtime/import_router), each event to the owner
/// of its customer's shard; the calling thread (civetweb's) waits for the
/// answer, at most `event_sink_timeout`.

#include <chrono>

#include <caf/actor_system.hpp>

#include "runtime/gateway_context.hpp"
#include "runtime/http_events.hpp"

namespace troupe::runtime {

/// The import router retries an unreachable owner for a minute; then this.
constexpr auto event_sink_timeout = std::chrono::seconds(90);

/// `sys` must outlive the sink's last call (the node stops HTTP first).
/// `timeout`: how long one call waits for the router's answer.
event_sink make_event_sink(caf::actor_system& sys, gateway_context ctx,
                           std::chrono::seconds timeout = event_sink_timeout);

} // namespace troupe::runtime
