#pragma once
/// Shared by the actor tests: a small request/response protocol and a
/// provider whose behaviour the test switches by message.

#include <string>

#include <caf/all.hpp>

#include "actors/actor_error.hpp"
#include "actors/provider.hpp"

namespace troupe::test {

struct ping {
  int n = 0;
};
struct pong {
  int n = 0;
  std::string by;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, ping& x) {
  return f(caf::meta::type_name("test.ping"), x.n);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, pong& x) {
  return f(caf::meta::type_name("test.pong"), x.n, x.by);
}

using ping_provider = actors::provider_actor<ping, pong>;
using fail_atom = caf::atom_constant<caf::atom("fail")>;

/// Answers ping with pong{n, name}, or fails while told to (fail_atom, true).
inline caf::behavior switchable(caf::event_based_actor* self, std::string name) {
  auto failing = std::make_shared<bool>(false);
  return {
    [failing, name](ping p) -> caf::result<pong> {
      if (*failing)
        return actors::make_caf_error(actors::actors_errc::injected_failure, "told to fail");
      return pong{p.n, name};
    },
    [failing](fail_atom, bool on) { *failing = on; },
  };
}

/// A blocking call from a scoped actor: the answer or the error.
template <class Answer, class Handle, class... Ts>
caf::expected<Answer> call(caf::scoped_actor& self, const Handle& dest, Ts&&... xs) {
  caf::expected<Answer> result{caf::sec::request_timeout};
  self->request(dest, std::chrono::seconds(10), std::forward<Ts>(xs)...)
    .receive([&](Answer& a) { result = std::move(a); },
             [&](caf::error& e) { result = std::move(e); });
  return result;
}

} // namespace troupe::test
