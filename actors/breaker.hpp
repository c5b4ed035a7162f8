#pragma once
/// The circuit breaker actor: stands in front of a provider and speaks the
/// provider's own protocol, so callers cannot tell it from the provider.
/// Calls pass to the provider while the breaker is closed (an error or a
/// timeout is returned to the caller and counted); while it is open — and
/// for calls past the trials in half-open — they go to the fallback provider
/// if there is one, or fail at once with `breaker_open` and the reason. With
/// `fallback_on_error`, a call the provider fails is answered by the
/// fallback too.
/// States and trips: see breaker_logic.hpp.
///
///   breaker_actor<Request, Response>:
///     (Request)     -> Response     // provider's answer, fallback's, or error
///     (status_atom) -> breaker_status
///     (info_atom)   -> mailbox depth
///     (breaker_tick_atom, generation) // its own timer
///     (breaker_cool_atom)             // its cool-down ended: open -> half-open
///
/// The state moves from open to half-open when the cool-down ends, by the
/// breaker's own timer, not only at the next call: an idle breaker does
/// not stay open on /metrics (troupe_breaker_state) after its provider
/// has had its rest.
///
/// Calls are timed by the breaker's own sweep (call_deadlines.hpp), not by
/// a CAF timeout per call: at pipeline rates those were most of the clock
/// thread's work.
///
/// The breaker links itself to its provider and its fallback: if one dies
/// the others die with it, and the breaker's supervisor restarts them all.

#include <memory>
#include <optional>
#include <string>

#include <caf/all.hpp>

#include "actors/actor_error.hpp"
#include "actors/atoms.hpp"
#include "actors/breaker_logic.hpp"
#include "actors/breaker_metrics.hpp"
#include "actors/breaker_status.hpp"
#include "actors/call_deadlines.hpp"
#include "actors/provider.hpp"
#include "common/log.hpp"

namespace troupe::actors {

/// The breaker's own timer (its calls' deadlines, call_deadlines.hpp).
using breaker_tick_atom = caf::atom_constant<caf::atom("brk_tick")>;
/// The end of the cool-down of an open breaker.
using breaker_cool_atom = caf::atom_constant<caf::atom("brk_cool")>;

template <class Request, class Response>
using breaker_actor =
  caf::typed_actor<typename caf::replies_to<Request>::template with<Response>,
                   caf::replies_to<status_atom>::with<breaker_status>,
                   caf::replies_to<info_atom>::with<uint64_t>,
                   caf::reacts_to<breaker_tick_atom, uint64_t>,
                   caf::reacts_to<breaker_cool_atom>>;

/// Everything a breaker is built from.
template <class Request, class Response>
struct breaker_config {
  std::string name;                                   ///< e.g. "breaker:generate"
  breaker_policy policy;
  provider_actor<Request, Response> provider;
  std::optional<provider_actor<Request, Response>> fallback;
  /// Also hand a call that failed (error or timeout) to the fallback, so the
  /// caller gets the fallback's answer instead of the error (generation:
  /// a message from the template beats a retry). The failure still counts.
  bool fallback_on_error = false;
  std::shared_ptr<const clock> time = real_clock();
  std::shared_ptr<breaker_metrics> metrics;           ///< optional
};

namespace detail {

template <class Request, class Response>
struct breaker_actor_state {
  breaker_config<Request, Response> cfg;
  std::unique_ptr<breaker_logic> logic;
  uint64_t transitions = 0;
  /// A call passed to the provider: whom to answer, how it was admitted,
  /// and the request again when a failure goes to the fallback.
  struct call {
    caf::typed_response_promise<Response> promise;
    breaker_logic::admission how;
    std::optional<Request> retained;
  };
  /// Timed by the breaker's own sweep, not a CAF timeout per call.
  std::unique_ptr<call_deadlines<call>> calls;
  sweep_timer timer;
  static inline const char* name = "troupe.breaker";
};

template <class Request, class Response>
using breaker_pointer = typename breaker_actor<Request, Response>::template stateful_pointer<
  breaker_actor_state<Request, Response>>;

/// Arms the breaker's timer for its first deadline.
template <class Request, class Response>
void arm_breaker_timer(breaker_pointer<Request, Response> self) {
  auto& st = self->state;
  if (auto due = st.calls->next_deadline())
    if (auto generation = st.timer.arm(*due))
      self->delayed_send(self, sweep_timer::wait_for(*due), breaker_tick_atom::value,
                         *generation);
}

/// A call the provider failed, or did not answer in time.
template <class Request, class Response>
void breaker_call_failed(breaker_pointer<Request, Response> self,
                         typename breaker_actor_state<Request, Response>::call& c,
                         const caf::error& err, bool timed_out) {
  auto& st = self->state;
  st.logic->record_failure(st.cfg.time->now(), c.how);
  if (c.retained) {
    c.promise.delegate(*st.cfg.fallback, std::move(*c.retained));
    return;
  }
  c.promise.deliver(make_caf_error(
    timed_out ? actors_errc::timeout : actors_errc::provider_failed,
    st.cfg.name + ": "
      + (timed_out ? "the provider did not answer within "
                       + std::to_string(st.cfg.policy.call_timeout.count()) + " ms"
                   : "the provider failed: " + describe(err))));
}

template <class Request, class Response>
typename breaker_actor<Request, Response>::behavior_type
breaker_impl(typename breaker_actor<Request, Response>::template stateful_pointer<
               breaker_actor_state<Request, Response>>
               self,
             breaker_config<Request, Response> cfg) {
  auto& st = self->state;
  st.cfg = std::move(cfg);
  st.calls = std::make_unique<call_deadlines<typename breaker_actor_state<Request, Response>::call>>(
    st.cfg.policy.call_timeout);
  self->link_to(st.cfg.provider);
  if (st.cfg.fallback)
    self->link_to(*st.cfg.fallback);
  auto name = st.cfg.name;
  auto metrics = st.cfg.metrics;
  auto* counter = &st.transitions;
  auto cool_down = st.cfg.policy.cool_down;
  st.logic = std::make_unique<breaker_logic>(
    st.cfg.policy, st.cfg.time->now(),
    [self, name, metrics, counter, cool_down](breaker_state from, breaker_state to) {
      ++*counter;
      if (metrics)
        metrics->transition(to);
      if (to == breaker_state::open) // the logic owns the state: it moves when asked then
        self->delayed_send(self, cool_down, breaker_cool_atom::value);
      auto lvl = to == breaker_state::open ? log::level::warn : log::level::info;
      if (log::enabled(lvl))
        log::write(lvl, "breaker",
                   name + ": " + to_string(from) + " -> " + to_string(to));
    });
  return {
    [self](Request& req) -> caf::result<Response> {
      auto& st = self->state;
      auto now = st.cfg.time->now();
      auto how = st.logic->admit(now);
      if (how == breaker_logic::admission::refuse) {
        if (st.cfg.fallback)
          return self->delegate(*st.cfg.fallback, std::move(req));
        return make_caf_error(actors_errc::breaker_open,
                              st.cfg.name + " is "
                                + to_string(st.logic->state(now))
                                + ": the provider is failing (error rate "
                                + std::to_string(static_cast<int>(
                                  st.logic->error_rate(now) * 100))
                                + "%); no fallback configured");
      }
      auto promise = self->template make_response_promise<Response>();
      std::optional<Request> retained;
      if (st.cfg.fallback && st.cfg.fallback_on_error)
        retained = req;
      auto id = st.calls->add({promise, how, std::move(retained)});
      arm_breaker_timer<Request, Response>(self);
      self->request(st.cfg.provider, caf::infinite, std::move(req))
        .then(
          [self, id](Response& answer) mutable {
            auto& st = self->state;
            auto c = st.calls->settle(id);
            if (!c)
              return; // answered after its deadline: already failed
            st.logic->record_success(st.cfg.time->now(), c->how);
            c->promise.deliver(std::move(answer));
          },
          [self, id](caf::error& err) mutable {
            if (auto c = self->state.calls->settle(id))
              breaker_call_failed<Request, Response>(self, *c, err, false);
          });
      return promise;
    },
    [self](breaker_tick_atom, uint64_t generation) {
      auto& st = self->state;
      if (!st.timer.fired(generation))
        return;
      for (auto& c : st.calls->expire(call_deadlines<int>::clock::now()))
        breaker_call_failed<Request, Response>(self, c, caf::make_error(caf::sec::request_timeout),
                                               true);
      arm_breaker_timer<Request, Response>(self);
    },
    [self](breaker_cool_atom) {
      auto& st = self->state;
      st.logic->state(st.cfg.time->now()); // half-open if the cool-down has passed by its clock
    },
    [self](status_atom) {
      auto& st = self->state;
      auto now = st.cfg.time->now();
      breaker_status s;
      s.name = st.cfg.name;
      s.state = to_string(st.logic->state(now));
      s.error_rate = st.logic->error_rate(now);
      s.calls_in_window = st.logic->calls_in_window(now);
      s.since_transition_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                                now - st.logic->last_transition())
                                .count();
      s.transitions = st.transitions;
      return s;
    },
    [self](info_atom) -> uint64_t { return self->mailbox().size(); },
  };
}

} // namespace detail

/// Spawns a breaker in front of `cfg.provider`.
template <class Request, class Response>
breaker_actor<Request, Response> spawn_breaker(caf::actor_system& sys,
                                               breaker_config<Request, Response> cfg) {
  return sys.spawn(detail::breaker_impl<Request, Response>, std::move(cfg));
}

} // namespace troupe::actors
