#include "runtime/shell_commands.hpp"

#include <iomanip>
#include <ostream>

#include <nlohmann/json.hpp>

#include "runtime/runtime_error.hpp"

namespace troupe::runtime {

namespace {

using json = nlohmann::json;

int report(const error& e, bool as_json, std::ostream& out, std::ostream& err) {
  if (as_json)
    out << json{{"error", e.message()}}.dump() << "\n";
  else
    err << "error: " << e.message() << "\n";
  return e.is(runtime_errc::usage) ? exit_usage : exit_failed;
}

int run_health(shell_client& client, bool as_json, std::ostream& out,
               std::ostream& err) {
  auto h = client.health();
  if (!h)
    return report(h.err(), as_json, out, err);
  if (as_json) {
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

} // namespace

result<std::vector<std::string>> split_command_line(const std::string& line) {
  std::vector<std::string> words;
  std::string word;
  bool in_word = false;
  char quote = 0;
  std::size_t quote_at = 0;
  for (std::size_t i = 0; i < line.size(); ++i) {
    char c = line[i];
    if (quote != 0) {
      if (c == quote)
        quote = 0;
      else
        word += c;
    } else if (c == '\'' || c == '"') {
      quote = c;
      quote_at = i;
      in_word = true;
    } else if (std::isspace(static_cast<unsigned char>(c))) {
      if (in_word)
        words.push_back(std::move(word));
      word.clear();
      in_word = false;
    } else {
      word += c;
      in_word = true;
    }
  }
  if (quote != 0)
    return make_error(runtime_errc::usage, "unterminated quote at position "
                                             + std::to_string(quote_at + 1));
  if (in_word)
    words.push_back(std::move(word));
  return words;
}

std::string shell_help() {
  return "Commands:\n"
         "  health        the node's id, uptime, storage state, schema version, readiness\n"
         "  help          this text\n"
         "  quit, exit    leave the interactive shell\n"
         "Options that apply to every command: --json (machine-readable output).\n";
}

int run_command(const std::string& line, bool json_mode, const client_source& client,
                std::ostream& out, std::ostream& err) {
  auto words = split_command_line(line);
  if (!words)
    return report(words.err(), json_mode, out, err);
  // `--json` may also be written after the command.
  std::vector<std::string> args;
  for (auto& w : *words) {
    if (w == "--json")
      json_mode = true;
    else
      args.push_back(w);
  }
  if (args.empty())
    return exit_ok;
  const auto& name = args.front();
  if (name == "help") {
    out << shell_help();
    return exit_ok;
  }
  if (name == "health") {
    if (args.size() != 1)
      return report(make_error(runtime_errc::usage, "health takes no arguments"),
                    json_mode, out, err);
    auto c = client();
    if (!c)
      return report(c.err(), json_mode, out, err);
    return run_health(**c, json_mode, out, err);
  }
  return report(make_error(runtime_errc::usage,
                           "unknown command '" + name + "' (type help for the list)"),
                json_mode, out, err);
}

} // namespace troupe::runtime
