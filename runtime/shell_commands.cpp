#include "runtime/shell_commands.hpp"

#include <caf/type_erased_tuple.hpp>

#include "actors/atoms.hpp"
#include "cluster/member_protocol.hpp"
#include "runtime/shell_api.hpp"

namespace troupe::runtime {

namespace {

using trust::permission;

shell_command reads(std::string name) { return {std::move(name), false, permission::read, false}; }
shell_command operates(std::string name) {
  return {std::move(name), false, permission::operate, false};
}
shell_command changes(std::string name) {
  return {std::move(name), false, permission::operate, true};
}

std::optional<shell_command> by_atom(caf::atom_value a, const caf::type_erased_tuple& msg) {
  switch (static_cast<uint64_t>(a)) {
    case cluster::health_atom::uint_value(): return reads("health");
    case cluster::tree_atom::uint_value(): return reads("actors");
    case actors::info_atom::uint_value(): return reads("actors");
    case cluster::breakers_atom::uint_value(): return reads("breakers");
    case cluster::nodes_atom::uint_value(): return reads("nodes");
    case cluster::shards_atom::uint_value(): return reads("shards");
    case cluster::count_atom::uint_value(): return reads("segment count");
    case cluster::list_atom::uint_value(): return reads("campaign list");
    case cluster::status_atom::uint_value(): return reads("campaign status");
    case cluster::report_atom::uint_value(): return reads("campaign report");
    case cluster::create_atom::uint_value(): return changes("campaign create");
    case cluster::start_atom::uint_value(): return changes("campaign start");
    case cluster::pause_atom::uint_value(): return changes("campaign pause");
    case cluster::resume_atom::uint_value(): return changes("campaign resume");
    case cluster::cancel_atom::uint_value(): return changes("campaign cancel");
    case cluster::replay_atom::uint_value(): return changes("deadletters replay");
    case cluster::erase_atom::uint_value(): return changes("customer delete");
    case cluster::drain_atom::uint_value(): return changes("node drain");
    case cluster::promote_atom::uint_value(): return changes("shard promote");
    case cluster::customer_atom::uint_value(): return operates("customer get");
    case cluster::export_atom::uint_value(): return operates("customer export");
    case cluster::verify_atom::uint_value(): return operates("audit verify");
    case cluster::page_atom::uint_value():
      if (msg.size() > 1 && msg.match_element<customers::record_kind>(1) &&
          msg.get_as<customers::record_kind>(1) == customers::record_kind::dead_letters)
        return operates("deadletters list");
      return operates("campaign export");
    case cluster::import_atom::uint_value(): {
      if (msg.size() < 2 || !msg.match_element<customers::import_chunk>(1))
        return changes("import");
      const auto& chunk = msg.get_as<customers::import_chunk>(1);
      auto events = chunk.kind == customers::import_kind::events;
      auto cmd = changes(events ? "event ingest" : "import");
      if (events)
        cmd.needs = permission::ingest;
      // One audit record per file, not per chunk: the file's first lines
      // (a corpus version's begin and commit carry none).
      cmd.audited = chunk.first_line <= 1 && !chunk.lines.empty();
      return cmd;
    }
    case cluster::member_atom::uint_value():
      return shell_command{"member handshake", true, permission::operate, false};
    default:
      return std::nullopt;
  }
}

} // namespace

std::optional<shell_command> shell_command_of(const caf::type_erased_tuple& msg) {
  if (msg.size() == 0 || !msg.match_element<caf::atom_value>(0))
    return std::nullopt;
  return by_atom(msg.get_as<caf::atom_value>(0), msg);
}

bool permitted(const shell_command& cmd, trust::role r) {
  if (cmd.members_only)
    return trust::is_member(r);
  return trust::may(r, cmd.needs);
}

} // namespace troupe::runtime
