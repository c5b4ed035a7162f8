#pragma once
/// A supervisor: spawns named children, monitors them, restarts a child that
/// fails (one-for-one) within a restart budget, and gives up when the budget
/// is spent, quitting with an error that its own parent sees as a failure
/// (escalation). A child that exits normally is not restarted.
///
///   supervisor protocol:
///     (get_atom, path) -> strong_actor_ptr    // "child" or "child/grandchild/..."
///     (tree_atom)      -> vector<actor_entry> // this subtree, depth first
///     exit_msg                               // stops every child, then quits
///
///            child fails                    budget left
///   running ------------> restart child? ---------------> running
///                                | budget spent
///                                v
///                          quit(escalate)  -> parent's down/exit handler

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <caf/actor.hpp>
#include <caf/actor_system.hpp>
#include <caf/atom.hpp>
#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/registry.h>

#include "actors/actor_entry.hpp"
#include "actors/atoms.hpp"

namespace troupe::actors {

/// At most `max_restarts` restarts of one child within `window`.
struct restart_policy {
  unsigned max_restarts = 5;
  std::chrono::milliseconds window{10'000};
};

/// How to start one child. `start` spawns it in `sys` and returns its handle;
/// it is called again for every restart. `on_started` (optional) is told the
/// new handle after every start, e.g. to republish it.
struct child_spec {
  enum class kind { worker, supervisor };
  std::string name;
  /// A supervisor child is asked for its subtree; a worker for its mailbox
  /// depth with (info_atom) -> uint64_t, if it answers that.
  kind type = kind::worker;
  std::function<caf::strong_actor_ptr(caf::actor_system& sys)> start;
  std::function<void(const caf::strong_actor_ptr&, unsigned restarts)> on_started;
};

/// Restart counters of every supervisor of a node, registered once:
///   troupe_actor_restarts_total{supervisor,child}
class supervisor_metrics {
public:
  explicit supervisor_metrics(prometheus::Registry& registry);
  prometheus::Counter& restarts(const std::string& supervisor, const std::string& child);

private:
  prometheus::Family<prometheus::Counter>* family_;
};

/// Spawns a supervisor named `name` with `children`, started in order.
/// `metrics` may be null.
caf::actor spawn_supervisor(caf::actor_system& sys, std::string name,
                            restart_policy policy, std::vector<child_spec> children,
                            std::shared_ptr<supervisor_metrics> metrics = nullptr);

/// A child spec that starts a nested supervisor.
child_spec supervisor_child(std::string name, restart_policy policy,
                            std::vector<child_spec> children,
                            std::shared_ptr<supervisor_metrics> metrics = nullptr);

} // namespace troupe::actors
