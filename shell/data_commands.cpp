// Data into the node and questions over it: import customers|corpus,
// event ingest, segment count.

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <ostream>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "runtime/runtime_error.hpp"
#include "shell/answer.hpp"
#include "shell/handlers.hpp"

namespace troupe::shell {

namespace {

using json = nlohmann::json;

void print_import(const customers::import_result& r, const std::string& kind,
                  std::ostream& out) {
  if (kind == "events") {
    out << "ingested " << r.imported << " events (" << r.duplicates
        << " duplicates not stored again; " << r.unmatched
        << " for customers the campaign never delivered to: kept, not counted in the report; "
        << r.unknown_customers << " of customers not imported: kept)"
        << ", rejected " << r.rejected << "\n";
    for (auto& e : r.errors)
      out << "  line " << e.line << ": " << e.reason << "\n";
    return;
  }
  out << "imported " << r.imported << " " << kind << ", rejected " << r.rejected;
  if (kind == "corpus")
    out << " (corpus version " << r.version << ": campaigns started from now on use it)";
  out << "\n";
  for (auto& e : r.errors)
    out << "  line " << e.line << ": " << e.reason << "\n";
  if (r.rejected > r.errors.size())
    out << "  (" << r.rejected - r.errors.size() << " more rejected lines not shown)\n";
}

json import_json(const customers::import_result& r, const std::string& kind) {
  auto errors = json::array();
  for (auto& e : r.errors)
    errors.push_back({{"line", e.line}, {"reason", e.reason}});
  json j{{"imported", r.imported}, {"rejected", r.rejected}, {"errors", errors}};
  if (kind == "events")
    j["duplicates"] = r.duplicates, j["unmatched"] = r.unmatched,
    j["unknown_customers"] = r.unknown_customers;
  if (kind == "corpus")
    j["version"] = r.version;
  return j;
}

/// Streams the file named by the first operand to the node as `kind`, with
/// a progress bar on a terminal.
int run_import(command_context& ctx, const std::string& kind) {
  const auto& path = ctx.operands[0];
  auto cannot_read = [&](const std::string& why) {
    return ctx.fail(
      runtime::make_error(runtime::runtime_errc::request_failed, "cannot read " + path + ": " + why));
  };
  std::error_code ec;
  // A directory opens as a stream that reads nothing: "imported 0", or an
  // empty corpus version committed.
  if (std::filesystem::is_directory(path, ec))
    return cannot_read("it is a directory");
  std::ifstream file{path};
  if (!file)
    return cannot_read(std::strerror(errno));
  auto size = std::filesystem::file_size(path, ec);
  bool bar = !ctx.json && ::isatty(STDERR_FILENO) == 1;
  auto& err = ctx.err;
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
  auto r = ctx.node->import_lines(kind, file, progress);
  if (bar)
    err << "\n";
  return answer(
    ctx, r, [&](const customers::import_result& done) { return import_json(done, kind); },
    [&](const customers::import_result& done, std::ostream& out) {
      print_import(done, kind, out);
    });
}

} // namespace

int run_import_customers(command_context& ctx) { return run_import(ctx, "customers"); }

int run_import_corpus(command_context& ctx) { return run_import(ctx, "corpus"); }

int run_event_ingest(command_context& ctx) { return run_import(ctx, "events"); }

int run_segment_count(command_context& ctx) {
  return answer(
    ctx, ctx.node->segment_count(ctx.operands[0]), [](uint64_t n) { return json{{"count", n}}; },
    [](uint64_t n, std::ostream& out) { out << n << "\n"; });
}

} // namespace troupe::shell
