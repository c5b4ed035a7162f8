// Campaigns: create, start, pause, resume, cancel, status [--watch]
// [--by-node], list, export, report [--by FIELD].

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <chrono>
#include <cstring>
#include <ctime>
#include <fstream>
#include <iomanip>
#include <ostream>
#include <sstream>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "shell/private_file.hpp"
#include "runtime/runtime_error.hpp"
#include "runtime/api_json.hpp"
#include "shell/answer.hpp"
#include "campaign/lifecycle.hpp"
#include "campaign/report_statistics.hpp"
#include "shell/handlers.hpp"
#include "shell/report_format.hpp"
#include "shell/text_table.hpp"

namespace troupe::shell {

namespace {

using json = nlohmann::json;

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

/// "arms       control 120  variant 118  (sample ratio p = 0.89)", with a
/// warning when the audiences do not follow the weights.
std::string arms_line(const campaign::campaign_status& s) {
  if (s.arm_names.size() < 2 || s.triggered) // entries, not customers: no check
    return {};
  std::ostringstream out;
  std::vector<uint64_t> audiences;
  out << "arms      ";
  for (std::size_t i = 0; i < s.arm_names.size(); ++i) {
    audiences.push_back(i < s.arm_audience.size() ? s.arm_audience[i] : 0);
    out << " " << s.arm_names[i] << " " << audiences.back();
  }
  auto p = campaign::srm_p_value(audiences, s.arm_weights);
  if (!std::isfinite(p))
    out << "  (sample ratio: not checked yet)\n";
  else if (p < campaign::srm_threshold)
    out << "  SAMPLE RATIO MISMATCH (p = " << p
        << "): the audiences do not follow the weights; do not trust the report\n";
  else
    out << "  (sample ratio p = " << std::setprecision(3) << p << ")\n";
  return out.str();
}

void print_status(const campaign::campaign_status& s, std::ostream& out) {
  out << "campaign   " << s.id << " (" << s.name << ")\n"
      << "state      " << s.state << (s.reason.empty() ? "" : ": " + s.reason) << "\n"
      << (s.triggered ? "sends      " + std::to_string(s.processed) + " sent or settled, "
                          + std::to_string(s.pending) + " pending"
                      : "progress   " + progress_bar(s))
      << "\n"
      << "in segment " << s.in_segment << "  delivered " << s.delivered << "  blocked "
      << s.blocked << "  failed " << s.failed << "  skipped " << s.skipped
      << (s.held_out > 0 ? "  held out " + std::to_string(s.held_out) : std::string{})
      << (s.pending > 0 ? "  pending " + std::to_string(s.pending) : std::string{}) << "\n"
      << (s.triggered ? "journeys   entered " + std::to_string(s.entered)
                          + "  cancelled " + std::to_string(s.cancelled) + "  frequency capped "
                          + std::to_string(s.capped) + "  held by quiet hours "
                          + std::to_string(s.held) + "\n"
                      : std::string{})
      << arms_line(s)
      << "rate       " << static_cast<uint64_t>(s.rate_per_min) << " customers/min\n"
      << "started    " << iso_time(s.started_at_ms) << "   finished "
      << iso_time(s.finished_at_ms) << "\n";
}

void print_by_node(const campaign::campaign_status& s, std::ostream& out) {
  for (auto& part : s.by_node)
    out << "  node " << campaign::by_node_line(part) << "\n";
}

void print_list(const std::vector<campaign::campaign_status>& all, std::ostream& out) {
  text_table table{{24, 11, 12, 12}};
  table.row(out, {"CAMPAIGN", "STATE", "PROCESSED", "DELIVERED", "TOTAL"});
  for (const auto& s : all)
    table.row(out, {s.id, campaign::to_string(s.state), std::to_string(s.processed),
                    std::to_string(s.delivered), std::to_string(s.total)});
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
    for (auto& part : s.by_node) {
      out << "  node " << campaign::by_node_line(part) << "\n";
      ++lines;
    }
  if (!s.reason.empty()) {
    out << "  " << s.reason << "\n";
    ++lines;
  }
  out << std::flush;
  return lines;
}


/// True if `--watch` draws on a terminal; else it streams JSON Lines.
bool watch_draws(const command_context& ctx) { return ::isatty(STDOUT_FILENO) == 1 && !ctx.json; }

/// Asks for the campaign's status until it ends or pauses, redrawing it on
/// a terminal, else (or with --json) streaming each as a JSON line; gives
/// the last status. The node going away or Ctrl-C ends it at once, between
/// polls too.
result<campaign::campaign_status> watch(command_context& ctx, campaign::campaign_status s) {
  bool tty = watch_draws(ctx);
  std::size_t drawn = 0;
  while (!campaign::is_final(s.state) && s.state != campaign::campaign_state::paused) {
    if (tty) {
      drawn = draw_watch_frame(s, ctx.has("--by-node"), drawn, ctx.out);
    } else {
      ctx.out << runtime::campaign_status_json(s, ctx.has("--by-node")).dump() << "\n"
              << std::flush;
    }
    auto slept = ctx.node->pause(std::chrono::milliseconds(500));
    auto next = slept ? ctx.node->campaign("status", ctx.operands[0])
                      : result<campaign::campaign_status>{slept.err()};
    if (!next) {
      if (tty)
        erase_lines(drawn, ctx.out);
      return next;
    }
    s = std::move(*next);
  }
  if (tty)
    erase_lines(drawn, ctx.out);
  return s;
}

} // namespace

int run_campaign_lifecycle(command_context& ctx) {
  std::string arg = ctx.operands[0];
  if (ctx.subcommand == "create") {
    std::ifstream file{arg};
    if (!file)
      return ctx.fail(runtime::make_error(runtime::runtime_errc::request_failed,
                                          "cannot read " + arg + ": " + std::strerror(errno)));
    std::stringstream text;
    text << file.rdbuf();
    arg = text.str();
  }
  auto s = ctx.node->campaign(ctx.subcommand, arg);
  bool by_node = ctx.has("--by-node");
  if (s && ctx.has("--watch")) {
    s = watch(ctx, std::move(*s));
    if (s && !watch_draws(ctx)) { // the stream's last line: the final status
      ctx.out << runtime::campaign_status_json(*s, by_node).dump() << "\n";
      return exit_ok;
    }
  }
  return answer(
    ctx, s,
    [&](const campaign::campaign_status& status) {
      return runtime::campaign_status_json(status, by_node);
    },
    [&](const campaign::campaign_status& status, std::ostream& out) {
      print_status(status, out);
      if (by_node)
        print_by_node(status, out);
    });
}

int run_campaign_list(command_context& ctx) {
  return answer(
    ctx, ctx.node->campaigns(),
    json_each([](const campaign::campaign_status& s) { return runtime::campaign_status_json(s); }),
    print_list);
}

int run_campaign_export(command_context& ctx) {
  const auto& id = ctx.operands[0];
  const auto& path = ctx.operands[1];
  bool to_stdout = path == "-"; // the records on stdout, the summary on stderr
  std::ofstream file; // deliveries hold personal data: 0600
  if (!to_stdout)
    if (auto opened = open_private(path, file); !opened)
      return ctx.fail(opened.err());
  std::ostream& records = to_stdout ? ctx.out : file;
  auto n = ctx.node->read_records(customers::record_kind::deliveries, id,
                                  [&](const std::string& line) { records << line << "\n"; });
  if (!n)
    return ctx.fail(n.err());
  records.flush();
  if (!to_stdout)
    file.close();
  if (!records || (!to_stdout && !file))
    return ctx.fail(
      runtime::make_error(runtime::runtime_errc::request_failed, "cannot write " + path));
  auto& summary = to_stdout ? ctx.err : ctx.out;
  if (ctx.json)
    summary << json{{"exported", *n}, {"file", path}}.dump() << "\n";
  else
    summary << "exported " << *n << " deliveries of " << id << " to "
            << (to_stdout ? std::string{"stdout"} : path) << "\n";
  return exit_ok;
}

int run_campaign_report(command_context& ctx) {
  campaign::report_options options;
  options.sequential = ctx.has("--sequential");
  options.bayesian = ctx.has("--bayesian");
  if (auto prior = ctx.value("--prior-sd"); !prior.empty()) {
    char* end = nullptr;
    options.prior_sd = std::strtod(prior.c_str(), &end);
    if (end == prior.c_str() || *end != '\0' || !(options.prior_sd >= 1e-6)
        || !(options.prior_sd <= 1e6))
      return ctx.fail(runtime::make_error(runtime::runtime_errc::usage,
                                          "--prior-sd must be a number from 1e-6 to 1e6, not '"
                                            + prior + "'"));
    if (!options.bayesian)
      return ctx.fail(runtime::make_error(runtime::runtime_errc::usage,
                                          "--prior-sd goes with --bayesian"));
  }
  campaign::report_query query{ctx.value("--by"), ctx.value("--cuped")};
  return answer(ctx, ctx.node->report(ctx.operands[0], query, options), report_to_json,
                [](const campaign::campaign_report& r, std::ostream& out) {
                  out << report_to_text(r);
                });
}

} // namespace troupe::shell
