// One customer: customer get, customer export, customer delete.

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <ostream>

#include <nlohmann/json.hpp>

#include "runtime/runtime_error.hpp"
#include "shell/answer.hpp"
#include "shell/private_file.hpp"
#include "shell/handlers.hpp"

namespace troupe::shell {

namespace {

using json = nlohmann::json;

error request_failed(std::string message) {
  return runtime::make_error(runtime::runtime_errc::request_failed, std::move(message));
}

/// Writes `doc` to `path`, readable by its owner only (personal data).
status write_private(const std::string& path, const json& doc) {
  std::ofstream file;
  if (auto opened = open_private(path, file); !opened)
    return opened;
  file << doc.dump(2) << "\n";
  file.close();
  if (!file)
    return request_failed("cannot write " + path);
  return {};
}

/// "record, 2 deliveries, 0 dead letters, 1 events" of one erase count.
std::string erased_line(const json& e) {
  uint64_t deliveries = e["deliveries"], dead = e["dead_letters"], events = e["events"];
  return std::string{e["customer"].get<bool>() ? "record" : "no record"} + ", "
         + std::to_string(deliveries) + " deliveries, " + std::to_string(dead)
         + " dead letters, " + std::to_string(events) + " events";
}

/// A node's JSON `text`, indented for reading.
void print_indented(const std::string& text, std::ostream& out) {
  out << json::parse(text).dump(2) << "\n";
}

/// What `customer delete` erased (`erased`: its JSON), per member.
void print_erased(const std::string& id, const std::string& erased, std::ostream& out) {
  auto doc = json::parse(erased);
  if (!doc["customer"].get<bool>() && doc["deliveries"] == 0 && doc["dead_letters"] == 0
      && doc["events"] == 0) {
    out << "nothing is held about customer " << id
        << " on any member (erased already, or never imported)\n";
    return;
  }
  out << "erased customer " << id << ": " << erased_line(doc) << "\n";
  for (auto& m : doc["members"])
    out << "  " << m["node_id"].get<std::string>() << "  " << erased_line(m) << "\n";
  out << "(audit records that name the customer stay: the audit chain cannot lose records)\n";
}

} // namespace

int run_customer_get(command_context& ctx) {
  return answer(ctx, ctx.node->customer(ctx.operands[0]), as_sent, print_indented);
}

int run_customer_export(command_context& ctx) {
  const auto& id = ctx.operands[0];
  auto held = ctx.node->export_customer(id);
  if (!held)
    return ctx.fail(held.err());
  auto doc = json::parse(*held);
  if (doc["customer"].is_null() && doc["deliveries"].empty() && doc["dead_letters"].empty()
      && doc["events"].empty())
    return ctx.fail(request_failed("nothing is held about customer '" + id + "'"));
  if (ctx.operands.size() == 1 || ctx.operands[1] == "-") // stdout
    return answer(ctx, held, as_sent, print_indented);
  const auto& path = ctx.operands[1];
  auto written = write_private(path, doc);
  if (!written)
    return ctx.fail(written.err());
  if (ctx.json)
    ctx.out << json{{"exported", id}, {"file", path}}.dump() << "\n";
  else
    ctx.out << "exported customer " << id << " (" << (doc["customer"].is_null() ? 0 : 1)
            << " record, " << doc["deliveries"].size() << " deliveries, "
            << doc["dead_letters"].size() << " dead letters, " << doc["events"].size()
            << " events) to " << path << "\n";
  return exit_ok;
}

int run_customer_delete(command_context& ctx) {
  const auto& id = ctx.operands[0];
  return answer(ctx, ctx.node->erase_customer(id), as_sent,
                [&](const std::string& erased, std::ostream& out) { print_erased(id, erased, out); });
}

} // namespace troupe::shell
