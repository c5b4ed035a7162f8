// The node and the cluster's members: health, actors, breakers, nodes,
// node drain.

#include <algorithm>
#include <iomanip>
#include <ostream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "shell/commands.hpp"
#include "shell/handlers.hpp"

namespace troupe::shell {

using json = nlohmann::json;

int run_health(command_context& ctx) {
  auto h = ctx.node->health();
  if (!h)
    return ctx.fail(h.err());
  auto& out = ctx.out;
  if (ctx.json) {
    out << json{{"node_id", h->node_id},
                {"uptime_ms", h->uptime_ms},
                {"storage", h->storage_state},
                {"schema_version", h->schema_version},
                {"shards", h->shard_count},
                {"ready", h->ready}}
             .dump()
        << "\n";
  } else {
    out << "node      " << h->node_id << "\n"
        << "uptime    " << std::fixed << std::setprecision(1)
        << static_cast<double>(h->uptime_ms) / 1000.0 << " s\n"
        << "storage   " << h->storage_state << "\n"
        << "schema    " << h->schema_version << "\n"
        << "shards    " << h->shard_count << "\n"
        << "ready     " << (h->ready ? "yes" : "no") << "\n";
  }
  return exit_ok;
}

int run_actors(command_context& ctx) {
  auto tree = ctx.node->tree();
  if (!tree)
    return ctx.fail(tree.err());
  auto& out = ctx.out;
  if (ctx.json) {
    auto list = json::array();
    for (auto& e : *tree)
      list.push_back({{"name", e.path},
                      {"state", e.state},
                      {"restarts", e.restarts},
                      {"mailbox", e.mailbox}});
    out << list.dump() << "\n";
    return exit_ok;
  }
  out << std::left << std::setw(44) << "ACTOR" << std::setw(14) << "STATE" << std::setw(10)
      << "RESTARTS" << "MAILBOX\n";
  for (auto& e : *tree) {
    // Indent by depth, name by its last path part.
    auto depth = static_cast<std::size_t>(std::count(e.path.begin(), e.path.end(), '/'));
    auto name = std::string(depth * 2, ' ') + e.path.substr(e.path.rfind('/') + 1);
    out << std::left << std::setw(44) << name << std::setw(14) << e.state << std::setw(10)
        << e.restarts << (e.mailbox < 0 ? std::string{"-"} : std::to_string(e.mailbox))
        << "\n";
  }
  return exit_ok;
}

int run_breakers(command_context& ctx) {
  auto list = ctx.node->breakers();
  if (!list)
    return ctx.fail(list.err());
  auto& out = ctx.out;
  if (ctx.json) {
    auto arr = json::array();
    for (auto& b : *list)
      arr.push_back({{"name", b.name},
                     {"state", b.state},
                     {"error_rate", b.error_rate},
                     {"calls_in_window", b.calls_in_window},
                     {"since_transition_ms", b.since_transition_ms},
                     {"transitions", b.transitions}});
    out << arr.dump() << "\n";
    return exit_ok;
  }
  out << std::left << std::setw(24) << "BREAKER" << std::setw(12) << "STATE" << std::setw(12)
      << "ERRORS" << std::setw(10) << "CALLS" << "LAST CHANGE\n";
  for (auto& b : *list) {
    std::ostringstream rate;
    rate << std::fixed << std::setprecision(1) << b.error_rate * 100 << "%";
    out << std::left << std::setw(24) << b.name << std::setw(12) << b.state << std::setw(12)
        << rate.str() << std::setw(10) << b.calls_in_window
        << (b.transitions == 0 ? std::string{"never"}
                               : std::to_string(b.since_transition_ms / 1000) + " s ago")
        << "\n";
  }
  return exit_ok;
}

int run_nodes(command_context& ctx) {
  auto rows = ctx.node->nodes();
  if (!rows)
    return ctx.fail(rows.err());
  auto& out = ctx.out;
  if (ctx.json) {
    auto arr = json::array();
    for (auto& r : *rows)
      arr.push_back({{"id", r.id},
                     {"address", r.address},
                     {"state", r.state},
                     {"shards", r.shards},
                     {"customers", r.customers},
                     {"last_heartbeat_ms", r.last_heartbeat_ms},
                     {"leader", r.leader}});
    out << arr.dump() << "\n";
    return exit_ok;
  }
  out << std::left << std::setw(14) << "NODE" << std::setw(22) << "ADDRESS" << std::setw(10)
      << "STATE" << std::setw(8) << "SHARDS" << std::setw(12) << "CUSTOMERS"
      << "LAST HEARTBEAT\n";
  for (auto& r : *rows) {
    std::string heard = r.last_heartbeat_ms == 0    ? std::string{"(this node)"}
                        : r.last_heartbeat_ms < 0   ? std::string{"never"}
                                                    : std::to_string(r.last_heartbeat_ms)
                                                        + " ms ago";
    out << std::left << std::setw(14) << (r.id + (r.leader ? "*" : "")) << std::setw(22)
        << r.address << std::setw(10) << r.state << std::setw(8) << r.shards << std::setw(12)
        << r.customers << heard << "\n";
  }
  out << "(* leader; customers are RocksDB's estimate)\n";
  return exit_ok;
}

int run_node_drain(command_context& ctx) {
  const auto& id = ctx.operands[0];
  auto text = ctx.node->drain(id);
  if (!text)
    return ctx.fail(text.err());
  if (ctx.json)
    ctx.out << json{{"draining", id}, {"message", *text}}.dump() << "\n";
  else
    ctx.out << *text << "\n";
  return exit_ok;
}

} // namespace troupe::shell
