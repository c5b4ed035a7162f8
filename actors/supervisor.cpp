#include "actors/supervisor.hpp"

#include <deque>
#include <map>

#include <caf/all.hpp>

#include "common/log.hpp"

namespace troupe::actors {

namespace {

using clock_type = std::chrono::steady_clock;

struct child_slot {
  child_spec spec;
  caf::strong_actor_ptr handle;
  unsigned restarts = 0;
  std::deque<clock_type::time_point> recent; ///< restarts inside the window
};

struct supervisor_state {
  std::string name;
  restart_policy policy;
  std::vector<child_slot> children;
  bool stopping = false;
  static inline const char* name_of_actor = "troupe.supervisor";
};

using supervisor_actor = caf::stateful_actor<supervisor_state>;

void start_child(supervisor_actor* self, child_slot& slot) {
  slot.handle = slot.spec.start(self->system());
  self->monitor(slot.handle);
  if (slot.spec.on_started)
    slot.spec.on_started(slot.handle, slot.restarts);
}

caf::behavior supervisor_impl(supervisor_actor* self, std::string name,
                              restart_policy policy, std::vector<child_spec> specs) {
  auto& st = self->state;
  st.name = std::move(name);
  st.policy = policy;
  for (auto& spec : specs)
    st.children.push_back(child_slot{std::move(spec), nullptr, 0, {}});
  for (auto& slot : st.children)
    start_child(self, slot);

  self->set_down_handler([self](caf::down_msg& dm) {
    auto& st = self->state;
    for (auto& slot : st.children) {
      if (slot.handle == nullptr || slot.handle->address() != dm.source)
        continue;
      slot.handle = nullptr;
      if (st.stopping)
        return;
      if (!dm.reason || dm.reason == caf::exit_reason::normal) {
        log::info("supervisor", st.name, ": child ", slot.spec.name, " finished");
        return;
      }
      auto now = clock_type::now();
      while (!slot.recent.empty() && now - slot.recent.front() > st.policy.window)
        slot.recent.pop_front();
      if (slot.recent.size() >= st.policy.max_restarts) {
        auto why = st.name + ": child " + slot.spec.name + " failed "
                   + std::to_string(slot.recent.size() + 1) + " times within "
                   + std::to_string(st.policy.window.count())
                   + " ms; giving up (" + self->system().render(dm.reason) + ")";
        log::error("supervisor", why);
        st.stopping = true;
        for (auto& other : st.children)
          if (other.handle != nullptr)
            self->send_exit(other.handle, caf::exit_reason::user_shutdown);
        self->quit(caf::make_error(caf::sec::runtime_error, why));
        return;
      }
      slot.recent.push_back(now);
      ++slot.restarts;
      log::warn("supervisor", st.name, ": restarting child ", slot.spec.name,
                " (restart ", slot.restarts, ") after ",
                self->system().render(dm.reason));
      start_child(self, slot);
      return;
    }
  });

  self->set_exit_handler([self](caf::exit_msg& em) {
    auto& st = self->state;
    st.stopping = true;
    for (auto& slot : st.children)
      if (slot.handle != nullptr)
        self->send_exit(slot.handle, em.reason);
    self->quit(em.reason);
  });

  return {
    [self](caf::get_atom, const std::string& child) -> caf::result<caf::strong_actor_ptr> {
      for (auto& slot : self->state.children)
        if (slot.spec.name == child && slot.handle != nullptr)
          return slot.handle;
      return caf::make_error(caf::sec::invalid_argument,
                             "no live child named " + child);
    },
  };
}

} // namespace

caf::actor spawn_supervisor(caf::actor_system& sys, std::string name,
                            restart_policy policy, std::vector<child_spec> children) {
  return sys.spawn(supervisor_impl, std::move(name), policy, std::move(children));
}

} // namespace troupe::actors
