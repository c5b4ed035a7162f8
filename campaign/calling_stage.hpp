#pragma once
/// A pipeline stage whose work is a call to a provider (generate: the
/// generation breaker; deliver: the webhook breaker). It builds the request
/// from the item, calls, and lets `apply` put the answer into the item. A
/// failed call is retried after an exponential backoff with jitter, up to
/// the policy's attempts; then the item finishes as failed, with the last
/// error as its reason. Items waiting out a backoff are held in one timer
/// queue (one timer armed at a time, however many items wait); the stage
/// keeps taking new items meanwhile — the runner's window bounds them.
///
///   stage_actor: (work_item) -> work_item

#include <chrono>
#include <functional>
#include <map>
#include <random>
#include <string>

#include <caf/all.hpp>

#include "actors/actor_error.hpp"
#include "actors/provider.hpp"
#include "campaign/stage_metrics.hpp"
#include "campaign/work_item.hpp"

namespace troupe::campaign {

struct retry_policy {
  unsigned attempts = 3;                          ///< calls before the item fails
  std::chrono::milliseconds first_backoff{50};    ///< doubled after each failure...
  std::chrono::milliseconds max_backoff{5'000};   ///< ...up to this
  double jitter = 0.5;    ///< each wait is backoff * (1 - jitter * U[0,1)): spreads retries
  std::chrono::milliseconds timeout{10'000};      ///< per call to the provider
  /// How long an item waits for a provider while the node has none.
  std::chrono::milliseconds provider_wait{30'000};
};

/// The wait before retry number `attempt` (1 = the first retry), given a
/// uniform draw `u` in [0,1).
std::chrono::milliseconds backoff_of(const retry_policy& p, unsigned attempt, double u);

template <class Request, class Response>
struct call_step {
  std::string stage;                                   ///< names failures: "generate: ..."
  /// The provider now (null: none on this node at the moment).
  std::function<actors::provider_actor<Request, Response>()> provider_of;
  retry_policy retry;
  std::function<Request(const work_item&)> request_of;
  /// Puts the answer into the item; may finish it (sets `result`).
  std::function<void(work_item&, Response&)> apply;
};

namespace detail {

using call_retry_atom = caf::atom_constant<caf::atom("cs_retry")>;
using call_clock = std::chrono::steady_clock;

template <class Request, class Response>
struct call_stage_state {
  call_step<Request, Response> step;
  stage_actor next;
  stage_probe probe;
  std::mt19937_64 rng{20261122};
  struct waiting {
    caf::typed_response_promise<work_item> promise;
    work_item item;
    unsigned attempt;
    call_clock::time_point started;
  };
  std::multimap<call_clock::time_point, waiting> retries; ///< by due time
  bool timer_armed = false;
  static inline const char* name = "troupe.call_stage";
};

template <class Request, class Response>
using call_stage_actor = caf::stateful_actor<call_stage_state<Request, Response>>;

template <class Request, class Response>
void arm_retry_timer(call_stage_actor<Request, Response>* self) {
  auto& st = self->state;
  if (st.timer_armed || st.retries.empty())
    return;
  auto wait = std::max(std::chrono::duration_cast<std::chrono::milliseconds>(
                         st.retries.begin()->first - call_clock::now()),
                       std::chrono::milliseconds{1});
  st.timer_armed = true;
  self->delayed_send(self, wait, call_retry_atom::value);
}

/// Queues the item's next call (`attempt`) after the backoff of retry
/// number `nth`.
template <class Request, class Response>
void schedule_retry(call_stage_actor<Request, Response>* self,
                    caf::typed_response_promise<work_item> rp, work_item w, unsigned attempt,
                    call_clock::time_point started, unsigned nth) {
  auto& st = self->state;
  auto u = std::uniform_real_distribution<double>{0, 1}(st.rng);
  auto due = call_clock::now() + backoff_of(st.step.retry, nth, u);
  st.retries.emplace(due, typename call_stage_state<Request, Response>::waiting{
                            std::move(rp), std::move(w), attempt, started});
  arm_retry_timer(self);
}

/// No provider to call (none yet, or the one called is gone): the item
/// waits as after a failure, its attempt not used up, for at most
/// `provider_wait` since it reached the stage; then it fails naming why.
template <class Request, class Response>
void wait_for_provider(call_stage_actor<Request, Response>* self,
                       caf::typed_response_promise<work_item> rp, work_item w, unsigned attempt,
                       call_clock::time_point started, const char* why) {
  auto& st = self->state;
  auto waited = std::chrono::duration_cast<std::chrono::milliseconds>(call_clock::now() - started);
  if (waited >= st.step.retry.provider_wait) {
    w.result = outcome::failed;
    w.attempts = attempt + 1;
    w.reason = st.step.stage + ": " + why + " (waited " + std::to_string(waited.count())
               + " ms)";
    st.probe.count(outcome::failed);
    rp.deliver(std::move(w));
    return;
  }
  st.probe.count_retry();
  schedule_retry(self, std::move(rp), std::move(w), attempt, started, attempt + 1);
}

template <class Request, class Response>
void call_attempt(call_stage_actor<Request, Response>* self,
                  caf::typed_response_promise<work_item> rp, work_item w, unsigned attempt,
                  call_clock::time_point started) {
  auto& st = self->state;
  auto provider = st.step.provider_of ? st.step.provider_of()
                                      : actors::provider_actor<Request, Response>{};
  if (!provider) {
    wait_for_provider(self, std::move(rp), std::move(w), attempt, started, "no provider on this node");
    return;
  }
  self->request(provider, st.step.retry.timeout, st.step.request_of(w))
    .then(
      [self, rp, w, started](Response& answer) mutable {
        auto& st = self->state;
        st.step.apply(w, answer);
        st.probe.observe(std::chrono::duration<double>(call_clock::now() - started).count());
        st.probe.count(w.result);
        if (w.result == outcome::pending && st.next)
          rp.delegate(st.next, std::move(w));
        else
          rp.deliver(std::move(w));
      },
      [self, rp, w, attempt, started](caf::error& err) mutable {
        auto& st = self->state;
        if (err == caf::sec::request_receiver_down) { // a breaker that is restarting
          wait_for_provider(self, std::move(rp), std::move(w), attempt, started,
                            "the provider went down");
          return;
        }
        if (attempt + 1 >= st.step.retry.attempts) {
          w.result = outcome::failed;
          w.attempts = attempt + 1;
          w.reason = st.step.stage + ": " + actors::describe(err) + " (after "
                     + std::to_string(attempt + 1) + " attempts)";
          st.probe.count(outcome::failed);
          rp.deliver(std::move(w));
          return;
        }
        st.probe.count_retry();
        schedule_retry(self, rp, std::move(w), attempt + 1, started, attempt + 1);
      });
}

template <class Request, class Response>
caf::behavior call_stage_impl(call_stage_actor<Request, Response>* self,
                              call_step<Request, Response> step, stage_actor next,
                              stage_probe probe) {
  auto& st = self->state;
  st.step = std::move(step);
  st.next = std::move(next);
  st.probe = probe;
  return {
    [self](work_item& w) {
      auto rp = self->template make_response_promise<work_item>();
      call_attempt(self, rp, std::move(w), 0, call_clock::now());
      return rp;
    },
    [self](call_retry_atom) {
      auto& st = self->state;
      st.timer_armed = false;
      auto now = call_clock::now();
      while (!st.retries.empty() && st.retries.begin()->first <= now) {
        auto due = std::move(st.retries.begin()->second);
        st.retries.erase(st.retries.begin());
        call_attempt(self, due.promise, std::move(due.item), due.attempt, due.started);
      }
      arm_retry_timer(self);
    },
  };
}

} // namespace detail

/// Spawns the stage, linked to `owner` (the campaign's runner).
template <class Request, class Response>
stage_actor spawn_call_stage(caf::event_based_actor* owner, call_step<Request, Response> step,
                             stage_actor next, stage_probe probe) {
  auto a = owner->spawn<caf::linked>(detail::call_stage_impl<Request, Response>,
                                     std::move(step), std::move(next), probe);
  return caf::actor_cast<stage_actor>(a);
}

} // namespace troupe::campaign
