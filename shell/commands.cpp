#include "shell/commands.hpp"

#include <algorithm>
#include <chrono>
#include <ctime>
#include <thread>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <unistd.h>
#include <iomanip>
#include <sstream>
#include <ostream>

#include <nlohmann/json.hpp>

#include "runtime/runtime_error.hpp"
#include "shell/report_format.hpp"

namespace troupe::shell {

namespace {

using json = nlohmann::json;

int report(const error& e, bool as_json, std::ostream& out, std::ostream& err) {
  if (as_json)
    out << json{{"error", e.message()}}.dump() << "\n";
  else
    err << "error: " << e.message() << "\n";
  return e.is(runtime::runtime_errc::usage) ? exit_usage : exit_failed;
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

int run_actors(shell_client& client, bool as_json, std::ostream& out, std::ostream& err) {
  auto tree = client.tree();
  if (!tree)
    return report(tree.err(), as_json, out, err);
  if (as_json) {
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

int run_breakers(shell_client& client, bool as_json, std::ostream& out, std::ostream& err) {
  auto list = client.breakers();
  if (!list)
    return report(list.err(), as_json, out, err);
  if (as_json) {
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

int run_nodes(shell_client& client, bool as_json, std::ostream& out, std::ostream& err) {
  auto rows = client.nodes();
  if (!rows)
    return report(rows.err(), as_json, out, err);
  if (as_json) {
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

int run_segment_count(shell_client& client, const std::string& predicate, bool as_json,
                      std::ostream& out, std::ostream& err) {
  auto n = client.segment_count(predicate);
  if (!n)
    return report(n.err(), as_json, out, err);
  if (as_json)
    out << json{{"count", *n}}.dump() << "\n";
  else
    out << *n << "\n";
  return exit_ok;
}

int run_import(shell_client& client, const std::string& kind, const std::string& path,
               bool as_json, std::ostream& out, std::ostream& err) {
  std::ifstream file{path};
  if (!file)
    return report(make_error(runtime::runtime_errc::usage,
                             "cannot read " + path + ": " + std::strerror(errno)),
                  as_json, out, err);
  std::error_code ec;
  auto size = std::filesystem::file_size(path, ec);
  bool bar = !as_json && ::isatty(STDERR_FILENO) == 1;
  auto progress = [&](uint64_t lines, uint64_t bytes) {
    if (!bar)
      return;
    int percent = size > 0 ? static_cast<int>(100.0 * static_cast<double>(bytes)
                                              / static_cast<double>(size))
                           : 100;
    percent = std::min(percent, 100);
    std::string filled(static_cast<std::size_t>(percent / 4), '#');
    err << "\rimporting " << kind << " [" << std::left << std::setw(25) << filled << "] "
        << std::right << std::setw(3) << percent << "%  " << lines << " lines" << std::flush;
  };
  auto r = client.import_lines(kind, file, progress);
  if (bar)
    err << "\n";
  if (!r)
    return report(r.err(), as_json, out, err);
  if (as_json) {
    auto errors = json::array();
    for (auto& e : r->errors)
      errors.push_back({{"line", e.line}, {"reason", e.reason}});
    json j{{"imported", r->imported}, {"rejected", r->rejected}, {"errors", errors}};
    if (kind == "events")
      j["duplicates"] = r->duplicates, j["unmatched"] = r->unmatched;
    if (kind == "corpus")
      j["version"] = r->version;
    out << j.dump() << "\n";
  } else if (kind == "events") {
    out << "ingested " << r->imported << " events (" << r->duplicates
        << " duplicates not stored again; " << r->unmatched
        << " for customers the campaign never delivered to: kept, not counted in the report)"
        << ", rejected " << r->rejected << "\n";
    for (auto& e : r->errors)
      out << "  line " << e.line << ": " << e.reason << "\n";
  } else {
    out << "imported " << r->imported << " " << kind << ", rejected " << r->rejected;
    if (kind == "corpus")
      out << " (corpus version " << r->version << ": campaigns started from now on use it)";
    out << "\n";
    for (auto& e : r->errors)
      out << "  line " << e.line << ": " << e.reason << "\n";
    if (r->rejected > r->errors.size())
      out << "  (" << r->rejected - r->errors.size() << " more rejected lines not shown)\n";
  }
  return exit_ok;
}

json status_json(const campaign::campaign_status& s) {
  return json{{"id", s.id},
              {"name", s.name},
              {"state", campaign::to_string(s.state)},
              {"total", s.total},
              {"processed", s.processed},
              {"in_segment", s.in_segment},
              {"delivered", s.delivered},
              {"blocked", s.blocked},
              {"skipped", s.skipped},
              {"failed", s.failed},
              {"rate_per_min", s.rate_per_min},
              {"started_at", s.started_at_ms},
              {"finished_at", s.finished_at_ms},
              {"reason", s.reason}};
}

std::string iso_time(int64_t ms) {
  if (ms == 0)
    return "-";
  std::time_t secs = static_cast<std::time_t>(ms / 1000);
  std::tm utc{};
  gmtime_r(&secs, &utc);
  char text[32];
  std::strftime(text, sizeof(text), "%Y-%m-%dT%H:%M:%SZ", &utc);
  return text;
}

std::string progress_bar(const campaign::campaign_status& s) {
  double share = s.total == 0 ? (s.state == campaign::campaign_state::completed ? 1.0 : 0.0)
                              : std::min(1.0, static_cast<double>(s.processed)
                                                / static_cast<double>(s.total));
  auto filled = static_cast<std::size_t>(share * 30);
  std::ostringstream out;
  out << "[" << std::string(filled, '#') << std::string(30 - filled, ' ') << "] "
      << std::setw(3) << static_cast<int>(share * 100) << "%  " << s.processed << " / "
      << s.total;
  return out.str();
}

void print_status(const campaign::campaign_status& s, std::ostream& out) {
  out << "campaign   " << s.id << " (" << s.name << ")\n"
      << "state      " << s.state << (s.reason.empty() ? "" : ": " + s.reason) << "\n"
      << "progress   " << progress_bar(s) << "\n"
      << "in segment " << s.in_segment << "  delivered " << s.delivered << "  blocked "
      << s.blocked << "  failed " << s.failed << "  skipped " << s.skipped << "\n"
      << "rate       " << static_cast<uint64_t>(s.rate_per_min) << " customers/min\n"
      << "started    " << iso_time(s.started_at_ms) << "   finished "
      << iso_time(s.finished_at_ms) << "\n";
}

void print_by_node(const campaign::campaign_status& s, std::ostream& out) {
  for (auto& line : s.by_node)
    out << "  node " << line << "\n";
}

/// Moves the cursor up over the `lines` a watch frame drew and clears them.
void erase_lines(std::size_t lines, std::ostream& out) {
  for (std::size_t i = 0; i < lines; ++i)
    out << "\x1b[1A\x1b[2K";
  out << "\r" << std::flush;
}

/// One refresh of `campaign status --watch` on a terminal: the whole
/// cluster's bar, with --by-node a line per member, and the stalled shards.
/// Redraws over the `previous` frame; returns the lines drawn.
std::size_t draw_watch_frame(const campaign::campaign_status& s, bool by_node,
                             std::size_t previous, std::ostream& out) {
  erase_lines(previous, out);
  std::size_t lines = 1;
  out << s.id << " " << s.state << " " << progress_bar(s) << "  "
      << static_cast<uint64_t>(s.rate_per_min) << "/min\n";
  if (by_node)
    for (auto& line : s.by_node) {
      out << "  node " << line << "\n";
      ++lines;
    }
  if (!s.reason.empty()) {
    out << "  " << s.reason << "\n";
    ++lines;
  }
  out << std::flush;
  return lines;
}

int run_campaign(shell_client& client, const std::vector<std::string>& args, bool watch,
                 bool by_node, bool as_json, std::ostream& out, std::ostream& err) {
  auto usage = [&] {
    return report(make_error(runtime::runtime_errc::usage,
                             "usage: campaign create FILE | campaign start|pause|resume|cancel ID"
                             " | campaign status ID [--watch] | campaign list"
                             " | campaign export ID FILE"),
                  as_json, out, err);
  };
  if (args.size() == 2 && args[1] == "list") {
    auto all = client.campaigns();
    if (!all)
      return report(all.err(), as_json, out, err);
    if (as_json) {
      auto arr = json::array();
      for (auto& s : *all)
        arr.push_back(status_json(s));
      out << arr.dump() << "\n";
    } else {
      out << std::left << std::setw(24) << "CAMPAIGN" << std::setw(11) << "STATE"
          << std::setw(12) << "PROCESSED" << std::setw(12) << "DELIVERED" << "TOTAL\n";
      for (auto& s : *all)
        out << std::left << std::setw(24) << s.id << std::setw(11) << s.state << std::setw(12)
            << s.processed << std::setw(12) << s.delivered << s.total << "\n";
    }
    return exit_ok;
  }
  if (args.size() == 4 && args[1] == "export") {
    std::ofstream file{args[3]};
    if (!file)
      return report(make_error(runtime::runtime_errc::usage,
                               "cannot write " + args[3] + ": " + std::strerror(errno)),
                    as_json, out, err);
    auto n = client.read_records("deliveries", args[2],
                                 [&](const std::string& line) { file << line << "\n"; });
    if (!n)
      return report(n.err(), as_json, out, err);
    file.close();
    if (!file)
      return report(make_error(runtime::runtime_errc::request_failed, "cannot write " + args[3]),
                    as_json, out, err);
    if (as_json)
      out << json{{"exported", *n}, {"file", args[3]}}.dump() << "\n";
    else
      out << "exported " << *n << " deliveries of " << args[2] << " to " << args[3] << "\n";
    return exit_ok;
  }
  if (args.size() != 3)
    return usage();
  const auto& verb = args[1];
  std::string arg = args[2];
  if (verb == "create") {
    std::ifstream file{arg};
    if (!file)
      return report(make_error(runtime::runtime_errc::usage,
                               "cannot read " + arg + ": " + std::strerror(errno)),
                    as_json, out, err);
    std::stringstream text;
    text << file.rdbuf();
    arg = text.str();
  } else if (verb != "start" && verb != "pause" && verb != "resume" && verb != "cancel"
             && verb != "status") {
    return usage();
  }
  auto s = client.campaign(verb, arg);
  if (!s)
    return report(s.err(), as_json, out, err);
  if (watch && verb == "status") {
    bool tty = ::isatty(STDOUT_FILENO) == 1 && !as_json;
    std::size_t drawn = 0;
    while (!campaign::is_final(s->state) && s->state != campaign::campaign_state::paused) {
      if (tty)
        drawn = draw_watch_frame(*s, by_node, drawn, out);
      std::this_thread::sleep_for(std::chrono::milliseconds(500));
      s = client.campaign("status", args[2]);
      if (!s)
        return report(s.err(), as_json, out, err);
    }
    if (tty)
      erase_lines(drawn, out);
  }
  if (as_json) {
    auto j = status_json(*s);
    if (by_node)
      j["nodes"] = s->by_node;
    out << j.dump() << "\n";
  } else {
    print_status(*s, out);
    if (by_node)
      print_by_node(*s, out);
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
    return make_error(runtime::runtime_errc::usage, "unterminated quote at position "
                                             + std::to_string(quote_at + 1));
  if (in_word)
    words.push_back(std::move(word));
  return words;
}

namespace {

/// `customer get ID`, `customer export ID [FILE]`, `customer delete ID`.
int run_customer(shell_client& client, const std::vector<std::string>& args, bool as_json,
                 std::ostream& out, std::ostream& err) {
  const auto& verb = args[1];
  const auto& id = args[2];
  if (verb == "get") {
    auto record = client.customer(id);
    if (!record)
      return report(record.err(), as_json, out, err);
    out << (as_json ? *record : json::parse(*record).dump(2)) << "\n";
    return exit_ok;
  }
  if (verb == "export") {
    auto held = client.export_customer(id);
    if (!held)
      return report(held.err(), as_json, out, err);
    auto doc = json::parse(*held);
    if (doc["customer"].is_null() && doc["deliveries"].empty() && doc["dead_letters"].empty()
        && doc["events"].empty())
      return report(make_error(runtime::runtime_errc::request_failed,
                               "nothing is held about customer '" + id + "'"),
                    as_json, out, err);
    if (args.size() == 3) {
      out << (as_json ? *held : doc.dump(2)) << "\n";
      return exit_ok;
    }
    const auto& path = args[3];
    std::ofstream file{path};
    if (!file)
      return report(make_error(runtime::runtime_errc::request_failed,
                               "cannot write " + path + ": " + std::strerror(errno)),
                    as_json, out, err);
    // Personal data: readable by its owner only.
    std::error_code ignored;
    std::filesystem::permissions(path,
                                 std::filesystem::perms::owner_read
                                   | std::filesystem::perms::owner_write,
                                 ignored);
    file << doc.dump(2) << "\n";
    file.close();
    if (!file)
      return report(make_error(runtime::runtime_errc::request_failed, "cannot write " + path),
                    as_json, out, err);
    if (as_json)
      out << json{{"exported", id}, {"file", path}}.dump() << "\n";
    else
      out << "exported customer " << id << " (" << (doc["customer"].is_null() ? 0 : 1)
          << " record, " << doc["deliveries"].size() << " deliveries, "
          << doc["dead_letters"].size() << " dead letters, " << doc["events"].size()
          << " events) to " << path << "\n";
    return exit_ok;
  }
  auto erased = client.erase_customer(id);
  if (!erased)
    return report(erased.err(), as_json, out, err);
  if (as_json) {
    out << *erased << "\n";
    return exit_ok;
  }
  auto doc = json::parse(*erased);
  if (!doc["customer"].get<bool>() && doc["deliveries"] == 0 && doc["dead_letters"] == 0
      && doc["events"] == 0) {
    out << "nothing is held about customer " << id
        << " on any member (erased already, or never imported)\n";
    return exit_ok;
  }
  auto line = [](const json& e) {
    uint64_t deliveries = e["deliveries"], dead = e["dead_letters"], events = e["events"];
    return std::string{e["customer"].get<bool>() ? "record" : "no record"} + ", "
           + std::to_string(deliveries) + " deliveries, " + std::to_string(dead)
           + " dead letters, " + std::to_string(events) + " events";
  };
  out << "erased customer " << id << ": " << line(doc) << "\n";
  for (auto& m : doc["members"])
    out << "  " << m["node"].get<std::string>() << "  " << line(m) << "\n";
  out << "(audit records that name the customer stay: the audit chain cannot lose records)\n";
  return exit_ok;
}

} // namespace

std::string shell_help() {
  return "Commands:\n"
         "  health        the node's id, uptime, storage state, schema version, readiness\n"
         "  actors        the supervision tree: name, state, restarts, mailbox depth\n"
         "  breakers      every circuit breaker: state, error rate, last transition\n"
         "  nodes         the cluster's members: id, address, state, shards, customers,\n"
         "                last heartbeat (the same view from any member)\n"
         "  node drain ID hand member ID's shards to the others; it then exits\n"
         "  customer get ID   one customer's record (JSON), from the member that owns it\n"
         "  customer export ID [FILE]   everything held about a customer: record,\n"
         "                deliveries, dead letters, events (JSON; to FILE if given)\n"
         "  customer delete ID   erase a customer everywhere (GDPR): record, deliveries,\n"
         "                dead letters, events, on every member\n"
         "  import customers FILE   import JSON Lines; bad lines are reported by number\n"
         "  import corpus FILE      import content documents (JSON Lines)\n"
         "  segment count 'PREDICATE'   how many customers the predicate selects\n"
         "  campaign create FILE        validate and store a campaign (JSON spec)\n"
         "  campaign start|pause|resume|cancel ID\n"
         "  campaign status ID [--watch] [--by-node]   progress and counts over every node;\n"
         "                --watch follows it, --by-node adds a line per node\n"
         "  campaign list\n"
         "  campaign export ID FILE     the campaign's deliveries as JSON Lines\n"
         "  deadletters list CAMPAIGN   customers that failed, with stage and reason\n"
         "  deadletters replay CAMPAIGN run them through the pipeline once more\n"
         "  campaign report ID [--by FIELD]  experiment result per arm: rate, lift, z, p,\n"
         "                              95% CI, sample-ratio check; FIELD breaks it down\n"
         "  event ingest FILE           conversions, opens, clicks (JSON Lines)\n"
         "  audit verify                check the hash chain of the audit log\n"
         "  help          this text\n"
         "  quit, exit    leave the interactive shell\n"
         "Options that apply to every command: --json (machine-readable output).\n";
}

int run_command(const std::string& line, bool json_mode, const client_source& client,
                std::ostream& out, std::ostream& err) {
  auto words = split_command_line(line);
  if (!words)
    return report(words.err(), json_mode, out, err);
  // `--json` (and `--watch`) may be written after the command.
  std::vector<std::string> args;
  bool watch = false;
  bool by_node = false;
  for (auto& w : *words) {
    if (w == "--json")
      json_mode = true;
    else if (w == "--watch")
      watch = true;
    else if (w == "--by-node")
      by_node = true;
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
  using runner = int (*)(shell_client&, bool, std::ostream&, std::ostream&);
  static const std::vector<std::pair<std::string, runner>> no_argument_commands{
    {"health", run_health}, {"actors", run_actors}, {"breakers", run_breakers},
    {"nodes", run_nodes}};
  for (const auto& [command, run] : no_argument_commands) {
    if (name != command)
      continue;
    if (args.size() != 1)
      return report(make_error(runtime::runtime_errc::usage, command + " takes no arguments"),
                    json_mode, out, err);
    auto c = client();
    if (!c)
      return report(c.err(), json_mode, out, err);
    return run(**c, json_mode, out, err);
  }
  if (name == "import") {
    if (args.size() != 3 || (args[1] != "customers" && args[1] != "corpus"))
      return report(make_error(runtime::runtime_errc::usage,
                               "usage: import customers FILE | import corpus FILE"),
                    json_mode, out, err);
    auto c = client();
    if (!c)
      return report(c.err(), json_mode, out, err);
    return run_import(**c, args[1], args[2], json_mode, out, err);
  }
  if (name == "campaign" && args.size() >= 2 && args[1] == "report") {
    bool by = args.size() == 5 && args[3] == "--by";
    if (args.size() != 3 && !by)
      return report(make_error(runtime::runtime_errc::usage, "usage: campaign report ID [--by FIELD]"),
                    json_mode, out, err);
    auto c = client();
    if (!c)
      return report(c.err(), json_mode, out, err);
    auto r = (*c)->report(args[2], by ? args[4] : std::string{});
    if (!r)
      return report(r.err(), json_mode, out, err);
    if (json_mode)
      out << report_to_json(*r).dump() << "\n";
    else
      out << report_to_text(*r);
    return exit_ok;
  }
  if (name == "campaign") {
    auto c = client();
    if (!c)
      return report(c.err(), json_mode, out, err);
    return run_campaign(**c, args, watch, by_node, json_mode, out, err);
  }
  if (name == "customer") {
    bool valid = (args.size() == 3 && (args[1] == "get" || args[1] == "delete"))
                 || ((args.size() == 3 || args.size() == 4) && args[1] == "export");
    if (!valid)
      return report(make_error(runtime::runtime_errc::usage,
                               "usage: customer get ID | customer export ID [FILE] | "
                               "customer delete ID"),
                    json_mode, out, err);
    auto c = client();
    if (!c)
      return report(c.err(), json_mode, out, err);
    return run_customer(**c, args, json_mode, out, err);
  }
  if (name == "node") {
    if (args.size() != 3 || args[1] != "drain")
      return report(make_error(runtime::runtime_errc::usage, "usage: node drain ID"), json_mode, out,
                    err);
    auto c = client();
    if (!c)
      return report(c.err(), json_mode, out, err);
    auto text = (*c)->drain(args[2]);
    if (!text)
      return report(text.err(), json_mode, out, err);
    if (json_mode)
      out << json{{"draining", args[2]}, {"message", *text}}.dump() << "\n";
    else
      out << *text << "\n";
    return exit_ok;
  }
  if (name == "event") {
    if (args.size() != 3 || args[1] != "ingest")
      return report(make_error(runtime::runtime_errc::usage, "usage: event ingest FILE"), json_mode, out,
                    err);
    auto c = client();
    if (!c)
      return report(c.err(), json_mode, out, err);
    return run_import(**c, "events", args[2], json_mode, out, err);
  }
  if (name == "audit") {
    if (args.size() != 2 || args[1] != "verify")
      return report(make_error(runtime::runtime_errc::usage, "usage: audit verify"), json_mode, out, err);
    auto c = client();
    if (!c)
      return report(c.err(), json_mode, out, err);
    auto v = (*c)->verify_audit();
    if (!v)
      return report(v.err(), json_mode, out, err);
    if (json_mode) {
      json j{{"records", v->records}, {"intact", v->intact}};
      if (!v->intact)
        j["broken_at"] = v->broken_at, j["reason"] = v->reason;
      out << j.dump() << "\n";
    } else if (v->intact) {
      out << "audit chain intact: " << v->records << " records\n";
    } else {
      out << "audit chain BROKEN at record " << v->broken_at << ": " << v->reason << " ("
          << v->records << " records before it are intact)\n";
    }
    return v->intact ? exit_ok : exit_failed;
  }
  if (name == "deadletters") {
    if (args.size() != 3 || (args[1] != "list" && args[1] != "replay"))
      return report(make_error(runtime::runtime_errc::usage,
                               "usage: deadletters list CAMPAIGN | deadletters replay CAMPAIGN"),
                    json_mode, out, err);
    auto c = client();
    if (!c)
      return report(c.err(), json_mode, out, err);
    if (args[1] == "replay") {
      auto r = (*c)->replay_dead_letters(args[2]);
      if (!r)
        return report(r.err(), json_mode, out, err);
      if (json_mode)
        out << json{{"tried", r->tried},     {"delivered", r->delivered},
                    {"blocked", r->blocked}, {"skipped", r->skipped},
                    {"failed", r->failed}}
                 .dump()
            << "\n";
      else
        out << "replayed " << r->tried << " dead letters: " << r->delivered << " delivered, "
            << r->blocked << " blocked, " << r->skipped << " no longer selected, " << r->failed
            << " failed again\n";
      return exit_ok;
    }
    auto all = json::array();
    auto n = (*c)->read_records("dead_letters", args[2], [&](const std::string& line) {
      if (json_mode)
        all.push_back(json::parse(line));
      else
        out << line << "\n";
    });
    if (!n)
      return report(n.err(), json_mode, out, err);
    if (json_mode)
      out << all.dump() << "\n";
    else if (*n == 0)
      out << "no dead letters for " << args[2] << "\n";
    return exit_ok;
  }
  if (name == "segment") {
    if (args.size() != 3 || args[1] != "count")
      return report(make_error(runtime::runtime_errc::usage,
                               "usage: segment count 'PREDICATE' (quote the predicate)"),
                    json_mode, out, err);
    auto c = client();
    if (!c)
      return report(c.err(), json_mode, out, err);
    return run_segment_count(**c, args[2], json_mode, out, err);
  }
  return report(make_error(runtime::runtime_errc::usage,
                           "unknown command '" + name + "' (type help for the list)"),
                json_mode, out, err);
}

} // namespace troupe::shell
