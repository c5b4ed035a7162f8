#pragma once
/// A provider whose work blocks (an HTTP call): a dispatcher in front of N
/// detached workers, each on its own thread with its own state (e.g. its own
/// HTTP client and connection). The dispatcher hands each request to the
/// worker with the fewest calls outstanding, so one slow call holds up only
/// its own worker. Speaks the provider protocol; the dispatcher and the
/// workers are linked and live and die together.
///
///   provider_actor<Request, Response>:
///     (Request) -> Response | timeout | provider_failed

#include <functional>
#include <string>
#include <vector>

#include <caf/all.hpp>

#include "actors/actor_error.hpp"
#include "providers/http_client.hpp"
#include "actors/provider.hpp"
#include "common/error.hpp"

namespace troupe::providers {

/// The work of one worker; runs on that worker's thread only.
template <class Request, class Response>
using blocking_work = std::function<result<Response>(const Request&)>;

namespace detail {

template <class Request, class Response>
typename actors::provider_actor<Request, Response>::behavior_type
blocking_worker(typename actors::provider_actor<Request, Response>::pointer,
                blocking_work<Request, Response> work) {
  return {
    [work](Request& req) -> caf::result<Response> {
      auto out = work(req);
      if (!out)
        return actors::make_caf_error(is_http_error(out.err(), http_errc::timeout)
                                ? actors::actors_errc::timeout
                                : actors::actors_errc::provider_failed,
                              out.err().message());
      return std::move(*out);
    },
  };
}

template <class Request, class Response>
struct pool_state {
  std::vector<actors::provider_actor<Request, Response>> workers;
  std::vector<unsigned> outstanding;
  static inline const char* name = "troupe.blocking_pool";
};

template <class Request, class Response>
typename actors::provider_actor<Request, Response>::behavior_type
pool_dispatcher(typename actors::provider_actor<Request, Response>::template stateful_pointer<
                  pool_state<Request, Response>>
                  self,
                std::vector<actors::provider_actor<Request, Response>> workers) {
  auto& st = self->state;
  st.workers = std::move(workers);
  st.outstanding.assign(st.workers.size(), 0);
  for (auto& w : st.workers)
    self->link_to(w);
  return {
    [self](Request& req) -> caf::result<Response> {
      auto& st = self->state;
      std::size_t pick = 0;
      for (std::size_t i = 1; i < st.workers.size(); ++i)
        if (st.outstanding[i] < st.outstanding[pick])
          pick = i;
      ++st.outstanding[pick];
      auto rp = self->template make_response_promise<Response>();
      self->request(st.workers[pick], caf::infinite, std::move(req))
        .then(
          [self, rp, pick](Response& answer) mutable {
            --self->state.outstanding[pick];
            rp.deliver(std::move(answer));
          },
          [self, rp, pick](caf::error& err) mutable {
            --self->state.outstanding[pick];
            rp.deliver(std::move(err));
          });
      return rp;
    },
  };
}

} // namespace detail

/// Spawns `workers` (at least one) detached workers, each with the work
/// `make_work()` returns for it, and the dispatcher in front of them.
template <class Request, class Response>
actors::provider_actor<Request, Response>
spawn_blocking_pool(caf::actor_system& sys, unsigned workers,
                    const std::function<blocking_work<Request, Response>()>& make_work) {
  std::vector<actors::provider_actor<Request, Response>> handles;
  for (unsigned i = 0; i < std::max(1u, workers); ++i)
    handles.push_back(
      sys.spawn<caf::detached>(detail::blocking_worker<Request, Response>, make_work()));
  return sys.spawn(detail::pool_dispatcher<Request, Response>, std::move(handles));
}

} // namespace troupe::providers
