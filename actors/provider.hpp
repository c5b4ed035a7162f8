#pragma once
/// A provider is an actor that does one kind of outside work — generate a
/// message, deliver one — answering each `Request` with a `Response`. Circuit
/// breakers, fault injection and the real providers all speak this protocol,
/// so each can stand in for another.
///
///   provider_actor<Request, Response>:
///     (Request) -> Response

#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>

namespace troupe::actors {

template <class Request, class Response>
using provider_actor =
  caf::typed_actor<typename caf::replies_to<Request>::template with<Response>>;

} // namespace troupe::actors
