#include "runtime/member_gateway.hpp"

#include <caf/all.hpp>

#include "runtime/campaign_commands.hpp"
#include "runtime/coordinator.hpp"
#include "runtime/customer_routing.hpp"
#include "runtime/import_router.hpp"
#include "runtime/local_ask.hpp"

namespace troupe::runtime {

namespace {

using self_ptr = cluster::member_api::pointer;
using namespace cluster;

member_api::behavior_type member_gateway_impl(self_ptr self, gateway_context ctx) {
  auto to_cluster = [ctx](auto... xs) {
    if (auto c = cluster_of(ctx))
      caf::anon_send(c, xs...);
  };
  return {
    // -- this node's part of a command another member coordinates --
    [self, ctx](local_atom, customers::import_chunk& chunk)
      -> caf::result<customers::import_result> {
      if (chunk.kind == customers::import_kind::customers
          || chunk.kind == customers::import_kind::events)
        return coordinate<customers::import_result>(self, std::chrono::seconds(600),
                                                    route_import(ctx, std::move(chunk)));
      return ask_local<customers::import_result>(self, ctx, node_part::storage, import_timeout,
                                                 actors::import_atom::value, std::move(chunk));
    },
    [self, ctx](local_atom, actors::count_atom, std::string& predicate) {
      return ask_local<uint64_t>(self, ctx, node_part::storage, scan_timeout, actors::count_atom::value,
                                 std::move(predicate));
    },
    [self, ctx](local_atom, campaign_command& cmd) -> caf::result<campaign::campaign_status> {
      if (!is_verb(cmd.verb))
        return actors::make_caf_error(actors::actors_errc::bad_request,
                                      "a campaign command with no such verb ("
                                        + std::to_string(static_cast<int>(cmd.verb)) + ")");
      return ask_local<campaign::campaign_status>(self, ctx, node_part::campaigns, campaign_timeout,
                                                  manager_message(cmd));
    },
    [self, ctx](local_atom, actors::list_atom) {
      return ask_local<std::vector<campaign::campaign_status>>(self, ctx, node_part::campaigns,
                                                               campaign_timeout,
                                                               actors::list_atom::value);
    },
    [self, ctx](local_atom, customer_atom, customer_id& id) {
      // Routed here by a member's map; if this node's newer map gives the
      // shard to another member (it moved meanwhile), the lookup goes on there.
      return coordinate<customer_snapshot>(self, ask_timeout * 2,
                                           customer_lookup(ctx, std::move(id)));
    },
    [self, ctx](local_atom, actors::export_atom, customer_id& id) {
      return coordinate<storage::holdings_bytes>(self, ask_timeout * 2,
                                                 customer_export(ctx, std::move(id)));
    },
    [self, ctx](local_atom, actors::erase_atom,
                customer_id& id) -> caf::result<storage::erased_records> {
      auto registry = registry_of(ctx);
      if (!registry)
        return not_running("the customer registry");
      // Within the coordinator's 30 s for this member's answer.
      return relay<storage::erased_records>(self, registry, std::chrono::seconds(25),
                                            actors::erase_atom::value, id.str());
    },
    // -- membership and shards: the cluster actor's --
    [self, ctx](join_atom, member_info& m, caf::actor& member) {
      return ask_cluster<cluster_view>(self, ctx, join_atom::value, std::move(m),
                                       std::move(member));
    },
    [to_cluster](heartbeat_atom, std::string& from, uint64_t version, uint64_t customers,
                 caf::actor& member) {
      to_cluster(heartbeat_atom::value, std::move(from), version, customers, std::move(member));
    },
    [to_cluster](view_atom, cluster_view& view) { to_cluster(view_atom::value, std::move(view)); },
    [self, ctx](view_atom) { return ask_cluster<cluster_view>(self, ctx, view_atom::value); },
    [to_cluster](handoff_atom, sharding::shard_move& move) {
      to_cluster(handoff_atom::value, std::move(move));
    },
    [self, ctx](handoff_atom, uint32_t, std::string& bytes) {
      return ask_local<uint64_t>(self, ctx, node_part::storage, std::chrono::seconds(60),
                                 actors::handoff_atom::value, std::move(bytes));
    },
    [to_cluster](moved_atom, sharding::shard_move& move, bool ok, std::string& reason) {
      to_cluster(moved_atom::value, std::move(move), ok, std::move(reason));
    },
    [self, ctx](drain_atom, std::string& id) {
      return ask_cluster<std::string>(self, ctx, drain_atom::value, std::move(id));
    },
  };
}

} // namespace

member_api spawn_member_gateway(caf::actor_system& sys, gateway_context ctx) {
  return sys.spawn(member_gateway_impl, std::move(ctx));
}

} // namespace troupe::runtime
