#include "runtime/customer_routing.hpp"

#include "actors/actor_error.hpp"
#include "actors/atoms.hpp"
#include "storage/json_codec.hpp"
#include "storage/customer_records.hpp"

namespace troupe::runtime {

namespace {

enum class customer_query { record, holdings };

/// The member gateway of the owner of `id`'s shard; null: this node.
/// Fails when the owner is another member this node cannot reach.
caf::expected<caf::actor> owner_of(const gateway_context& ctx, const customer_id& id) {
  auto published = ctx.members ? ctx.members->get() : nullptr;
  if (!published || published->primary.empty())
    return caf::actor{};
  auto& h = *published;
  auto shard = storage::shard_of_customer(id.str(), static_cast<uint32_t>(h.primary.size()));
  if (h.primary[shard] == h.self)
    return caf::actor{};
  if (auto owner = h.primary_admin[shard])
    return owner;
  return runtime_failure(runtime_errc::member_unreachable,
                         "customer '" + id.str() + "' is in shard " + std::to_string(shard)
                           + " on " + h.primary[shard] + ", which cannot be reached");
}

coordinator_work customer_query_work(gateway_context ctx, customer_query query, customer_id id) {
  return [ctx, query, id](coordinator_ptr self, caf::response_promise rp) {
    auto owner = owner_of(ctx, id);
    if (!owner)
      return finish(self, rp, std::move(owner.error()));
    if (*owner) {
      if (query == customer_query::holdings)
        self->request(*owner, ask_timeout, cluster::local_atom::value, actors::export_atom::value, id)
          .then([self, rp](storage::holdings_bytes& b) mutable { finish(self, rp, std::move(b)); },
                [self, rp](caf::error& err) mutable { finish(self, rp, std::move(err)); });
      else
        self->request(*owner, ask_timeout, cluster::local_atom::value, cluster::customer_atom::value, id)
          .then([self, rp](cluster::customer_snapshot& s) mutable { finish(self, rp, std::move(s)); },
                [self, rp](caf::error& err) mutable { finish(self, rp, std::move(err)); });
      return;
    }
    auto registry = registry_of(ctx);
    if (!registry)
      return finish(self, rp, not_running("the customer registry"));
    if (query == customer_query::holdings) {
      self->request(registry, ask_timeout, actors::export_atom::value, id.str())
        .then([self, rp](storage::holdings_bytes& b) mutable { finish(self, rp, std::move(b)); },
              [self, rp](caf::error& err) mutable { finish(self, rp, std::move(err)); });
      return;
    }
    self->request(registry, ask_timeout, actors::peek_atom::value, id.str())
      .then(
        [self, rp, id](customers::customer_record& r) mutable {
          finish(self, rp, snapshot_of(id, r));
        },
        [self, rp](caf::error& err) mutable { finish(self, rp, std::move(err)); });
  };
}

} // namespace

cluster::customer_snapshot snapshot_of(const customer_id& id, const customers::customer_record& r) {
  cluster::customer_snapshot s;
  s.id = id;
  s.found = r.found;
  if (r.found)
    r.data.SerializeToString(&s.record);
  if (r.profile)
    r.profile->SerializeToString(&s.profile);
  for (const auto& p : r.pending)
    p.SerializeToString(&s.pending_sends.emplace_back());
  return s;
}

bool owned_here(const gateway_context& ctx, const customer_id& id) {
  auto owner = owner_of(ctx, id);
  return owner && !*owner;
}

coordinator_work customer_lookup(gateway_context ctx, customer_id id) {
  return customer_query_work(std::move(ctx), customer_query::record, std::move(id));
}

coordinator_work customer_export(gateway_context ctx, customer_id id) {
  return customer_query_work(std::move(ctx), customer_query::holdings, std::move(id));
}

caf::expected<std::string> holdings_to_json(const storage::holdings_bytes& b) {
  auto h = storage::from_bytes(b);
  if (!h)
    return actors::to_caf_error(h.err(), "customer '" + b.customer_id + "': ");
  return storage::holdings_to_json(b.customer_id, *h);
}

caf::expected<std::string> customer_json(const customer_id& id, const v1::Customer* c) {
  if (!c)
    return actors::make_caf_error(actors::actors_errc::not_found,
                                  "no customer '" + id.str() + "'");
  return storage::customer_to_json(*c);
}

caf::expected<std::string> snapshot_to_json(const cluster::customer_snapshot& s) {
  if (!s.found)
    return customer_json(s.id, nullptr);
  v1::Customer c;
  if (!c.ParseFromString(s.record))
    return runtime_failure(runtime_errc::member_failed,
                           "customer '" + s.id.str() + "': its owner sent a record that does not parse");
  auto text = customer_json(s.id, &c);
  if (!text || (s.profile.empty() && s.pending_sends.empty()))
    return text;
  // The record's object, with what the customer did and what waits for it beside it.
  text->pop_back();
  if (!s.profile.empty()) {
    v1::Profile p;
    if (!p.ParseFromString(s.profile))
      return runtime_failure(runtime_errc::member_failed,
                             "customer '" + s.id.str()
                               + "': its owner sent a profile that does not parse");
    *text += ",\"profile\":" + storage::profile_to_json(p);
  }
  if (!s.pending_sends.empty()) {
    *text += ",\"pending_sends\":[";
    for (std::size_t i = 0; i < s.pending_sends.size(); ++i) {
      v1::PendingSend p;
      if (!p.ParseFromString(s.pending_sends[i]))
        return runtime_failure(runtime_errc::member_failed,
                               "customer '" + s.id.str()
                                 + "': its owner sent a pending send that does not parse");
      *text += (i ? "," : "") + storage::pending_send_to_json(p);
    }
    *text += "]";
  }
  *text += "}";
  return text;
}

} // namespace troupe::runtime
