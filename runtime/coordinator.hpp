#pragma once
/// A coordinator: a short-lived actor that does one piece of work spanning
/// several actors or members (a command on every member, an import's
/// routing, a customer's erasure) and answers the one request that started
/// it, then quits. The gateways start one per such command and relay its
/// answer, so they never hold the state of a long command themselves; a
/// coordinator's own timers (`after`) let it try again later without
/// blocking anyone.
///
///   coordinator:
///     (go_atom)   -> whatever its work delivers (once)
///     (tick_atom, id)   // its own timers

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>

#include <caf/all.hpp>

namespace troupe::runtime {

struct coordinator_state {
  uint64_t next_timer = 0;
  std::map<uint64_t, std::function<void()>> timers;
  static inline const char* name = "troupe.coordinator";
};

using coordinator_ptr = caf::stateful_actor<coordinator_state>*;

/// The work: gets the coordinator and the promise of its one answer; it
/// ends by `finish` (or delivering an error and quitting).
using coordinator_work = std::function<void(coordinator_ptr, caf::response_promise)>;

caf::actor spawn_coordinator(caf::actor_system& sys, coordinator_work work);

/// Runs `fn` on the coordinator after `delay`.
void after(coordinator_ptr self, std::chrono::milliseconds delay, std::function<void()> fn);

/// Delivers the coordinator's answer (a value or a caf::error) and ends it.
template <class T>
void finish(coordinator_ptr self, caf::response_promise& rp, T&& answer) {
  rp.deliver(std::forward<T>(answer));
  self->quit();
}

/// Asks `target` and hands its answer (or its error) to the caller of `self`.
template <class Reply, class Self, class Handle, class Timeout, class... Ts>
caf::result<Reply> relay(Self* self, const Handle& target, Timeout timeout, Ts&&... xs) {
  auto rp = self->template make_response_promise<Reply>();
  self->request(target, timeout, std::forward<Ts>(xs)...)
    .then([rp](Reply& r) mutable { rp.deliver(std::move(r)); },
          [rp](caf::error& err) mutable { rp.deliver(std::move(err)); });
  return rp;
}

/// Starts `work` in a coordinator and relays its answer; `timeout` bounds
/// the whole command.
template <class Reply, class Self, class Timeout>
caf::result<Reply> coordinate(Self* self, Timeout timeout, coordinator_work work) {
  auto co = spawn_coordinator(self->system(), std::move(work));
  return relay<Reply>(self, co, timeout, caf::get_atom::value);
}

} // namespace troupe::runtime
