#pragma once
/// A pipeline stage whose work is a call to a provider (generate: the
/// generation breaker; deliver: the webhook breaker). For each pending item
/// of a batch it builds the request, calls, and lets `apply` put the answer
/// into the item; the batch goes on once every call is settled. A failed
/// call is retried after an exponential backoff with jitter, up to the
/// policy's attempts; then the item finishes as failed, with the last error
/// as its reason. An item that waits out a backoff leaves its batch (the
/// rest goes on without it) and goes on later in a batch of the items
/// whose backoff ended in the same sweep.
///
/// Calls are timed by the stage itself, not by a CAF timeout per call: the
/// calls in flight are queued by deadline (one timeout per stage, so issue
/// order is deadline order), and one timer, armed for the earliest of the
/// first deadline and the first retry due, sweeps both. An answer after its
/// call timed out is dropped. The stage keeps taking new batches meanwhile;
/// the runner's window bounds them.
///
///   stage_actor: (work_batch)

#include <chrono>
#include <functional>
#include <map>
#include <unordered_map>
#include <random>
#include <string>

#include <caf/all.hpp>

#include "actors/actor_error.hpp"
#include "actors/call_deadlines.hpp"
#include "actors/provider.hpp"
#include "campaign/stage_metrics.hpp"
#include "common/log.hpp"
#include "common/thread_priority.hpp"
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

using call_tick_atom = caf::atom_constant<caf::atom("cs_tick")>;
using call_clock = std::chrono::steady_clock;

template <class Request, class Response>
struct call_stage_state {
  call_step<Request, Response> step;
  stage_links links;
  stage_probe probe;
  std::mt19937_64 rng{20261122};

  /// A batch some of whose calls are not settled yet.
  struct open_batch {
    work_batch batch;
    std::vector<uint8_t> left;   ///< 1: the item left for a retry
    std::size_t unsettled = 0;   ///< calls not yet answered, failed or timed out
  };
  /// A call in flight: its item, which attempt, since when the item waits.
  struct call {
    uint64_t batch;
    uint32_t index;
    unsigned attempt;
    call_clock::time_point started;
  };
  /// An item waiting out a backoff.
  struct waiting {
    work_item item;
    unsigned attempt;
    call_clock::time_point started;
  };
  std::unordered_map<uint64_t, open_batch> batches;
  actors::call_deadlines<call> calls{std::chrono::milliseconds{0}}; ///< set from the policy
  std::multimap<call_clock::time_point, waiting> retries;           ///< by due time
  uint64_t next_batch = 0;
  actors::sweep_timer timer;
  static inline const char* name = "troupe.call_stage";
};

template <class Request, class Response>
using call_stage_actor = caf::stateful_actor<call_stage_state<Request, Response>>;

/// Arms the stage's one timer for the first deadline or retry, unless one
/// is armed for that time or earlier.
template <class Request, class Response>
void arm_timer(call_stage_actor<Request, Response>* self) {
  auto& st = self->state;
  auto due = st.calls.next_deadline().value_or(call_clock::time_point::max());
  if (!st.retries.empty())
    due = std::min(due, st.retries.begin()->first);
  if (due == call_clock::time_point::max())
    return;
  if (auto generation = st.timer.arm(due))
    self->delayed_send(self, actors::sweep_timer::wait_for(due), call_tick_atom::value,
                       *generation);
}

/// One of the batch's calls is settled: the batch goes on (without the
/// items that left for a retry) once all are.
template <class Request, class Response>
void settle(call_stage_actor<Request, Response>* self, uint64_t batch_id) {
  auto& st = self->state;
  auto it = st.batches.find(batch_id);
  if (it == st.batches.end() || --it->second.unsettled > 0)
    return;
  auto& open = it->second;
  work_batch out;
  if (std::find(open.left.begin(), open.left.end(), 1) == open.left.end()) {
    out = std::move(open.batch);
  } else {
    out.items.reserve(open.batch.items.size());
    for (std::size_t i = 0; i < open.batch.items.size(); ++i)
      if (open.left[i] == 0)
        out.items.push_back(std::move(open.batch.items[i]));
  }
  st.batches.erase(it);
  if (!out.items.empty())
    pass_on(self, st.links, std::move(out));
}

/// The item of `c` finishes as failed with `reason`.
template <class Request, class Response>
void fail_item(call_stage_actor<Request, Response>* self, uint64_t batch_id, uint32_t index,
               unsigned attempts, std::string reason) {
  auto& st = self->state;
  auto& w = st.batches.at(batch_id).batch.items[index];
  w.result = outcome::failed;
  w.attempts = attempts;
  w.reason = std::move(reason);
  st.probe.count(outcome::failed);
  settle(self, batch_id);
}

/// The item leaves its batch to be called again (`attempt`) after the
/// backoff of retry number `nth`.
template <class Request, class Response>
void retry_later(call_stage_actor<Request, Response>* self, uint64_t batch_id, uint32_t index,
                 unsigned attempt, call_clock::time_point started, unsigned nth) {
  auto& st = self->state;
  auto& open = st.batches.at(batch_id);
  open.left[index] = 1;
  auto u = std::uniform_real_distribution<double>{0, 1}(st.rng);
  auto due = call_clock::now() + backoff_of(st.step.retry, nth, u);
  st.retries.emplace(due, typename call_stage_state<Request, Response>::waiting{
                            std::move(open.batch.items[index]), attempt, started});
  st.probe.count_retry();
  arm_timer(self);
  settle(self, batch_id);
}

/// No provider to call (none yet, or the one called is gone): the item
/// waits as after a failure, its attempt not used up, for at most
/// `provider_wait` since it reached the stage; then it fails naming why.
template <class Request, class Response>
void wait_for_provider(call_stage_actor<Request, Response>* self, uint64_t batch_id,
                       uint32_t index, unsigned attempt, call_clock::time_point started,
                       const char* why) {
  auto& st = self->state;
  auto waited = std::chrono::duration_cast<std::chrono::milliseconds>(call_clock::now() - started);
  if (waited >= st.step.retry.provider_wait)
    return fail_item(self, batch_id, index, attempt + 1,
                     st.step.stage + ": " + why + " (waited " + std::to_string(waited.count())
                       + " ms)");
  retry_later(self, batch_id, index, attempt, started, attempt + 1);
}

/// A call failed (an error, or no answer by its deadline).
template <class Request, class Response>
void call_failed(call_stage_actor<Request, Response>* self,
                 const typename call_stage_state<Request, Response>::call& c,
                 const caf::error& err) {
  auto& st = self->state;
  if (err == caf::sec::request_receiver_down) // a breaker that is restarting
    return wait_for_provider(self, c.batch, c.index, c.attempt, c.started,
                             "the provider went down");
  if (c.attempt + 1 >= st.step.retry.attempts)
    return fail_item(self, c.batch, c.index, c.attempt + 1,
                     st.step.stage + ": " + actors::describe(err) + " (after "
                       + std::to_string(c.attempt + 1) + " attempts)");
  retry_later(self, c.batch, c.index, c.attempt + 1, c.started, c.attempt + 1);
}

template <class Request, class Response>
void call_attempt(call_stage_actor<Request, Response>* self, uint64_t batch_id, uint32_t index,
                  unsigned attempt, call_clock::time_point started) {
  auto& st = self->state;
  auto provider = st.step.provider_of ? st.step.provider_of()
                                      : actors::provider_actor<Request, Response>{};
  if (!provider)
    return wait_for_provider(self, batch_id, index, attempt, started, "no provider on this node");
  auto id = st.calls.add({batch_id, index, attempt, started});
  arm_timer(self);
  auto& item = st.batches.at(batch_id).batch.items[index];
  self->request(provider, caf::infinite, st.step.request_of(item))
    .then(
      [self, id](Response& answer) {
        auto& st = self->state;
        auto c = st.calls.settle(id);
        if (!c)
          return; // timed out already
        auto& w = st.batches.at(c->batch).batch.items[c->index];
        st.step.apply(w, answer);
        st.probe.observe(std::chrono::duration<double>(call_clock::now() - c->started).count());
        st.probe.count(w.result);
        settle(self, c->batch);
      },
      [self, id](caf::error& err) {
        if (auto c = self->state.calls.settle(id))
          call_failed(self, *c, err);
      });
}

/// Calls for every pending item of `b`, which waits in the stage until all
/// are settled. `attempts[i]` and `started[i]`: where item i stands.
template <class Request, class Response>
void take_batch(call_stage_actor<Request, Response>* self, work_batch b,
                const std::vector<unsigned>& attempts,
                const std::vector<call_clock::time_point>& started) {
  auto& st = self->state;
  std::vector<uint32_t> pending;
  for (uint32_t i = 0; i < b.items.size(); ++i)
    if (b.items[i].result == outcome::pending)
      pending.push_back(i);
  if (pending.empty())
    return pass_on(self, st.links, std::move(b));
  auto id = st.next_batch++;
  auto& open = st.batches[id];
  open.left.assign(b.items.size(), 0);
  open.unsettled = pending.size();
  open.batch = std::move(b);
  // `open` may be gone once the last call settles (at once, without a
  // provider): only the indices are used from here.
  for (auto i : pending)
    call_attempt(self, id, i, attempts[i], started[i]);
}

/// The timer: calls past their deadline fail as timed out; items whose
/// backoff is over are called again, together in one batch.
template <class Request, class Response>
void sweep(call_stage_actor<Request, Response>* self) {
  auto& st = self->state;
  auto now = call_clock::now();
  for (auto& c : st.calls.expire(now))
    call_failed(self, c, caf::make_error(caf::sec::request_timeout));
  work_batch due;
  std::vector<unsigned> attempts;
  std::vector<call_clock::time_point> started;
  while (!st.retries.empty() && st.retries.begin()->first <= now) {
    auto& w = st.retries.begin()->second;
    due.items.push_back(std::move(w.item));
    attempts.push_back(w.attempt);
    started.push_back(w.started);
    st.retries.erase(st.retries.begin());
  }
  if (!due.items.empty())
    take_batch(self, std::move(due), attempts, started);
  arm_timer(self);
}

template <class Request, class Response>
caf::behavior call_stage_impl(call_stage_actor<Request, Response>* self,
                              call_step<Request, Response> step, stage_links links,
                              stage_probe probe, int nice) {
  if (auto niced = set_thread_nice(nice); !niced)
    log::warn("campaign", "pipeline thread: ", niced.err().message());
  auto& st = self->state;
  st.step = std::move(step);
  st.calls = actors::call_deadlines<typename call_stage_state<Request, Response>::call>{
    st.step.retry.timeout};
  st.links = std::move(links);
  st.probe = probe;
  return {
    [self](work_batch& b) {
      std::vector<unsigned> attempts(b.items.size(), 0);
      std::vector<call_clock::time_point> started(b.items.size(), call_clock::now());
      take_batch(self, std::move(b), attempts, started);
    },
    [self](call_tick_atom, uint64_t generation) {
      if (self->state.timer.fired(generation))
        sweep(self);
    },
  };
}

} // namespace detail

/// Spawns the stage, detached (its thread niced to `nice`) and linked to
/// `owner` (the campaign's runner).
template <class Request, class Response>
stage_actor spawn_call_stage(caf::event_based_actor* owner, call_step<Request, Response> step,
                             stage_links links, stage_probe probe, int nice) {
  auto a = owner->spawn<caf::linked + caf::detached>(detail::call_stage_impl<Request, Response>,
                                                     std::move(step), std::move(links), probe,
                                                     nice);
  return caf::actor_cast<stage_actor>(a);
}

} // namespace troupe::campaign
