#include "runtime/admin_actor.hpp"

#include <caf/all.hpp>

#include "actors/actor_error.hpp"
#include "storage/schema_version.hpp"

namespace troupe::runtime {

cluster::health_info health_of(const node_status& status) {
  cluster::health_info info;
  info.node_id = status.node_id;
  info.uptime_ms = status.uptime_ms();
  bool open = status.store != nullptr && status.store->is_open();
  info.storage_state = open ? "open" : "closed";
  info.schema_version = open ? status.store->metadata().schema_version() : 0;
  info.shard_count = open ? status.store->shard_count() : 0;
  info.ready = status.ready();
  return info;
}

namespace {

constexpr auto ask_timeout = std::chrono::seconds(3);
/// Campaign commands may wait for a runner to count the customers.
constexpr auto campaign_timeout = std::chrono::seconds(120);

/// Asks every breaker for its status; a breaker that cannot be reached is
/// reported as such rather than left out.
caf::result<std::vector<actors::breaker_status>>
collect_breakers(admin_actor::pointer self, const admin_context& ctx) {
  auto rp = self->make_response_promise<std::vector<actors::breaker_status>>();
  auto n = ctx.breaker_paths.size();
  auto found = std::make_shared<std::vector<actors::breaker_status>>(n);
  auto missing = std::make_shared<std::size_t>(n);
  if (n == 0) {
    rp.deliver(std::vector<actors::breaker_status>{});
    return rp;
  }
  auto done = [rp, found, missing]() mutable {
    if (--*missing == 0)
      rp.deliver(std::move(*found));
  };
  for (std::size_t i = 0; i < n; ++i) {
    auto path = ctx.breaker_paths[i];
    auto unreachable = [found, i, path, done](const caf::error& err) mutable {
      auto& s = (*found)[i];
      s.name = path.substr(path.rfind('/') + 1);
      s.state = "unreachable: " + actors::describe(err);
      done();
    };
    self->request(*ctx.guardian, ask_timeout, caf::get_atom::value, path)
      .then(
        [self, found, i, done, unreachable](caf::strong_actor_ptr& ptr) mutable {
          self->request(caf::actor_cast<caf::actor>(ptr), ask_timeout,
                        actors::status_atom::value)
            .then(
              [found, i, done](actors::breaker_status& s) mutable {
                (*found)[i] = std::move(s);
                done();
              },
              [unreachable](caf::error& err) mutable { unreachable(err); });
        },
        [unreachable](caf::error& err) mutable { unreachable(err); });
  }
  return rp;
}

/// Sends a request to the actor at `path` below the root and relays its
/// answer (or error) to the original sender.
template <class Reply, class... Ts>
caf::result<Reply> relay(admin_actor::pointer self, const admin_context& ctx,
                         const std::string& path, std::chrono::seconds timeout, Ts... xs) {
  auto rp = self->make_response_promise<Reply>();
  self->request(*ctx.guardian, ask_timeout, caf::get_atom::value, path)
    .then(
      [self, rp, timeout, xs...](caf::strong_actor_ptr& target) mutable {
        self->request(caf::actor_cast<caf::actor>(target), timeout, xs...)
          .then([rp](Reply& r) mutable { rp.deliver(std::move(r)); },
                [rp](caf::error& err) mutable { rp.deliver(std::move(err)); });
      },
      [rp](caf::error& err) mutable { rp.deliver(std::move(err)); });
  return rp;
}

admin_actor::behavior_type admin_impl(admin_actor::pointer self, admin_context ctx) {
  return {
    [ctx](cluster::health_atom) { return health_of(*ctx.status); },
    [self, ctx](cluster::tree_atom) -> caf::result<std::vector<actors::actor_entry>> {
      auto rp = self->make_response_promise<std::vector<actors::actor_entry>>();
      self->request(*ctx.guardian, ask_timeout, actors::tree_atom::value)
        .then([rp](std::vector<actors::actor_entry>& tree) mutable { rp.deliver(std::move(tree)); },
              [rp](caf::error& err) mutable { rp.deliver(std::move(err)); });
      return rp;
    },
    [self, ctx](cluster::breakers_atom) { return collect_breakers(self, ctx); },
    [self, ctx](cluster::import_atom, actors::import_chunk& chunk) {
      return relay<actors::import_result>(self, ctx, "storage", std::chrono::seconds(120),
                                          actors::import_atom::value, std::move(chunk));
    },
    [self, ctx](cluster::count_atom, std::string& text) {
      return relay<uint64_t>(self, ctx, "storage", std::chrono::seconds(3600),
                             actors::count_atom::value, std::move(text));
    },
    [self, ctx](cluster::create_atom, std::string& spec) {
      return relay<actors::campaign_status>(self, ctx, "campaigns", campaign_timeout,
                                            actors::create_atom::value, std::move(spec));
    },
    [self, ctx](cluster::start_atom, std::string& id) {
      return relay<actors::campaign_status>(self, ctx, "campaigns", campaign_timeout,
                                            actors::start_atom::value, std::move(id));
    },
    [self, ctx](cluster::pause_atom, std::string& id) {
      return relay<actors::campaign_status>(self, ctx, "campaigns", campaign_timeout,
                                            actors::pause_atom::value, std::move(id));
    },
    [self, ctx](cluster::resume_atom, std::string& id) {
      return relay<actors::campaign_status>(self, ctx, "campaigns", campaign_timeout,
                                            actors::resume_atom::value, std::move(id));
    },
    [self, ctx](cluster::cancel_atom, std::string& id) {
      return relay<actors::campaign_status>(self, ctx, "campaigns", campaign_timeout,
                                            actors::cancel_atom::value, std::move(id));
    },
    [self, ctx](cluster::status_atom, std::string& id) {
      return relay<actors::campaign_status>(self, ctx, "campaigns", campaign_timeout,
                                            actors::status_atom::value, std::move(id));
    },
    [self, ctx](cluster::list_atom) {
      return relay<std::vector<actors::campaign_status>>(self, ctx, "campaigns",
                                                         campaign_timeout,
                                                         actors::list_atom::value);
    },
    [self, ctx](cluster::page_atom, std::string& kind, std::string& campaign,
                std::string& after, uint32_t limit) {
      return relay<actors::record_page>(self, ctx, "storage", std::chrono::seconds(120),
                                        actors::page_atom::value, std::move(kind),
                                        std::move(campaign), std::move(after), limit);
    },
    [self, ctx](cluster::replay_atom, std::string& id) {
      return relay<actors::replay_result>(self, ctx, "campaigns", std::chrono::seconds(3600),
                                          actors::replay_atom::value, std::move(id));
    },
    [self, ctx](cluster::report_atom, std::string& campaign, std::string& by) {
      return relay<actors::campaign_report>(self, ctx, "storage", std::chrono::seconds(3600),
                                            actors::report_atom::value, std::move(campaign),
                                            std::move(by));
    },
    [self, ctx](cluster::verify_atom) {
      return relay<actors::audit_report>(self, ctx, "storage", std::chrono::seconds(3600),
                                         actors::verify_atom::value);
    },
    [self](actors::info_atom) -> uint64_t { return self->mailbox().size(); },
  };
}

} // namespace

admin_actor spawn_admin_actor(caf::actor_system& sys, admin_context ctx) {
  return sys.spawn(admin_impl, std::move(ctx));
}

} // namespace troupe::runtime
