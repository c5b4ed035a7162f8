#pragma once
/// A provider behind a rate limiter: each request first takes a token for
/// `key` from the limiter (waiting as long as the limiter books it), then
/// goes to the provider. A request the limiter refuses (the wait would be
/// too long) fails with `wait_too_long` without reaching the provider. The
/// limiter is looked up per request through `limiter_of` (the node's
/// limiter may have been restarted since); the wrapper links itself to the
/// provider and speaks the provider's protocol.
///
///   provider_actor<Request, Response>:
///     (Request) -> Response | wait_too_long | the provider's error

#include <functional>
#include <string>

#include <caf/all.hpp>

#include "actors/actor_error.hpp"
#include "actors/limiter.hpp"
#include "actors/provider.hpp"

namespace troupe::actors {

namespace detail {

template <class Request, class Response>
typename provider_actor<Request, Response>::behavior_type
limited_impl(typename provider_actor<Request, Response>::pointer self,
             std::function<limiter_actor()> limiter_of, std::string key,
             provider_actor<Request, Response> provider) {
  self->link_to(provider);
  return {
    [self, limiter_of, key, provider](Request& req) {
      auto rp = self->template make_response_promise<Response>();
      auto limiter = limiter_of();
      if (!limiter) {
        rp.deliver(make_caf_error(actors_errc::provider_failed,
                                  "the rate limiter is not running (restarting?)"));
        return rp;
      }
      self->request(limiter, caf::infinite, acquire_atom::value, key)
        .then([rp, provider, req](limiter_grant) mutable { rp.delegate(provider, req); },
              [rp](caf::error& err) mutable { rp.deliver(std::move(err)); });
      return rp;
    },
  };
}

} // namespace detail

template <class Request, class Response>
provider_actor<Request, Response>
spawn_limited_provider(caf::actor_system& sys, std::function<limiter_actor()> limiter_of,
                       std::string key, provider_actor<Request, Response> p) {
  return sys.spawn(detail::limited_impl<Request, Response>, std::move(limiter_of),
                   std::move(key), std::move(p));
}

} // namespace troupe::actors
