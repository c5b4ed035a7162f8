#pragma once
/// One line of the node's supervision tree (shell command `actors`).
/// Crosses processes: registered in cluster/wire_types.

#include <cstdint>
#include <string>

#include <caf/meta/type_name.hpp>

namespace troupe::actors {

struct actor_entry {
  std::string path;      ///< e.g. "node_guardian/stages/limiter"
  std::string state;     ///< running, stopped, unresponsive
  uint64_t restarts = 0; ///< by its supervisor
  int64_t mailbox = -1;  ///< messages waiting (-1: it did not say)
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, actor_entry& x) {
  return f(caf::meta::type_name("troupe.actor_entry"), x.path, x.state, x.restarts,
           x.mailbox);
}

} // namespace troupe::actors
