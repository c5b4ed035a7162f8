#include "actors/supervisor.hpp"

#include <deque>
#include <map>

#include <caf/all.hpp>

#include "actors/actor_error.hpp"
#include "common/log.hpp"
#include "common/metrics.hpp"

namespace troupe::actors {

namespace {

using clock_type = std::chrono::steady_clock;

struct child_slot {
  child_spec spec;
  caf::strong_actor_ptr handle;
  prometheus::Counter* restart_counter = nullptr;
  unsigned restarts = 0;
  std::deque<clock_type::time_point> recent; ///< restarts inside the window
};

struct supervisor_state {
  std::string name;
  restart_policy policy;
  std::vector<child_slot> children;
  bool stopping = false;
};

using supervisor_actor = caf::stateful_actor<supervisor_state>;

void start_child(supervisor_actor* self, child_slot& slot) {
  slot.handle = slot.spec.start(self->system());
  self->monitor(slot.handle);
  if (slot.spec.on_started)
    slot.spec.on_started(slot.handle, slot.restarts);
}

caf::result<std::vector<actor_entry>> collect_tree(supervisor_actor* self);

caf::behavior supervisor_impl(supervisor_actor* self, std::string name,
                              restart_policy policy, std::vector<child_spec> specs,
                              std::shared_ptr<supervisor_metrics> metrics) {
  auto& st = self->state;
  st.name = std::move(name);
  st.policy = policy;
  for (auto& spec : specs) {
    child_slot slot{std::move(spec), nullptr, nullptr, 0, {}};
    if (metrics)
      slot.restart_counter = &metrics->restarts(st.name, slot.spec.name);
    st.children.push_back(std::move(slot));
  }
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
      if (slot.restart_counter != nullptr)
        slot.restart_counter->Increment();
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
    [self](caf::get_atom, const std::string& path) -> caf::result<caf::message> {
      auto slash = path.find('/');
      auto head = path.substr(0, slash);
      for (auto& slot : self->state.children) {
        if (slot.spec.name != head || slot.handle == nullptr)
          continue;
        if (slash == std::string::npos)
          return caf::make_message(slot.handle);
        return self->delegate(caf::actor_cast<caf::actor>(slot.handle), caf::get_atom::value,
                              path.substr(slash + 1));
      }
      return make_caf_error(actors_errc::no_such_actor,
                            self->state.name + " has no live child named '" + head + "'");
    },
    [self](tree_atom) -> caf::result<std::vector<actor_entry>> {
      return collect_tree(self);
    },
    [self](info_atom) -> uint64_t { return self->mailbox().size(); },
  };
}

/// Answers (tree_atom): this supervisor, then each child's subtree (or its
/// one line), asking children concurrently with a short timeout.
caf::result<std::vector<actor_entry>> collect_tree(supervisor_actor* self) {
  auto& st = self->state;
  auto rp = self->make_response_promise<std::vector<actor_entry>>();
  auto n = st.children.size();
  // One slot per child, filled as answers arrive; delivered when all are in.
  auto parts = std::make_shared<std::vector<std::vector<actor_entry>>>(n);
  auto missing = std::make_shared<std::size_t>(n);
  auto head = actor_entry{st.name, "running", 0, static_cast<int64_t>(self->mailbox().size())};
  auto finish = [rp, parts, missing, head]() mutable {
    if (--*missing > 0)
      return;
    std::vector<actor_entry> all{head};
    for (auto& part : *parts)
      for (auto& e : part) {
        e.path = head.path + "/" + e.path;
        all.push_back(std::move(e));
      }
    rp.deliver(std::move(all));
  };
  if (n == 0) {
    rp.deliver(std::vector<actor_entry>{head});
    return rp;
  }
  constexpr auto ask_timeout = std::chrono::seconds(2);
  for (std::size_t i = 0; i < n; ++i) {
    auto& slot = st.children[i];
    actor_entry line{slot.spec.name, "running", slot.restarts, -1};
    if (slot.handle == nullptr) {
      line.state = "stopped";
      (*parts)[i] = {line};
      finish();
      continue;
    }
    auto child = caf::actor_cast<caf::actor>(slot.handle);
    if (slot.spec.type == child_spec::kind::supervisor) {
      self->request(child, ask_timeout, tree_atom::value)
        .then(
          [parts, i, line, finish](std::vector<actor_entry>& sub) mutable {
            // The child lists itself first; its restarts are ours to tell.
            if (!sub.empty())
              sub.front().restarts = line.restarts;
            (*parts)[i] = std::move(sub);
            finish();
          },
          [parts, i, line, finish](caf::error&) mutable {
            line.state = "unresponsive";
            (*parts)[i] = {line};
            finish();
          });
    } else {
      self->request(child, ask_timeout, info_atom::value)
        .then(
          [parts, i, line, finish](uint64_t depth) mutable {
            line.mailbox = static_cast<int64_t>(depth);
            (*parts)[i] = {line};
            finish();
          },
          [parts, i, line, finish](caf::error& err) mutable {
            // A worker that does not speak (info_atom) is still running.
            if (err == caf::sec::request_timeout)
              line.state = "unresponsive";
            (*parts)[i] = {line};
            finish();
          });
    }
  }
  return rp;
}

} // namespace

supervisor_metrics::supervisor_metrics(prometheus::Registry& registry)
  : family_(&metrics::counter_family(registry, "troupe_actor_restarts_total",
                                     "Children restarted by their supervisor")) {}

prometheus::Counter& supervisor_metrics::restarts(const std::string& supervisor,
                                                  const std::string& child) {
  return family_->Add({{"supervisor", supervisor}, {"child", child}});
}

child_spec supervisor_child(std::string name, restart_policy policy,
                            std::vector<child_spec> children,
                            std::shared_ptr<supervisor_metrics> metrics) {
  child_spec spec;
  spec.name = name;
  spec.type = child_spec::kind::supervisor;
  spec.start = [name, policy, children, metrics](caf::actor_system& sys) {
    return caf::actor_cast<caf::strong_actor_ptr>(
      spawn_supervisor(sys, name, policy, children, metrics));
  };
  return spec;
}

caf::actor spawn_supervisor(caf::actor_system& sys, std::string name,
                            restart_policy policy, std::vector<child_spec> children,
                            std::shared_ptr<supervisor_metrics> metrics) {
  return sys.spawn(supervisor_impl, std::move(name), policy, std::move(children),
                   std::move(metrics));
}

} // namespace troupe::actors
