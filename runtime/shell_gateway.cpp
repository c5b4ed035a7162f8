#include "runtime/shell_gateway.hpp"
#include "runtime/shell_door.hpp"

#include <caf/all.hpp>

#include "actors/actor_error.hpp"
#include "runtime/breaker_survey.hpp"
#include "segment/predicate.hpp"
#include "campaign/spec.hpp"
#include "campaign/trigger_spec.hpp"
#include "runtime/campaign_commands.hpp"
#include "runtime/field_check.hpp"
#include "runtime/member_counts.hpp"
#include "runtime/coordinator.hpp"
#include "runtime/corpus_agreement.hpp"
#include "runtime/customer_eraser.hpp"
#include "customers/import_limits.hpp"
#include "runtime/customer_routing.hpp"
#include "runtime/import_router.hpp"
#include "runtime/local_ask.hpp"

namespace troupe::runtime {

namespace {

using self_ptr = shell_api::pointer;

caf::result<campaign::campaign_status> campaign_command(self_ptr self, const gateway_context& ctx,
                                                        cluster::campaign_command cmd) {
  // A batch campaign's segment names only fields some customer has
  // (runtime/field_check); a spec that does not parse is refused by the
  // managers, naming what is wrong.
  std::vector<std::string> attributes;
  if (cmd.verb == cluster::campaign_verb::create)
    if (auto spec = campaign::parse_campaign_spec(cmd.spec);
        spec && !campaign::is_triggered(*spec) && !spec->segment().empty())
      if (auto p = segment::predicate::compile(spec->segment(),
                                               static_cast<int>(ctx.limits.max_predicate_depth)))
        attributes = p->attribute_names();
  return coordinate<campaign::campaign_status>(
    self, campaign_timeout + std::chrono::seconds(20),
    fields_known_then(ctx, std::move(attributes), campaign_everywhere(ctx, std::move(cmd))));
}

/// Starts `work` and answers with its answer as the shell shows it (`to_json`).
/// Asks `target` and answers with its answer as the shell shows it (`to_json`).
template <class Answer, class Handle, class ToJson, class... Ts>
caf::result<std::string> ask_as_json(self_ptr self, const Handle& target, ToJson to_json,
                                     Ts... xs) {
  auto rp = self->make_response_promise<std::string>();
  self->request(target, ask_timeout * 2, xs...)
    .then(
      [rp, to_json](Answer& a) mutable {
        caf::expected<std::string> json = to_json(a);
        if (json)
          rp.deliver(std::move(*json));
        else
          rp.deliver(std::move(json.error()));
      },
      [rp](caf::error& err) mutable { rp.deliver(std::move(err)); });
  return rp;
}

/// Starts `work` and answers with its answer as the shell shows it.
template <class Answer, class ToJson>
caf::result<std::string> coordinate_as_json(self_ptr self, coordinator_work work, ToJson to_json) {
  return ask_as_json<Answer>(self, spawn_coordinator(self->system(), std::move(work)),
                             std::move(to_json), caf::get_atom::value);
}

cluster::campaign_command command(cluster::campaign_verb verb, campaign_id id) {
  cluster::campaign_command cmd;
  cmd.verb = verb;
  cmd.campaign = std::move(id);
  return cmd;
}

shell_api::behavior_type shell_gateway_impl(self_ptr self, gateway_context ctx) {
  using cluster::campaign_verb;
  auto campaign = [self, ctx](campaign_verb verb, campaign_id& id) {
    return campaign_command(self, ctx, command(verb, std::move(id)));
  };
  return {
    [self, ctx](cluster::health_atom) {
      auto info = health_of(*ctx.status, ctx.members ? ctx.members->get() : nullptr);
      if (ctx.peers) {
        auto who = ctx.peers->who(self->current_sender(), self->home_system().node());
        info.caller = who ? who->name + " (" + std::string{trust::to_string(who->role)} + ")"
                          : "unknown";
      }
      return info;
    },
    [self, ctx](cluster::tree_atom) {
      return relay<std::vector<actors::actor_entry>>(self, *ctx.guardian, ask_timeout,
                                                     actors::tree_atom::value);
    },
    [self, ctx](cluster::breakers_atom) {
      return coordinate<std::vector<actors::breaker_status>>(self, ask_timeout * 3,
                                                             survey_breakers(ctx));
    },
    [self, ctx](cluster::import_atom, customers::import_chunk& chunk)
      -> caf::result<customers::import_result> {
      if (auto breach = customers::chunk_over_limit(chunk, ctx.limits))
        return actors::make_caf_error(actors::actors_errc::bad_request,
                                      *breach);
      if (chunk.kind == customers::import_kind::customers
          || chunk.kind == customers::import_kind::events)
        return coordinate<customers::import_result>(self, std::chrono::seconds(600),
                                                    route_import(ctx, std::move(chunk)));
      if (!cluster_of(ctx))
        return ask_local<customers::import_result>(self, ctx, node_part::storage, import_timeout,
                                                   actors::import_atom::value, std::move(chunk));
      return coordinate<customers::import_result>(self, import_timeout * 3,
                                                  corpus_everywhere(ctx, std::move(chunk)));
    },
    [self, ctx](cluster::count_atom, std::string& predicate) -> caf::result<uint64_t> {
      if (auto breach = config::predicate_over_limit(predicate, ctx.limits))
        return actors::make_caf_error(actors::actors_errc::bad_request, *breach);
      // Compiled here too, with the node's nesting limit: a bad predicate
      // is refused before any member scans.
      auto p = segment::predicate::compile(predicate,
                                           static_cast<int>(ctx.limits.max_predicate_depth));
      if (!p)
        return actors::make_caf_error(actors::actors_errc::bad_request,
                                      "bad predicate " + p.err().message());
      auto attributes = p->attribute_names();
      return coordinate<uint64_t>(
        self, scan_timeout + std::chrono::seconds(20),
        fields_known_then(ctx, std::move(attributes), count_everywhere(ctx, std::move(predicate))));
    },
    [self, ctx](cluster::create_atom, std::string& spec) {
      cluster::campaign_command cmd;
      cmd.verb = campaign_verb::create;
      cmd.spec = std::move(spec);
      return campaign_command(self, ctx, std::move(cmd));
    },
    [campaign](cluster::start_atom, campaign_id& id) { return campaign(campaign_verb::start, id); },
    [campaign](cluster::pause_atom, campaign_id& id) { return campaign(campaign_verb::pause, id); },
    [campaign](cluster::resume_atom, campaign_id& id) {
      return campaign(campaign_verb::resume, id);
    },
    [campaign](cluster::cancel_atom, campaign_id& id) {
      return campaign(campaign_verb::cancel, id);
    },
    [campaign](cluster::status_atom, campaign_id& id) {
      return campaign(campaign_verb::status, id);
    },
    [self, ctx](cluster::list_atom) -> caf::result<std::vector<campaign::campaign_status>> {
      return coordinate<std::vector<campaign::campaign_status>>(
        self, campaign_timeout + std::chrono::seconds(10), list_everywhere(ctx));
    },
    [self, ctx](cluster::page_atom, customers::record_kind kind, campaign_id& campaign,
                std::string& after, uint32_t limit) {
      return ask_local<customers::record_page>(self, ctx, node_part::storage, import_timeout,
                                               actors::page_atom::value, kind,
                                               campaign.str(), std::move(after), limit);
    },
    [self, ctx](cluster::replay_atom, campaign_id& id) {
      return ask_local<campaign::replay_result>(self, ctx, node_part::campaigns, scan_timeout,
                                                actors::replay_atom::value, id.str());
    },
    [self, ctx](cluster::report_atom, campaign_id& campaign, std::string& by,
                std::string& cuped) -> caf::result<campaign::campaign_report> {
      if (!cluster_of(ctx))
        return ask_local<campaign::campaign_report>(self, ctx, node_part::storage, scan_timeout,
                                                    actors::report_atom::value, campaign.str(),
                                                    std::move(by), std::move(cuped));
      return coordinate<campaign::campaign_report>(
        self, scan_timeout + std::chrono::seconds(20),
        report_everywhere(ctx, campaign.str(), std::move(by), std::move(cuped)));
    },
    [self, ctx](cluster::verify_atom) {
      return ask_local<customers::audit_report>(self, ctx, node_part::storage, scan_timeout,
                                                actors::verify_atom::value);
    },
    [self, ctx](cluster::customer_atom, customer_id& id) -> caf::result<std::string> {
      // The common case, answered without a coordinator: this node owns it.
      if (auto registry = registry_of(ctx); registry && owned_here(ctx, id))
        return ask_as_json<customers::customer_record>(
          self, registry,
          [id](const customers::customer_record& r) { return snapshot_to_json(snapshot_of(id, r)); },
          actors::peek_atom::value, id.str());
      return coordinate_as_json<cluster::customer_snapshot>(
        self, customer_lookup(ctx, std::move(id)),
        [](const cluster::customer_snapshot& s) { return snapshot_to_json(s); });
    },
    [self, ctx](cluster::export_atom, customer_id& id) {
      return coordinate_as_json<storage::holdings_bytes>(
        self, customer_export(ctx, std::move(id)),
        [](const storage::holdings_bytes& b) { return holdings_to_json(b); });
    },
    [self, ctx](cluster::erase_atom, customer_id& id) {
      return coordinate<std::string>(self, std::chrono::seconds(120),
                                     erase_everywhere(ctx, std::move(id)));
    },
    [self, ctx](cluster::shards_atom) {
      return ask_cluster<std::vector<cluster::shard_row>>(self, ctx, cluster::shards_atom::value);
    },
    [self, ctx](cluster::nodes_atom) {
      return coordinate<std::vector<cluster::node_row>>(self, std::chrono::seconds(70),
                                                        nodes_with_counts(ctx));
    },
    [self, ctx](cluster::drain_atom, node_id& id) {
      return ask_cluster<std::string>(self, ctx, cluster::drain_atom::value, id.str());
    },
    [self, ctx](cluster::promote_atom, uint32_t shard, node_id& id) {
      return ask_cluster<std::string>(self, ctx, cluster::promote_atom::value, shard, id.str());
    },
    [self](actors::info_atom) -> uint64_t { return self->mailbox().size(); },
    [ctx](cluster::member_atom) -> caf::result<caf::actor> {
      auto member = ctx.member_gateway ? ctx.member_gateway->get() : caf::actor{};
      if (!member)
        return not_running("the member gateway");
      return member;
    },
  };
}

} // namespace

shell_api spawn_shell_gateway(caf::actor_system& sys, gateway_context ctx) {
  // On the scheduler, not detached: a detached admin actor once kept the
  // node from exiting after SIGTERM (its thread waited for its last handle,
  // 1 of ~25 benchmark runs with a client asking it 200 times a second).
  // Shells reach it only through its door, which checks roles and audits.
  auto gateway = sys.spawn(shell_gateway_impl, ctx);
  return spawn_shell_door(sys, gateway, std::move(ctx));
}

} // namespace troupe::runtime
