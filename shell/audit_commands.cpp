// The audit chain and dead letters: audit verify, deadletters list,
// deadletters replay.

#include <ostream>

#include <nlohmann/json.hpp>

#include "shell/commands.hpp"
#include "shell/handlers.hpp"

namespace troupe::shell {

using json = nlohmann::json;

int run_audit_verify(command_context& ctx) {
  auto v = ctx.node->verify_audit();
  if (!v)
    return ctx.fail(v.err());
  if (ctx.json) {
    json j{{"records", v->records}, {"intact", v->intact}};
    if (!v->intact)
      j["broken_at"] = v->broken_at, j["reason"] = v->reason;
    ctx.out << j.dump() << "\n";
  } else if (v->intact) {
    ctx.out << "audit chain intact: " << v->records << " records\n";
  } else {
    ctx.out << "audit chain BROKEN at record " << v->broken_at << ": " << v->reason << " ("
            << v->records << " records before it are intact)\n";
  }
  return v->intact ? exit_ok : exit_failed;
}

int run_deadletters_list(command_context& ctx) {
  const auto& campaign = ctx.operands[0];
  auto all = json::array();
  auto n = ctx.node->read_records("dead_letters", campaign, [&](const std::string& line) {
    if (ctx.json)
      all.push_back(json::parse(line));
    else
      ctx.out << line << "\n";
  });
  if (!n)
    return ctx.fail(n.err());
  if (ctx.json)
    ctx.out << all.dump() << "\n";
  else if (*n == 0)
    ctx.out << "no dead letters for " << campaign << "\n";
  return exit_ok;
}

int run_deadletters_replay(command_context& ctx) {
  auto r = ctx.node->replay_dead_letters(ctx.operands[0]);
  if (!r)
    return ctx.fail(r.err());
  if (ctx.json)
    ctx.out << json{{"tried", r->tried},     {"delivered", r->delivered},
                    {"blocked", r->blocked}, {"skipped", r->skipped},
                    {"failed", r->failed}}
                 .dump()
            << "\n";
  else
    ctx.out << "replayed " << r->tried << " dead letters: " << r->delivered << " delivered, "
            << r->blocked << " blocked, " << r->skipped << " no longer selected, " << r->failed
            << " failed again\n";
  return exit_ok;
}

} // namespace troupe::shell
