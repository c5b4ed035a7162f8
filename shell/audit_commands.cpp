// The audit chains and dead letters: audit verify, deadletters list,
// deadletters replay.

#include <ostream>

#include <nlohmann/json.hpp>

#include "shell/answer.hpp"
#include "shell/handlers.hpp"

namespace troupe::shell {

namespace {

using json = nlohmann::json;

json audit_json(const customers::audit_report& v) {
  json j{{"records", v.records},
         {"chains", v.chains},
         {"intact", v.intact},
         {"commands", v.commands},
         {"recent_commands", v.recent_commands}};
  if (!v.intact)
    j["broken_at"] = v.broken_at, j["broken_chain"] = v.broken_chain, j["reason"] = v.reason;
  return j;
}

void print_audit(const customers::audit_report& v, std::ostream& out) {
  if (v.intact)
    out << "audit chains intact: " << v.records << " records in " << v.chains
        << " chains (" << v.commands << " of them operators' commands)\n";
  else
    out << "audit chain BROKEN at record " << v.broken_at << " of " << v.broken_chain << ": "
        << v.reason << " (" << v.records << " records before it are intact)\n";
  if (!v.recent_commands.empty())
    out << "last commands:\n";
  for (const auto& line : v.recent_commands)
    out << "  " << line << "\n";
}

json replay_json(const campaign::replay_result& r) {
  return json{{"tried", r.tried},     {"delivered", r.delivered}, {"blocked", r.blocked},
              {"skipped", r.skipped}, {"failed", r.failed},       {"frequency_capped", r.capped}};
}

void print_replay(const campaign::replay_result& r, std::ostream& out) {
  out << "replayed " << r.tried << " dead letters: " << r.delivered << " delivered, "
      << r.blocked << " blocked, " << r.skipped << " no longer selected, " << r.failed
      << " failed again";
  if (r.capped > 0)
    out << ", " << r.capped << " over the frequency cap";
  out << "\n";
}

} // namespace

int run_audit_verify(command_context& ctx) {
  auto v = ctx.node->verify_audit();
  int status = answer(ctx, v, audit_json, print_audit);
  return v && !v->intact ? exit_failed : status;
}

int run_deadletters_list(command_context& ctx) {
  const auto& campaign = ctx.operands[0];
  auto all = json::array();
  auto n = ctx.node->read_records(customers::record_kind::dead_letters, campaign, [&](const std::string& line) {
    if (ctx.json)
      all.push_back(json::parse(line));
    else
      ctx.out << line << "\n";
  });
  return answer(
    ctx, n, [&](uint64_t) { return all; },
    [&](uint64_t count, std::ostream& out) {
      if (count == 0)
        out << "no dead letters for " << campaign << "\n";
    });
}

int run_deadletters_replay(command_context& ctx) {
  return answer(ctx, ctx.node->replay_dead_letters(ctx.operands[0]), replay_json, print_replay);
}

} // namespace troupe::shell
