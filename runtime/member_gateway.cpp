#include "runtime/member_gateway.hpp"

#include <caf/all.hpp>

#include "runtime/campaign_commands.hpp"
#include "runtime/coordinator.hpp"
#include "customers/import_limits.hpp"
#include "runtime/customer_routing.hpp"
#include "runtime/import_router.hpp"
#include "runtime/local_ask.hpp"
#include "runtime/member_checks.hpp"
#include "cluster/cluster_errc.hpp"
#include "storage/shard_log.hpp"

namespace troupe::runtime {

namespace {

using self_ptr = cluster::member_api::pointer;
using namespace cluster;
namespace adm = cluster::admission;

member_api::behavior_type member_gateway_impl(self_ptr self, gateway_context ctx) {
  auto to_cluster = [ctx](auto... xs) {
    if (auto c = cluster_of(ctx))
      caf::anon_send(c, xs...);
  };
  // This node's part of a command: only for a member of the view.
  auto not_member = [self, ctx](const std::string& what) {
    return judge(self, ctx, what, adm::check_member);
  };
  return {
    [self](actors::info_atom) -> uint64_t { return self->mailbox().size(); },
    // -- this node's part of a command another member coordinates --
    [self, ctx, not_member](local_atom, customers::import_chunk& chunk)
      -> caf::result<customers::import_result> {
      if (auto no = not_member("an import chunk"); !no.empty())
        return refused(no, "an import chunk");
      if (auto breach = customers::chunk_over_limit(chunk, ctx.limits))
        return actors::make_caf_error(actors::actors_errc::bad_request,
                                      *breach);
      if (chunk.kind == customers::import_kind::customers
          || chunk.kind == customers::import_kind::events)
        return coordinate<customers::import_result>(self, std::chrono::seconds(600),
                                                    route_import(ctx, std::move(chunk)));
      return ask_local<customers::import_result>(self, ctx, node_part::storage, import_timeout,
                                                 actors::import_atom::value, std::move(chunk));
    },
    [self, ctx, not_member](actors::corpus_atom, std::vector<uint64_t>& versions)
      -> caf::result<std::vector<uint64_t>> {
      if (auto no = not_member("a corpus question"); !no.empty())
        return refused(no, "a corpus question");
      if (versions.size() > max_corpus_versions)
        return actors::make_caf_error(actors::actors_errc::bad_request,
                                      "asked about " + std::to_string(versions.size())
                                        + " corpus versions, more than "
                                        + std::to_string(max_corpus_versions));
      return ask_local<std::vector<uint64_t>>(self, ctx, node_part::storage, std::chrono::seconds(30),
                                              actors::corpus_atom::value, std::move(versions));
    },
    [self, ctx, not_member](local_atom, actors::count_atom,
                            std::string& predicate) -> caf::result<uint64_t> {
      if (auto no = not_member("a count"); !no.empty())
        return refused(no, "a count");
      return ask_local<uint64_t>(self, ctx, node_part::storage, scan_timeout, actors::count_atom::value,
                                 std::move(predicate));
    },
    [self, ctx, not_member](local_atom, actors::report_atom, std::string& campaign,
                            std::string& by,
                            std::string& cuped) -> caf::result<campaign::campaign_report> {
      if (auto no = not_member("a report"); !no.empty())
        return refused(no, "a report");
      return ask_local<campaign::campaign_report>(self, ctx, node_part::storage, scan_timeout,
                                                  actors::report_atom::value, std::move(campaign),
                                                  std::move(by), std::move(cuped));
    },
    [self, ctx, not_member](local_atom,
                            actors::fields_atom) -> caf::result<std::vector<std::string>> {
      if (auto no = not_member("a fields query"); !no.empty())
        return refused(no, "a fields query");
      return ask_local<std::vector<std::string>>(self, ctx, node_part::storage, ask_timeout,
                                                 actors::fields_atom::value);
    },
    [self, ctx, not_member](local_atom,
                            campaign_command& cmd) -> caf::result<campaign::campaign_status> {
      if (auto no = not_member("a campaign command"); !no.empty())
        return refused(no, "a campaign command");
      if (!is_verb(cmd.verb))
        return actors::make_caf_error(actors::actors_errc::bad_request,
                                      "a campaign command with no such verb ("
                                        + std::to_string(static_cast<int>(cmd.verb)) + ")");
      return ask_local<campaign::campaign_status>(self, ctx, node_part::campaigns, campaign_timeout,
                                                  manager_message(cmd));
    },
    [self, ctx, not_member](
      local_atom, actors::list_atom) -> caf::result<std::vector<campaign::campaign_status>> {
      if (auto no = not_member("a campaign list"); !no.empty())
        return refused(no, "a campaign list");
      return ask_local<std::vector<campaign::campaign_status>>(self, ctx, node_part::campaigns,
                                                               campaign_timeout,
                                                               actors::list_atom::value);
    },
    [self, ctx, not_member](local_atom, customer_atom,
                            customer_id& id) -> caf::result<customer_snapshot> {
      if (auto no = not_member("a customer lookup"); !no.empty())
        return refused(no, "a customer lookup");
      // Routed here by a member's map; if this node's newer map gives the
      // shard to another member (it moved meanwhile), the lookup goes on there.
      return coordinate<customer_snapshot>(self, ask_timeout * 2,
                                           customer_lookup(ctx, std::move(id)));
    },
    [self, ctx, not_member](local_atom, actors::export_atom,
                            customer_id& id) -> caf::result<storage::holdings_bytes> {
      if (auto no = not_member("a customer export"); !no.empty())
        return refused(no, "a customer export");
      return coordinate<storage::holdings_bytes>(self, ask_timeout * 2,
                                                 customer_export(ctx, std::move(id)));
    },
    [self, ctx, not_member](local_atom, actors::erase_atom,
                            customer_id& id) -> caf::result<storage::erased_records> {
      if (auto no = not_member("an erase part"); !no.empty())
        return refused(no, "an erase part");
      auto registry = registry_of(ctx);
      if (!registry)
        return not_running("the customer registry");
      // Within the coordinator's 30 s for this member's answer.
      return relay<storage::erased_records>(self, registry, std::chrono::seconds(25),
                                            actors::erase_atom::value, id.str());
    },
    // -- membership and shards: the cluster actor's --
    [self, ctx, to_cluster](heartbeat_atom, std::string& from, uint64_t version,
                            uint64_t customers, std::vector<uint64_t>& records,
                            caf::actor& member) {
      auto admin = node_of(member);
      if (!judge(self, ctx, "a heartbeat from " + from,
                 [&](auto& r, auto& s) {
                   return adm::check_heartbeat(r, s, from, admin, records.size());
                 })
             .empty())
        return;
      to_cluster(heartbeat_atom::value, std::move(from), version, customers, std::move(records),
                 std::move(member));
    },
    [self, ctx, to_cluster](handover_atom, sharding::placement_change& change) {
      if (!judge(self, ctx, "the order to " + sharding::describe(change),
                 [&](auto& r, auto& s) { return adm::check_handover(r, s, change); })
             .empty())
        return;
      to_cluster(handover_atom::value, std::move(change));
    },
    [self, ctx](handoff_atom, uint32_t shard, std::string& bytes) -> caf::result<uint64_t> {
      auto what = "a handoff batch for shard " + std::to_string(shard);
      if (auto no = judge(self, ctx, what,
                          [&](auto& r, auto& s) { return adm::check_batch(r, s, shard); });
          !no.empty())
        return refused(no, what);
      return ask_local<uint64_t>(self, ctx, node_part::storage, std::chrono::seconds(60),
                                 actors::handoff_atom::value, std::move(bytes));
    },
    [self, ctx](actors::replicate_atom, uint32_t shard, uint64_t epoch,
                std::string& bytes) -> caf::result<uint8_t> {
      auto what = "a shard batch for shard " + std::to_string(shard) + " at epoch "
                  + std::to_string(epoch);
      auto handles = ctx.members ? ctx.members->get() : nullptr;
      if (!handles || !handles->roster.in_cluster)
        return actors::make_caf_error(cluster_errc::not_in_cluster,
                                      "not in a cluster yet: no shard batch taken", true);
      const auto& r = handles->roster;
      if (auto no = judge(self, ctx, what,
                          [&](auto&, auto& s) { return adm::check_replicate(r, s, shard, epoch); });
          !no.empty())
        return refused(no, what);
      if (shard >= r.map.shard_count())
        return refused(adm::reason::unexpected_replication, what);
      auto current = r.map.shards[shard].epoch;
      if (epoch > current)
        return static_cast<uint8_t>(storage::apply_outcome::future_epoch);
      if (epoch < current)
        return static_cast<uint8_t>(storage::apply_outcome::stale_epoch);
      return ask_local<uint8_t>(self, ctx, node_part::replicas, std::chrono::seconds(30),
                                actors::replicate_atom::value, shard, epoch, std::move(bytes));
    },
    [self, ctx](drain_atom, std::string& id) -> caf::result<std::string> {
      auto what = "the drain of " + id;
      if (auto no = judge(self, ctx, what,
                          [&](auto& r, auto& s) { return adm::check_drain(r, s, id); });
          !no.empty())
        return refused(no, what);
      return ask_cluster<std::string>(self, ctx, drain_atom::value, std::move(id));
    },
  };
}

} // namespace

member_api spawn_member_gateway(caf::actor_system& sys, gateway_context ctx) {
  return sys.spawn(member_gateway_impl, std::move(ctx));
}

} // namespace troupe::runtime
