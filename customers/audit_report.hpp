#pragma once
/// What `audit verify` answers. Crosses processes: registered in
/// cluster/wire_types.

#include <cstdint>
#include <string>
#include <vector>

#include <caf/meta/type_name.hpp>

namespace troupe::customers {

struct audit_report {
  uint64_t records = 0;     ///< records checked before the first broken one
  uint64_t chains = 0;      ///< chains walked: the node's, each shard's held here
  bool intact = true;
  uint64_t broken_at = 0;   ///< sequence of the first broken record (if not intact)
  std::string broken_chain; ///< its chain: "node" or "shard N"
  std::string reason;
  uint64_t commands = 0;    ///< of the records, operators' commands (who, from where)
  std::vector<std::string> recent_commands; ///< the last ones, described, oldest first
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, audit_report& x) {
  return f(caf::meta::type_name("troupe.audit_report"), x.records, x.chains, x.intact,
           x.broken_at, x.broken_chain, x.reason, x.commands, x.recent_commands);
}

} // namespace troupe::customers
