#pragma once
/// The fault-injection provider, for tests and chaos runs: it does the work
/// of an inner function, but fails a configured share of calls, adds a
/// configured latency, or never answers at all. Selected from configuration
/// for generation or delivery (`--fault-generate`, see node --help).
///
///   provider_actor<Request, Response>:
///     (Request) -> Response | injected_failure | (no answer when hanging)

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <random>
#include <string>

#include <caf/all.hpp>

#include "actors/actor_error.hpp"
#include "actors/provider.hpp"

namespace troupe::actors {

struct fault_policy {
  double failure_rate = 0.0;                 ///< share of calls that fail (0..1)
  std::chrono::milliseconds latency{0};      ///< added to every call
  bool hang = false;                         ///< never answer
  uint64_t seed = 42;                        ///< for the failure draws
};

namespace detail {

using fault_release_atom = caf::atom_constant<caf::atom("fault_rel")>;

template <class Request, class Response>
struct fault_state {
  struct pending {
    caf::response_promise promise;
    bool fail;
    Request request;
  };
  fault_policy policy;
  std::function<Response(const Request&)> work;
  std::mt19937_64 rng;
  std::deque<pending> delayed; ///< answers waiting out the latency, oldest first
  static inline const char* name = "troupe.fault_provider";

  bool draw_failure() {
    return policy.failure_rate > 0
           && std::uniform_real_distribution<double>{0, 1}(rng) < policy.failure_rate;
  }

  void answer(caf::response_promise& promise, bool fail, const Request& req) {
    if (fail)
      promise.deliver(make_caf_error(actors_errc::injected_failure,
                                     "fault injection: this call fails on purpose"));
    else
      promise.deliver(work(req));
  }
};

/// Dynamically typed inside (it also handles its own timer message); the
/// handle given out is the typed provider interface.
template <class Request, class Response>
caf::behavior fault_impl(caf::stateful_actor<fault_state<Request, Response>>* self,
                         fault_policy policy, std::function<Response(const Request&)> work) {
  self->state.policy = policy;
  self->state.work = std::move(work);
  self->state.rng.seed(policy.seed);
  return {
    [self](Request& req) {
      // Taking the promise makes this handler's return value no reply.
      auto& st = self->state;
      auto promise = self->make_response_promise();
      if (st.policy.hang)
        return; // never delivered: the caller's timeout decides
      bool fail = st.draw_failure();
      if (st.policy.latency.count() == 0) {
        st.answer(promise, fail, req);
        return;
      }
      st.delayed.push_back({promise, fail, std::move(req)});
      self->delayed_send(self, st.policy.latency, fault_release_atom::value);
    },
    [self](fault_release_atom) {
      auto& st = self->state;
      if (st.delayed.empty())
        return;
      auto next = std::move(st.delayed.front());
      st.delayed.pop_front();
      st.answer(next.promise, next.fail, next.request);
    },
  };
}

} // namespace detail

/// Spawns a fault-injecting provider around `work`.
template <class Request, class Response>
provider_actor<Request, Response>
spawn_fault_provider(caf::actor_system& sys, fault_policy policy,
                     std::function<Response(const Request&)> work) {
  auto a = sys.spawn(detail::fault_impl<Request, Response>, policy, std::move(work));
  return caf::actor_cast<provider_actor<Request, Response>>(a);
}

} // namespace troupe::actors
