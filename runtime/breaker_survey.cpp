#include "runtime/breaker_survey.hpp"

#include <memory>
#include <vector>

#include "actors/actor_error.hpp"
#include "actors/atoms.hpp"
#include "actors/breaker_status.hpp"

namespace troupe::runtime {

coordinator_work survey_breakers(gateway_context ctx) {
  return [ctx](coordinator_ptr self, caf::response_promise rp) {
    auto n = ctx.breaker_paths.size();
    auto found = std::make_shared<std::vector<actors::breaker_status>>(n);
    auto missing = std::make_shared<std::size_t>(n);
    if (n == 0)
      return finish(self, rp, std::vector<actors::breaker_status>{});
    auto done = [self, rp, found, missing]() mutable {
      if (--*missing == 0)
        finish(self, rp, std::move(*found));
    };
    for (std::size_t i = 0; i < n; ++i) {
      auto path = ctx.breaker_paths[i];
      auto unreachable = [found, i, path, done](const caf::error& err) mutable {
        auto& s = (*found)[i];
        s.name = path.substr(path.rfind('/') + 1);
        s.state = "unreachable: " + actors::describe(err);
        done();
      };
      self->request(*ctx.guardian, ask_timeout, caf::get_atom::value, path)
        .then(
          [self, found, i, done, unreachable](caf::strong_actor_ptr& ptr) mutable {
            self->request(caf::actor_cast<caf::actor>(ptr), ask_timeout,
                          actors::status_atom::value)
              .then(
                [found, i, done](actors::breaker_status& s) mutable {
                  (*found)[i] = std::move(s);
                  done();
                },
                [unreachable](caf::error& err) mutable { unreachable(err); });
          },
          [unreachable](caf::error& err) mutable { unreachable(err); });
    }
  };
}

} // namespace troupe::runtime
