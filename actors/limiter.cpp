#include "actors/limiter.hpp"

#include <caf/all.hpp>
#include <prometheus/histogram.h>

#include "actors/actor_error.hpp"
#include "common/metrics.hpp"

namespace troupe::actors {

limiter_metrics::limiter_metrics(prometheus::Registry& registry)
  : wait_seconds(metrics::histogram(registry, "troupe_limiter_wait_seconds",
                                    "How long callers waited for a rate-limiter token",
                                    {0.0, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5})) {}

namespace {

using grant_atom = caf::atom_constant<caf::atom("grant")>;

struct limiter_state {
  std::string name;
  limiter_options opts;
  std::shared_ptr<const clock> time;
  std::shared_ptr<limiter_metrics> metrics;
  std::map<std::string, token_bucket> buckets;
  std::map<uint64_t, std::pair<caf::typed_response_promise<limiter_grant>, int64_t>> waiting;
  uint64_t next_ticket = 0;

  token_bucket& bucket(const std::string& key) {
    auto i = buckets.find(key);
    if (i != buckets.end())
      return i->second;
    auto p = opts.per_key.find(key);
    auto policy = p != opts.per_key.end() ? p->second : opts.default_policy;
    return buckets.emplace(key, token_bucket{policy, time->now()}).first->second;
  }
};

/// Dynamically typed inside (it also handles its own timer message); the
/// handle given out is the typed limiter interface.
caf::behavior limiter_impl(caf::stateful_actor<limiter_state>* self, std::string name,
                           limiter_options opts, std::shared_ptr<const clock> time,
                           std::shared_ptr<limiter_metrics> metrics) {
  auto& st = self->state;
  st.name = std::move(name);
  st.opts = std::move(opts);
  st.time = std::move(time);
  st.metrics = std::move(metrics);
  return {
    [self](acquire_atom, const std::string& key) -> caf::result<limiter_grant> {
      auto& st = self->state;
      auto wait = st.bucket(key).reserve(st.time->now(), st.opts.max_wait);
      if (!wait)
        return make_caf_error(actors_errc::wait_too_long,
                              "rate limit '" + key + "' of limiter " + st.name
                                + ": no token within the maximum wait of "
                                + std::to_string(st.opts.max_wait.count()) + " ms");
      if (st.metrics)
        st.metrics->wait_seconds->Observe(std::chrono::duration<double>(*wait).count());
      if (*wait == clock::duration::zero())
        return limiter_grant{0};
      auto ticket = st.next_ticket++;
      auto promise = self->make_response_promise<limiter_grant>();
      st.waiting.emplace(ticket, std::make_pair(promise, wait->count()));
      self->delayed_send(self, *wait, grant_atom::value, ticket);
      return promise;
    },
    [self](grant_atom, uint64_t ticket) {
      auto& st = self->state;
      auto i = st.waiting.find(ticket);
      if (i != st.waiting.end()) {
        i->second.first.deliver(limiter_grant{i->second.second});
        st.waiting.erase(i);
      }
    },
    [self](info_atom) -> uint64_t { return self->mailbox().size(); },
  };
}

} // namespace

limiter_actor spawn_limiter(caf::actor_system& sys, std::string name, limiter_options opts,
                            std::shared_ptr<const clock> time,
                            std::shared_ptr<limiter_metrics> metrics) {
  auto a = sys.spawn(limiter_impl, std::move(name), std::move(opts), std::move(time),
                     std::move(metrics));
  return caf::actor_cast<limiter_actor>(a);
}

} // namespace troupe::actors
