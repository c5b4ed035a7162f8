#include "runtime/coordinator.hpp"

namespace troupe::runtime {

namespace {

caf::behavior coordinator_impl(coordinator_ptr self, coordinator_work work) {
  return {
    [self, work](caf::get_atom) {
      auto rp = self->make_response_promise();
      work(self, rp);
      return rp;
    },
    [self](caf::tick_atom, uint64_t id) {
      auto& timers = self->state.timers;
      auto it = timers.find(id);
      if (it == timers.end())
        return;
      auto fn = std::move(it->second);
      timers.erase(it);
      fn();
    },
  };
}

} // namespace

caf::actor spawn_coordinator(caf::actor_system& sys, coordinator_work work) {
  return sys.spawn(coordinator_impl, std::move(work));
}

void after(coordinator_ptr self, std::chrono::milliseconds delay, std::function<void()> fn) {
  auto id = self->state.next_timer++;
  self->state.timers.emplace(id, std::move(fn));
  self->delayed_send(self, delay, caf::tick_atom::value, id);
}

} // namespace troupe::runtime
