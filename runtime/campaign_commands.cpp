#include "runtime/campaign_commands.hpp"


#include "actors/atoms.hpp"
#include "campaign/status_aggregation.hpp"

namespace troupe::runtime {

namespace {

/// The campaign's status over every member.
campaign::campaign_status
combine_status(const std::vector<member_answer<campaign::campaign_status>>& answers,
               const unreachable_members& unreachable) {
  std::vector<campaign::member_status> members;
  for (auto& a : answers)
    members.push_back({a.node, a.reply, a.error});
  return campaign::aggregate_status(members, unreachable, stalled_text(unreachable));
}

} // namespace

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

coordinator_work report_everywhere(gateway_context ctx, std::string id, std::string by,
                                   std::string cuped) {
  auto combine = [](const std::vector<member_answer<campaign::campaign_report>>& answers,
                    const unreachable_members& unreachable)
    -> caf::expected<campaign::campaign_report> {
    if (auto err = first_error(answers))
      return *err;
    if (!unreachable.empty())
      return runtime_failure(runtime_errc::not_everywhere,
                             "cannot report on every customer: " + stalled_text(unreachable));
    std::vector<campaign::campaign_report> parts;
    for (auto& a : answers)
      parts.push_back(*a.reply);
    auto merged = campaign::merge_reports(parts);
    if (!merged)
      return runtime_failure(runtime_errc::request_failed, merged.err().message());
    return std::move(*merged);
  };
  return everywhere<campaign::campaign_report>(
    std::move(ctx), node_part::storage, scan_timeout,
    caf::make_message(actors::report_atom::value, id, by, cuped),
    caf::make_message(cluster::local_atom::value, actors::report_atom::value, id, by, cuped),
    combine);
}

} // namespace troupe::runtime
