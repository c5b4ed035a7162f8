// The node and the cluster's members: health, actors, breakers, nodes,
// shards, node drain, shard promote.

#include <algorithm>
#include <charconv>
#include <iomanip>
#include <ostream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "runtime/runtime_error.hpp"
#include "runtime/api_json.hpp"
#include "shell/answer.hpp"
#include "shell/handlers.hpp"
#include "shell/text_table.hpp"

namespace troupe::shell {

namespace {

using json = nlohmann::json;

void print_health(const cluster::health_info& h, std::ostream& out) {
  out << "node      " << h.node_id << "\n"
      << "version   " << h.version << "\n"
      << "uptime    " << std::fixed << std::setprecision(1)
      << static_cast<double>(h.uptime_ms) / 1000.0 << " s\n"
      << "storage   " << h.storage_state << "\n"
      << "schema    " << h.schema_version << "\n"
      << "shards    " << h.shard_count << "\n"
      << "ready     " << (h.ready ? "yes" : "no") << "\n"
      << "copies    " << h.replication_factor << " per shard wanted; " << h.under_replicated
      << " shards under-replicated, " << h.unavailable << " unavailable\n"
      << "corpus    "
      << (h.corpus_version == 0 ? std::string{"none"}
                                : "version " + std::to_string(h.corpus_version))
      << "\n"
      << "auth      " << h.authentication << "\n"
      << "you       " << h.caller << "\n";
}

void print_actors(const std::vector<actors::actor_entry>& tree, std::ostream& out) {
  text_table table{{44, 14, 10}};
  table.row(out, {"ACTOR", "STATE", "RESTARTS", "MAILBOX"});
  for (const auto& e : tree) {
    // Indent by depth, name by its last path part.
    auto depth = static_cast<std::size_t>(std::count(e.path.begin(), e.path.end(), '/'));
    auto name = std::string(depth * 2, ' ') + e.path.substr(e.path.rfind('/') + 1);
    table.row(out, {name, e.state, std::to_string(e.restarts),
                    e.mailbox < 0 ? std::string{"-"} : std::to_string(e.mailbox)});
  }
}

void print_breakers(const std::vector<actors::breaker_status>& list, std::ostream& out) {
  text_table table{{24, 12, 12, 10}};
  table.row(out, {"BREAKER", "STATE", "ERRORS", "CALLS", "LAST CHANGE"});
  for (const auto& b : list) {
    std::ostringstream rate;
    rate << std::fixed << std::setprecision(1) << b.error_rate * 100 << "%";
    table.row(out, {b.name, b.state, rate.str(), std::to_string(b.calls_in_window),
                    b.transitions == 0 ? std::string{"never"}
                                       : std::to_string(b.since_transition_ms / 1000)
                                           + " s ago"});
  }
}

void print_shards(const std::vector<cluster::shard_row>& rows, std::ostream& out) {
  text_table table{{7, 7, 14, 30, 16}};
  table.row(out, {"SHARD", "EPOCH", "PRIMARY", "REPLICAS", "LAG", "STATE"});
  std::size_t unavailable = 0;
  for (const auto& r : rows) {
    std::string replicas, lag;
    for (std::size_t i = 0; i < r.replicas.size(); ++i) {
      const auto& n = r.replicas[i];
      bool synced = std::find(r.in_sync.begin(), r.in_sync.end(), n) != r.in_sync.end();
      replicas += (replicas.empty() ? "" : " ") + n + (synced ? "*" : "");
      auto l = i < r.lag.size() ? r.lag[i] : -1;
      lag += (lag.empty() ? "" : " ") + (l < 0 ? std::string{"?"} : std::to_string(l));
    }
    unavailable += r.available ? 0 : 1;
    table.row(out, {std::to_string(r.shard), std::to_string(r.epoch), r.primary,
                    replicas.empty() ? "-" : replicas, lag.empty() ? "-" : lag,
                    r.available ? "ok" : "unavailable"});
  }
  out << "(* in sync; lag: records each replica lacks, ? not known yet; " << unavailable
      << " of " << rows.size() << " shards unavailable)\n";
}

void print_nodes(const std::vector<cluster::node_row>& rows, std::ostream& out) {
  text_table table{{14, 22, 10, 8, 10, 12}};
  table.row(out, {"NODE", "ADDRESS", "STATE", "SHARDS", "REPLICAS", "CUSTOMERS",
                  "LAST HEARTBEAT"});
  for (const auto& r : rows) {
    std::string heard = r.last_heartbeat_ms == 0    ? std::string{"(this node)"}
                        : r.last_heartbeat_ms < 0   ? std::string{"never"}
                                                    : std::to_string(r.last_heartbeat_ms)
                                                        + " ms ago";
    table.row(out, {r.id + (r.leader ? "*" : ""), r.address, r.state, std::to_string(r.shards),
                    std::to_string(r.replicas),
                    r.customers < 0 ? std::string{"?"} : std::to_string(r.customers), heard});
  }
  out << "(* leader; customers: of the shards each is the primary of, ? not known)\n";
}

} // namespace

int run_health(command_context& ctx) {
  return answer(ctx, ctx.node->health(), runtime::health_json, print_health);
}

int run_version(command_context& ctx) {
  return answer(
    ctx, ctx.node->health(),
    [](const cluster::health_info& h) {
      return json{{"shell_version", TROUPE_VERSION},
                  {"node_version", h.version},
                  {"node_id", h.node_id}};
    },
    [](const cluster::health_info& h, std::ostream& out) {
      out << "troupe-shell " << TROUPE_VERSION << "\n"
          << "troupe-node  " << h.version << " (node " << h.node_id << ")\n";
    });
}

int run_actors(command_context& ctx) {
  return answer(ctx, ctx.node->tree(), json_each(runtime::actor_json), print_actors);
}

int run_breakers(command_context& ctx) {
  return answer(ctx, ctx.node->breakers(), json_each(runtime::breaker_json), print_breakers);
}

int run_shards(command_context& ctx) {
  return answer(ctx, ctx.node->shards(), json_each(runtime::shard_json), print_shards);
}

int run_nodes(command_context& ctx) {
  return answer(ctx, ctx.node->nodes(), json_each(runtime::node_json), print_nodes);
}

int run_node_drain(command_context& ctx) {
  const auto& id = ctx.operands[0];
  return answer(
    ctx, ctx.node->drain(id),
    [&](const std::string& text) { return json{{"draining", id}, {"message", text}}; },
    [](const std::string& text, std::ostream& out) { out << text << "\n"; });
}

int run_shard_promote(command_context& ctx) {
  const auto& text = ctx.operands[0];
  const auto& id = ctx.operands[1];
  uint32_t shard = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), shard);
  if (ec != std::errc{} || end != text.data() + text.size())
    return ctx.fail(runtime::make_error(runtime::runtime_errc::usage,
                               "shard promote: SHARD must be a shard number, not '" + text + "'"));
  if (!ctx.has("--force"))
    return ctx.fail(runtime::make_error(
      runtime::runtime_errc::usage,
      "shard promote: a forced promotion may lose the writes " + id
        + "'s copy lacks; say --force to do it (see `help`)"));
  return answer(
    ctx, ctx.node->promote(shard, id),
    [&](const std::string& message) {
      return json{{"shard", shard}, {"primary", id}, {"message", message}};
    },
    [](const std::string& message, std::ostream& out) { out << message << "\n"; });
}

} // namespace troupe::shell
