#pragma once
/// A supervisor: spawns named children, monitors them, restarts a child that
/// fails (one-for-one) within a restart budget, and gives up when the budget
/// is spent, quitting with an error that its own parent sees as a failure
/// (escalation). A child that exits normally is not restarted.
///
///   supervisor protocol:
///     (get_atom, name) -> strong_actor_ptr     // the child's current handle
///     exit_msg                                // stops every child, then quits
///
///            child fails                    budget left
///   running ------------> restart child? ---------------> running
///                                | budget spent
///                                v
///                          quit(escalate)  -> parent's down/exit handler

#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include <caf/actor.hpp>
#include <caf/actor_system.hpp>
#include <caf/atom.hpp>

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
  std::string name;
  std::function<caf::strong_actor_ptr(caf::actor_system& sys)> start;
  std::function<void(const caf::strong_actor_ptr&, unsigned restarts)> on_started;
};

/// Spawns a supervisor named `name` with `children`, started in order.
caf::actor spawn_supervisor(caf::actor_system& sys, std::string name,
                            restart_policy policy, std::vector<child_spec> children);

} // namespace troupe::actors
