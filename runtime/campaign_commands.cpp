#include "runtime/campaign_commands.hpp"

#include <set>

#include "actors/atoms.hpp"

namespace troupe::runtime {

caf::message manager_message(const cluster::campaign_command& cmd) {
  using cluster::campaign_verb;
  auto id = cmd.campaign.str();
  switch (cmd.verb) {
    case campaign_verb::create: return caf::make_message(actors::create_atom::value, cmd.spec);
    case campaign_verb::start: return caf::make_message(actors::start_atom::value, id);
    case campaign_verb::pause: return caf::make_message(actors::pause_atom::value, id);
    case campaign_verb::resume: return caf::make_message(actors::resume_atom::value, id);
    case campaign_verb::cancel: return caf::make_message(actors::cancel_atom::value, id);
    case campaign_verb::status: return caf::make_message(actors::status_atom::value, id);
  }
  return caf::make_message(actors::status_atom::value, id);
}

campaign::campaign_status
combine_status(const std::vector<member_answer<campaign::campaign_status>>& answers,
               const unreachable_members& unreachable) {
  campaign::campaign_status out;
  std::set<std::string> states;
  for (auto& a : answers) {
    if (!a.reply) {
      out.by_node.push_back(a.node + "  error: " + a.error);
      continue;
    }
    auto& s = *a.reply;
    out.id = s.id;
    out.name = s.name;
    states.insert(s.state);
    out.total += s.total;
    out.processed += s.processed;
    out.in_segment += s.in_segment;
    out.delivered += s.delivered;
    out.blocked += s.blocked;
    out.skipped += s.skipped;
    out.failed += s.failed;
    out.rate_per_min += s.rate_per_min;
    if (s.started_at_ms != 0 && (out.started_at_ms == 0 || s.started_at_ms < out.started_at_ms))
      out.started_at_ms = s.started_at_ms;
    out.finished_at_ms = std::max(out.finished_at_ms, s.finished_at_ms);
    if (!s.reason.empty())
      out.reason += (out.reason.empty() ? "" : "; ") + a.node + ": " + s.reason;
    out.by_node.push_back(a.node + "  " + s.state + "  processed " + std::to_string(s.processed)
                          + " / " + std::to_string(s.total) + "  delivered "
                          + std::to_string(s.delivered) + "  blocked "
                          + std::to_string(s.blocked) + "  failed "
                          + std::to_string(s.failed));
  }
  // One state for the whole: a single one if all agree, else the one that
  // still has work (running, then paused), else the worst ending.
  if (states.size() == 1)
    out.state = *states.begin();
  else
    for (auto candidate : {"failed", "running", "paused", "created", "cancelled", "completed"})
      if (states.count(candidate) > 0) {
        out.state = candidate;
        break;
      }
  if (!unreachable.empty()) {
    if (out.state == "completed")
      out.state = "running";
    out.reason += (out.reason.empty() ? "stalled: " : "; stalled: ") + stalled_text(unreachable);
    for (auto& [node, shards] : unreachable)
      out.by_node.push_back(node + "  unreachable  " + std::to_string(shards.size())
                            + " shards stalled");
  }
  if (out.state != "completed")
    out.finished_at_ms = 0;
  else
    out.total = out.processed; // shards moved mid-run were counted where they started
  return out;
}

coordinator_work campaign_everywhere(gateway_context ctx, cluster::campaign_command cmd) {
  using answers_t = std::vector<member_answer<campaign::campaign_status>>;
  auto combine = [](const answers_t& answers,
                    const unreachable_members& unreachable)
    -> caf::expected<campaign::campaign_status> {
    // A command every member refused is an error (e.g. a bad spec);
    // otherwise the combined status says which member failed.
    bool any = false;
    for (auto& a : answers)
      any = any || a.reply.has_value();
    if (!any)
      return *first_error(answers);
    return combine_status(answers, unreachable);
  };
  return everywhere<campaign::campaign_status>(
    std::move(ctx), node_part::campaigns, campaign_timeout, manager_message(cmd),
    caf::make_message(cluster::local_atom::value, cmd), combine);
}

coordinator_work list_everywhere(gateway_context ctx) {
  using list_t = std::vector<campaign::campaign_status>;
  auto combine = [](const std::vector<member_answer<list_t>>& answers,
                    const unreachable_members& unreachable) -> caf::expected<list_t> {
    if (auto err = first_error(answers))
      return *err;
    std::map<std::string, std::vector<member_answer<campaign::campaign_status>>> by_id;
    for (auto& a : answers)
      for (auto& s : *a.reply)
        by_id[s.id].push_back({a.node, s, {}, {}});
    list_t out;
    for (auto& [id, per_node] : by_id)
      out.push_back(combine_status(per_node, unreachable));
    return out;
  };
  return everywhere<list_t>(std::move(ctx), node_part::campaigns, campaign_timeout,
                            caf::make_message(actors::list_atom::value),
                            caf::make_message(cluster::local_atom::value,
                                              actors::list_atom::value),
                            combine);
}

coordinator_work count_everywhere(gateway_context ctx, std::string predicate) {
  auto combine = [](const std::vector<member_answer<uint64_t>>& answers,
                    const unreachable_members& unreachable) -> caf::expected<uint64_t> {
    if (auto err = first_error(answers))
      return *err;
    if (!unreachable.empty())
      return runtime_failure(runtime_errc::not_everywhere,
                             "cannot count every customer: " + stalled_text(unreachable));
    uint64_t sum = 0;
    for (auto& a : answers)
      sum += *a.reply;
    return sum;
  };
  return everywhere<uint64_t>(std::move(ctx), node_part::storage, scan_timeout,
                              caf::make_message(actors::count_atom::value, predicate),
                              caf::make_message(cluster::local_atom::value,
                                                actors::count_atom::value, predicate),
                              combine);
}

} // namespace troupe::runtime
