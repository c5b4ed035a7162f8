#include "runtime/event_sink.hpp"

#include <caf/all.hpp>

#include "runtime/coordinator.hpp"
#include "runtime/import_router.hpp"

namespace troupe::runtime {

event_sink make_event_sink(caf::actor_system& sys, gateway_context ctx,
                           std::chrono::seconds timeout) {
  return [&sys, ctx, timeout](customers::import_chunk chunk) -> result<customers::import_result> {
    caf::scoped_actor self{sys};
    auto co = spawn_coordinator(sys, route_import(ctx, std::move(chunk)));
    result<customers::import_result> out =
      make_error(runtime_errc::unreachable, "no answer from the import router");
    self->request(co, timeout, caf::get_atom::value)
      .receive([&](customers::import_result& r) { out = std::move(r); },
               [&](caf::error& err) {
                 out = make_error(runtime_errc::request_failed, sys.render(err));
               });
    return out;
  };
}

} // namespace troupe::runtime
