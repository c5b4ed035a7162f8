#include "runtime/admin_actor.hpp"

#include <caf/all.hpp>

#include <optional>
#include <set>

#include <nlohmann/json.hpp>

#include "actors/actor_error.hpp"
#include "campaign/status_aggregation.hpp"
#include "customers/registry.hpp"
#include "common/log.hpp"
#include "storage/customer_records.hpp"
#include "storage/json_codec.hpp"
#include "storage/keys.hpp"
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

/// The node's cluster actor (null before it started).
caf::actor cluster_of(const admin_context& ctx) {
  return ctx.cluster ? ctx.cluster->get() : caf::actor{};
}

/// Asks the cluster actor and relays its answer.
template <class Reply, class... Ts>
caf::result<Reply> ask_cluster(admin_actor::pointer self, const admin_context& ctx, Ts... xs) {
  auto cluster = cluster_of(ctx);
  if (!cluster)
    return caf::make_error(caf::sec::request_receiver_down, "the cluster actor is not running");
  auto rp = self->make_response_promise<Reply>();
  self->request(cluster, std::chrono::seconds(30), xs...)
    .then([rp](Reply& r) mutable { rp.deliver(std::move(r)); },
          [rp](caf::error& err) mutable { rp.deliver(std::move(err)); });
  return rp;
}

/// One member's answer to a command sent to every member.
template <class Reply>
struct member_answer {
  std::string node;
  std::optional<Reply> reply;
  std::string error;
  caf::error cause; ///< the error itself, when there is one
};

/// Runs a command on every member: here through `path` with `xs...`, on
/// the others through their admin actor with `xs..., true`. `combine` gets
/// every answer and the members that could not be asked (with their
/// shards) and makes the reply.
template <class Reply, class Done, class... Ts>
void everywhere_then(admin_actor::pointer self, const admin_context& ctx, std::string path,
                     std::chrono::seconds timeout, Done done, Ts... xs) {
  auto run = [self, ctx, path, timeout, done, xs...](cluster::member_handles h) mutable {
    auto answers = std::make_shared<std::vector<member_answer<Reply>>>(1 + h.peers.size());
    auto missing = std::make_shared<std::size_t>(answers->size());
    auto unreachable = std::make_shared<std::map<std::string, std::vector<uint32_t>>>(
      std::move(h.unreachable));
    auto one_done = [answers, missing, unreachable, done]() mutable {
      if (--*missing == 0)
        done(*answers, *unreachable);
    };
    (*answers)[0].node = h.self;
    auto on_reply = [self, answers, one_done](std::size_t i) mutable {
      return std::make_pair(
        [answers, one_done, i](Reply& r) mutable {
          (*answers)[i].reply = std::move(r);
          one_done();
        },
        [self, answers, one_done, i](caf::error& err) mutable {
          (*answers)[i].error = actors::describe(err);
          (*answers)[i].cause = err;
          one_done();
        });
    };
    auto local = on_reply(0);
    self->request(*ctx.guardian, ask_timeout, caf::get_atom::value, path)
      .then(
        [self, timeout, local, xs...](caf::strong_actor_ptr& target) mutable {
          self->request(caf::actor_cast<caf::actor>(target), timeout, xs...)
            .then(local.first, local.second);
        },
        [local](caf::error& err) mutable { local.second(err); });
    for (std::size_t i = 0; i < h.peers.size(); ++i) {
      (*answers)[i + 1].node = h.peers[i].first;
      auto remote = on_reply(i + 1);
      self->request(h.peers[i].second, timeout, xs..., true).then(remote.first, remote.second);
    }
  };
  auto cluster = cluster_of(ctx);
  if (!cluster) {
    cluster::member_handles alone;
    alone.self = ctx.status->node_id;
    run(std::move(alone));
  } else {
    self->request(cluster, ask_timeout, cluster::members_atom::value)
      .then([run](cluster::member_handles& h) mutable { run(std::move(h)); },
            [run, ctx](caf::error&) mutable { // no cluster actor: this node alone
              cluster::member_handles alone;
              alone.self = ctx.status->node_id;
              run(std::move(alone));
            });
  }
}

/// Delivers a value-or-error result through a promise.
template <class Reply>
void deliver_result(caf::typed_response_promise<Reply>& rp, caf::result<Reply> r) {
  if (r.flag == caf::rt_value)
    rp.deliver(r.value.template get_as<Reply>(0));
  else
    rp.deliver(r.err);
}

template <class Reply, class Combine, class... Ts>
caf::result<Reply> everywhere(admin_actor::pointer self, const admin_context& ctx,
                              std::string path, std::chrono::seconds timeout,
                              Combine combine, Ts... xs) {
  auto rp = self->make_response_promise<Reply>();
  everywhere_then<Reply>(
    self, ctx, std::move(path), timeout,
    [rp, combine](const std::vector<member_answer<Reply>>& answers,
                  const std::map<std::string, std::vector<uint32_t>>& unreachable) mutable {
      deliver_result(rp, combine(answers, unreachable));
    },
    xs...);
  return rp;
}

/// What a customer-addressed query asks the customer's owner for.
enum class customer_query {
  record,   ///< `customer get`: the record
  holdings, ///< `customer export`: everything the owner holds about the customer
};

/// The node's customer registry (a null handle while it is not running).
customers::customer_registry_actor registry_of(const admin_context& ctx) {
  return ctx.customers ? ctx.customers->get() : customers::customer_registry_actor{};
}

caf::error no_registry() {
  return caf::make_error(caf::sec::request_receiver_down, "the customer registry is not running");
}

/// Answers `rp` from this node's customer registry (a read: from the live
/// actor if there is one, else from the store).
void answer_local_customer(admin_actor::pointer self, const admin_context& ctx,
                           customer_query query, std::string id,
                           caf::typed_response_promise<std::string> rp) {
  auto registry = registry_of(ctx);
  if (!registry) {
    rp.deliver(no_registry());
    return;
  }
  if (query == customer_query::holdings) {
    self->request(registry, ask_timeout, actors::export_atom::value, id)
      .then([rp](std::string& json) mutable { rp.deliver(std::move(json)); },
            [rp](caf::error& err) mutable { rp.deliver(std::move(err)); });
    return;
  }
  self->request(registry, ask_timeout, actors::peek_atom::value, id)
    .then(
      [rp, id](customers::customer_record& r) mutable {
        if (!r.found)
          rp.deliver(
            actors::make_caf_error(actors::actors_errc::not_found, "no customer '" + id + "'"));
        else
          rp.deliver(storage::customer_to_json(r.data));
      },
      [rp](caf::error& err) mutable { rp.deliver(std::move(err)); });
}

/// Sends the query to the member that owns the customer's shard per `h`.
void route_customer(admin_actor::pointer self, const admin_context& ctx, customer_query query,
                    std::string id, caf::typed_response_promise<std::string> rp,
                    const cluster::member_handles& h) {
  auto shard = h.primary.empty()
                 ? 0
                 : storage::keys::shard_of(id, static_cast<uint32_t>(h.primary.size()));
  if (h.primary.empty() || h.primary[shard] == h.self)
    return answer_local_customer(self, ctx, query, std::move(id), std::move(rp));
  auto owner = h.primary_admin[shard];
  if (!owner) {
    rp.deliver(caf::make_error(caf::sec::request_receiver_down,
                               "customer '" + id + "' is in shard " + std::to_string(shard)
                                 + " on " + h.primary[shard] + ", which cannot be reached"));
    return;
  }
  auto relay = [rp](auto&& handle) mutable {
    handle.then([rp](std::string& json) mutable { rp.deliver(std::move(json)); },
                [rp](caf::error& err) mutable { rp.deliver(std::move(err)); });
  };
  if (query == customer_query::holdings)
    relay(self->request(owner, ask_timeout, cluster::export_atom::value, id, true));
  else
    relay(self->request(owner, ask_timeout, cluster::customer_atom::value, id, true));
}

/// A customer query answered by the member that owns the customer's shard,
/// by the members the cluster actor last published (none yet: this node is
/// not in a cluster, and answers for every shard itself).
caf::result<std::string> routed_customer(admin_actor::pointer self, const admin_context& ctx,
                                         customer_query query, std::string id) {
  auto rp = self->make_response_promise<std::string>();
  if (auto published = ctx.members ? ctx.members->get() : nullptr)
    route_customer(self, ctx, query, std::move(id), rp, *published);
  else
    answer_local_customer(self, ctx, query, std::move(id), rp);
  return rp;
}

/// "shards 3, 7 on n2" for every member that could not be asked.
std::string stalled_text(const std::map<std::string, std::vector<uint32_t>>& unreachable) {
  std::string out;
  for (auto& [node, shards] : unreachable) {
    out += out.empty() ? "" : "; ";
    out += std::to_string(shards.size()) + " shards on " + node + " (unreachable)";
  }
  return out;
}

/// The first member error, as an error naming the member.
template <class Reply>
std::optional<caf::error> first_error(const std::vector<member_answer<Reply>>& answers) {
  for (auto& a : answers)
    if (!a.reply)
      return caf::make_error(caf::sec::request_receiver_down,
                             (answers.size() > 1 ? "node " + a.node + ": " : std::string{})
                               + a.error);
  return std::nullopt;
}

/// The campaign's status over every member (campaign/status_aggregation).
campaign::campaign_status
combine_status(const std::vector<member_answer<campaign::campaign_status>>& answers,
               const std::map<std::string, std::vector<uint32_t>>& unreachable) {
  std::vector<campaign::member_status> members;
  for (auto& a : answers)
    members.push_back({a.node, a.reply, a.error});
  return campaign::aggregate_status(members, unreachable, stalled_text(unreachable));
}

template <class Atom>
caf::result<campaign::campaign_status> campaign_everywhere(admin_actor::pointer self,
                                                         const admin_context& ctx, Atom atom,
                                                         std::string id) {
  return everywhere<campaign::campaign_status>(
    self, ctx, "campaigns", campaign_timeout,
    [](const std::vector<member_answer<campaign::campaign_status>>& answers,
       const std::map<std::string, std::vector<uint32_t>>& unreachable)
      -> caf::result<campaign::campaign_status> {
      // A command every member refused is an error (e.g. a bad spec);
      // otherwise the combined status says which member failed.
      bool any = false;
      for (auto& a : answers)
        any = any || a.reply.has_value();
      if (!any)
        return *first_error(answers);
      return combine_status(answers, unreachable);
    },
    atom, std::move(id));
}

/// Runs `fn` on the admin actor after `delay` (the actor has a handler for
/// its own timer ticks).
struct admin_timers {
  uint64_t next = 0;
  std::map<uint64_t, std::function<void()>> pending;

  void after(admin_actor::pointer self, std::chrono::milliseconds delay,
             std::function<void()> fn) {
    auto id = next++;
    pending.emplace(id, std::move(fn));
    self->delayed_send(self, delay, caf::tick_atom::value, id);
  }

  void fire(uint64_t id) {
    auto it = pending.find(id);
    if (it == pending.end())
      return;
    auto fn = std::move(it->second);
    pending.erase(it);
    fn();
  }
};

/// Routes an import chunk: this node imports what it serves, the rest goes
/// to the owners of the shards. A line whose owner is out of reach, or is
/// this node while the shard is sealed for a move, is tried again every
/// 100 ms for up to a minute, then rejected with the reason: nothing is
/// dropped silently.
class import_router : public std::enable_shared_from_this<import_router> {
public:
  using pointer = admin_actor::pointer;

  static caf::result<customers::import_result> route(pointer self, const admin_context& ctx,
                                                  std::shared_ptr<admin_timers> timers,
                                                  customers::import_chunk chunk) {
    auto router = std::make_shared<import_router>();
    router->rp = self->make_response_promise<customers::import_result>();
    router->timers = std::move(timers);
    router->deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    auto rp = router->rp;
    router->local(self, ctx, std::move(chunk));
    return rp;
  }

private:
  caf::response_promise rp;
  std::shared_ptr<admin_timers> timers;
  customers::import_result total;
  std::size_t pending = 0;
  std::chrono::steady_clock::time_point deadline;

  void merge(const customers::import_result& r) {
    total.imported += r.imported;
    total.rejected += r.rejected;
    total.duplicates += r.duplicates;
    total.unmatched += r.unmatched;
    total.version = std::max(total.version, r.version);
    for (auto& e : r.errors)
      if (total.errors.size() < customers::max_errors_per_chunk)
        total.errors.push_back(e);
  }

  void reject_all(const customers::import_chunk& chunk, const std::string& why) {
    total.rejected += chunk.lines.size();
    for (std::size_t i = 0; i < chunk.lines.size(); ++i)
      if (total.errors.size() < customers::max_errors_per_chunk)
        total.errors.push_back({chunk.line_of(i), why});
  }

  void one_done() {
    if (--pending == 0) {
      std::sort(total.errors.begin(), total.errors.end(),
                [](auto& a, auto& b) { return a.line < b.line; });
      rp.deliver(std::move(total));
    }
  }

  /// Imports `chunk` here; routes what comes back as foreign.
  void local(pointer self, const admin_context& ctx, customers::import_chunk chunk) {
    ++pending;
    auto me = shared_from_this();
    auto keep = std::make_shared<customers::import_chunk>(std::move(chunk));
    auto failed = [me, keep](caf::error& err) {
      me->reject_all(*keep, "not imported: " + actors::describe(err));
      me->one_done();
    };
    self->request(*ctx.guardian, ask_timeout, caf::get_atom::value, std::string{"storage"})
      .then(
        [self, ctx, me, keep, failed](caf::strong_actor_ptr& storage) {
          self->request(caf::actor_cast<caf::actor>(storage), std::chrono::seconds(120),
                        actors::import_atom::value, *keep)
            .then(
              [self, ctx, me, keep](customers::import_result& r) {
                me->merge(r);
                if (!r.foreign.empty())
                  me->forward(self, ctx, *keep, r);
                me->one_done();
              },
              failed);
        },
        failed);
  }

  /// Sends the lines of `chunk` that `r` calls foreign to the owners of
  /// their shards (which the storage actor has read from them already).
  void forward(pointer self, const admin_context& ctx, const customers::import_chunk& chunk,
               const customers::import_result& r) {
    auto me = shared_from_this();
    auto sub = std::make_shared<customers::import_chunk>();
    sub->kind = chunk.kind;
    sub->version = chunk.version;
    for (auto i : r.foreign) {
      sub->lines.push_back(chunk.lines[i]);
      sub->line_numbers.push_back(chunk.line_of(i));
    }
    auto shards = std::make_shared<std::vector<uint32_t>>(r.foreign_shards);
    auto cluster = cluster_of(ctx);
    if (!cluster)
      return reject_all(*sub, "this node does not serve the shards of these records");
    ++pending;
    self->request(cluster, ask_timeout, cluster::members_atom::value)
      .then(
        [self, ctx, me, sub, shards](cluster::member_handles& h) {
          me->split(self, ctx, *sub, *shards, h);
          me->one_done();
        },
        [me, sub](caf::error& err) {
          me->reject_all(*sub, "not routed: " + actors::describe(err));
          me->one_done();
        });
  }

  /// `sub.lines[i]` is a record of shard `shards[i]`.
  void split(pointer self, const admin_context& ctx, const customers::import_chunk& sub,
             const std::vector<uint32_t>& shards, const cluster::member_handles& h) {
    auto me = shared_from_this();
    std::map<caf::actor, customers::import_chunk> by_owner;
    customers::import_chunk waiting;
    std::string unreachable_owner;
    for (std::size_t i = 0; i < sub.lines.size(); ++i) {
      auto shard = shards[i];
      auto owner = shard < h.primary_admin.size() ? h.primary_admin[shard] : caf::actor{};
      if (!owner && shard < h.primary.size() && h.primary[shard] != h.self)
        unreachable_owner = h.primary[shard];
      auto& target = owner ? by_owner[owner] : waiting;
      target.kind = sub.kind;
      target.version = sub.version;
      target.lines.push_back(sub.lines[i]);
      target.line_numbers.push_back(sub.line_of(i));
    }
    for (auto& [owner, part] : by_owner) {
      ++pending;
      auto keep = std::make_shared<customers::import_chunk>(std::move(part));
      self->request(owner, std::chrono::seconds(120), cluster::import_atom::value, *keep, true)
        .then(
          [me](customers::import_result& r) {
            me->merge(r);
            me->one_done();
          },
          [me, keep](caf::error& err) {
            me->reject_all(*keep, "not imported on the shard's owner: " + actors::describe(err));
            me->one_done();
          });
    }
    if (waiting.lines.empty())
      return;
    if (std::chrono::steady_clock::now() > deadline)
      return reject_all(waiting, unreachable_owner.empty()
                                   ? "the record's shard was moving and did not settle in time"
                                   : "the record's shard is on " + unreachable_owner
                                       + ", which cannot be reached");
    ++pending;
    auto keep = std::make_shared<customers::import_chunk>(std::move(waiting));
    timers->after(self, std::chrono::milliseconds(100), [self, ctx, me, keep] {
      me->local(self, ctx, std::move(*keep));
      me->one_done();
    });
  }
};

/// A corpus import goes to every member under one version number: the
/// highest any member would give it.
caf::result<customers::import_result> corpus_everywhere(admin_actor::pointer self,
                                                     const admin_context& ctx,
                                                     customers::import_chunk chunk) {
  using answers_t = std::vector<member_answer<customers::import_result>>;
  using unreachable_t = std::map<std::string, std::vector<uint32_t>>;
  auto combine = [](const answers_t& answers,
                    const unreachable_t& unreachable) -> caf::result<customers::import_result> {
    if (auto err = first_error(answers))
      return *err;
    if (!unreachable.empty())
      return caf::make_error(caf::sec::request_receiver_down,
                             "the corpus must reach every member: " + stalled_text(unreachable));
    // Every member imported the same lines: report one member's counts,
    // the highest version.
    auto out = *answers.front().reply;
    for (auto& a : answers)
      out.version = std::max(out.version, a.reply->version);
    return out;
  };
  if (chunk.kind != "corpus-begin")
    return everywhere<customers::import_result>(self, ctx, "storage", std::chrono::seconds(120),
                                             combine, actors::import_atom::value,
                                             std::move(chunk));
  // Round one reserves a version everywhere; round two raises every member
  // to the highest (a version reserved and not used is harmless).
  auto rp = self->make_response_promise<customers::import_result>();
  everywhere_then<customers::import_result>(
    self, ctx, "storage", std::chrono::seconds(120),
    [self, ctx, rp, combine, chunk](const answers_t& answers,
                                    const unreachable_t& unreachable) mutable {
      // combine() checks every member answered and takes the highest version.
      caf::result<customers::import_result> first = combine(answers, unreachable);
      if (first.flag != caf::rt_value) {
        rp.deliver(first.err);
        return;
      }
      chunk.version = first.value.template get_as<customers::import_result>(0).version;
      log::debug("admin", "corpus version ", chunk.version, " on every member");
      everywhere_then<customers::import_result>(
        self, ctx, "storage", std::chrono::seconds(120),
        [rp, combine](const answers_t& again, const unreachable_t& gone) mutable {
          deliver_result(rp, combine(again, gone));
        },
        actors::import_atom::value, chunk);
    },
    actors::import_atom::value, chunk);
  return rp;
}

/// Erases a customer on every member (`customer delete`, GDPR): each member
/// erases what it holds about the customer (its owner the customer, any
/// member an old copy of a shard it once owned). While a member has the
/// customer's shard sealed for a handoff, the whole round runs again 100 ms
/// later (erasing is idempotent), for up to a minute; so it does for five
/// seconds while a member cannot be reached. The answer lists per
/// member what went (all zero: nothing was held, e.g. a delete run again
/// after one that could not reach every member). A member that could not be
/// asked or failed makes the answer an error naming it, after the others
/// have erased their part.
class customer_eraser : public std::enable_shared_from_this<customer_eraser> {
public:
  using pointer = admin_actor::pointer;
  using unreachable_t = std::map<std::string, std::vector<uint32_t>>;

  static caf::result<std::string> erase(pointer self, const admin_context& ctx,
                                        std::shared_ptr<admin_timers> timers, std::string id) {
    auto me = std::make_shared<customer_eraser>();
    me->rp = self->make_response_promise<std::string>();
    me->timers = std::move(timers);
    me->id = std::move(id);
    me->deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    me->reach_deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    auto rp = me->rp;
    me->round(self, ctx);
    return rp;
  }

private:
  caf::typed_response_promise<std::string> rp;
  std::shared_ptr<admin_timers> timers;
  std::string id;
  std::chrono::steady_clock::time_point deadline;       ///< for a shard being handed off
  std::chrono::steady_clock::time_point reach_deadline; ///< for a member out of reach
  std::map<std::string, storage::erased_records> erased; ///< per member, over every round

  void round(pointer self, const admin_context& ctx) {
    auto me = shared_from_this();
    everywhere_then<std::string>(
      self, ctx, "customers", std::chrono::seconds(30),
      [me, self, ctx](const std::vector<member_answer<std::string>>& answers,
                      const unreachable_t& unreachable) { me->settle(self, ctx, answers, unreachable); },
      actors::erase_atom::value, id);
  }

  /// Adds a member's answer (an erasure summary, see erased_to_json).
  bool add(const std::string& node, const std::string& answer) {
    auto e = storage::erased_from_json(answer);
    if (!e)
      return false;
    erased[node] += *e;
    return true;
  }

  static std::string describe(const storage::erased_records& e) {
    if (e.total() == 0)
      return "nothing held";
    auto n = [](uint64_t k, const char* one, const char* many) {
      return std::to_string(k) + " " + (k == 1 ? one : many);
    };
    return std::string{e.customer ? "record, " : "no record, "}
           + n(e.deliveries, "delivery", "deliveries") + ", "
           + n(e.dead_letters, "dead letter", "dead letters") + ", "
           + n(e.events, "event", "events");
  }

  void settle(pointer self, const admin_context& ctx,
              const std::vector<member_answer<std::string>>& answers,
              const unreachable_t& unreachable) {
    bool moving = false;
    std::vector<std::string> failed;
    for (auto& a : answers) {
      if (a.reply) {
        if (!add(a.node, *a.reply))
          failed.push_back(a.node + ": an answer that is not an erasure summary");
      } else if (actors::is(a.cause, actors::actors_errc::shard_moving)) {
        moving = true;
      } else {
        failed.push_back(a.node + ": " + a.error);
      }
    }
    // A member the view has just seen come back may not be connected yet:
    // give the unreachable a few seconds before giving up on them.
    auto now = std::chrono::steady_clock::now();
    bool wait_for_members = !unreachable.empty() && now < reach_deadline;
    if ((moving || wait_for_members) && failed.empty() && now < deadline) {
      auto me = shared_from_this();
      timers->after(self, std::chrono::milliseconds(100), [me, self, ctx] { me->round(self, ctx); });
      return;
    }
    if (moving)
      failed.push_back("its shard is still being handed off");
    auto store = ctx.status->store;
    auto shard = store ? store->shard_of(id) : 0;
    for (auto& [node, shards] : unreachable) {
      bool owner = store && std::find(shards.begin(), shards.end(), shard) != shards.end();
      failed.push_back(node + " cannot be reached ("
                       + (owner ? "it owns shard " + std::to_string(shard) + ", the customer's"
                                : "it holds " + std::to_string(shards.size()) + " shards")
                       + ")");
    }
    storage::erased_records total;
    nlohmann::json members = nlohmann::json::array();
    std::string done;
    for (auto& [node, e] : erased) {
      total += e;
      auto member = nlohmann::json::parse(storage::erased_to_json(e));
      member["node"] = node;
      members.push_back(std::move(member));
      done += (done.empty() ? "" : "; ") + node + ": " + describe(e);
    }
    if (!failed.empty()) {
      std::string why;
      for (auto& f : failed)
        why += (why.empty() ? "" : "; ") + f;
      rp.deliver(caf::make_error(
        caf::sec::request_receiver_down,
        "customer '" + id + "' is not erased everywhere: " + why
          + (done.empty() ? std::string{} : " (erased: " + done + ")")
          + "; run `customer delete " + id + "` again once every member is up"));
      return;
    }
    auto answer = nlohmann::json::parse(storage::erased_to_json(total));
    answer["customer_id"] = id;
    answer["members"] = std::move(members);
    rp.deliver(answer.dump());
  }
};

admin_actor::behavior_type admin_impl(admin_actor::pointer self, admin_context ctx) {
  auto timers = std::make_shared<admin_timers>();
  using unreachable_t = std::map<std::string, std::vector<uint32_t>>;
  auto import = [self, ctx, timers](customers::import_chunk& chunk, bool local)
    -> caf::result<customers::import_result> {
    if (chunk.kind == "customers" || chunk.kind == "events")
      return import_router::route(self, ctx, timers, std::move(chunk));
    if (local || !cluster_of(ctx))
      return relay<customers::import_result>(self, ctx, "storage", std::chrono::seconds(120),
                                          actors::import_atom::value, std::move(chunk));
    return corpus_everywhere(self, ctx, std::move(chunk));
  };
  auto count = [self, ctx](std::string& text, bool local) -> caf::result<uint64_t> {
    if (local)
      return relay<uint64_t>(self, ctx, "storage", std::chrono::seconds(3600),
                             actors::count_atom::value, std::move(text));
    return everywhere<uint64_t>(
      self, ctx, "storage", std::chrono::seconds(3600),
      [](const std::vector<member_answer<uint64_t>>& answers,
         const unreachable_t& unreachable) -> caf::result<uint64_t> {
        if (auto err = first_error(answers))
          return *err;
        if (!unreachable.empty())
          return caf::make_error(caf::sec::request_receiver_down,
                                 "cannot count every customer: " + stalled_text(unreachable));
        uint64_t sum = 0;
        for (auto& a : answers)
          sum += *a.reply;
        return sum;
      },
      actors::count_atom::value, std::move(text));
  };
  auto campaign = [self, ctx](auto atom, std::string& id,
                              bool local) -> caf::result<campaign::campaign_status> {
    if (local)
      return relay<campaign::campaign_status>(self, ctx, "campaigns", campaign_timeout, atom,
                                            std::move(id));
    return campaign_everywhere(self, ctx, atom, std::move(id));
  };
  auto list = [self, ctx](bool local) -> caf::result<std::vector<campaign::campaign_status>> {
    if (local)
      return relay<std::vector<campaign::campaign_status>>(self, ctx, "campaigns",
                                                         campaign_timeout,
                                                         actors::list_atom::value);
    return everywhere<std::vector<campaign::campaign_status>>(
      self, ctx, "campaigns", campaign_timeout,
      [](const std::vector<member_answer<std::vector<campaign::campaign_status>>>& answers,
         const unreachable_t& unreachable) -> caf::result<std::vector<campaign::campaign_status>> {
        if (auto err = first_error(answers))
          return *err;
        std::map<std::string, std::vector<member_answer<campaign::campaign_status>>> by_id;
        for (auto& a : answers)
          for (auto& s : *a.reply)
            by_id[s.id].push_back({a.node, s, {}, {}});
        std::vector<campaign::campaign_status> out;
        for (auto& [id, per_node] : by_id)
          out.push_back(combine_status(per_node, unreachable));
        return out;
      },
      actors::list_atom::value);
  };
  auto to_cluster = [ctx](auto... xs) {
    if (auto cluster = cluster_of(ctx))
      caf::anon_send(cluster, xs...);
  };
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
    [import](cluster::import_atom, customers::import_chunk& chunk) { return import(chunk, false); },
    [import](cluster::import_atom, customers::import_chunk& chunk, bool) {
      return import(chunk, true);
    },
    [count](cluster::count_atom, std::string& text) { return count(text, false); },
    [count](cluster::count_atom, std::string& text, bool) { return count(text, true); },
    [campaign](cluster::create_atom, std::string& spec) {
      return campaign(actors::create_atom::value, spec, false);
    },
    [campaign](cluster::create_atom, std::string& spec, bool) {
      return campaign(actors::create_atom::value, spec, true);
    },
    [campaign](cluster::start_atom, std::string& id) {
      return campaign(actors::start_atom::value, id, false);
    },
    [campaign](cluster::start_atom, std::string& id, bool) {
      return campaign(actors::start_atom::value, id, true);
    },
    [campaign](cluster::pause_atom, std::string& id) {
      return campaign(actors::pause_atom::value, id, false);
    },
    [campaign](cluster::pause_atom, std::string& id, bool) {
      return campaign(actors::pause_atom::value, id, true);
    },
    [campaign](cluster::resume_atom, std::string& id) {
      return campaign(actors::resume_atom::value, id, false);
    },
    [campaign](cluster::resume_atom, std::string& id, bool) {
      return campaign(actors::resume_atom::value, id, true);
    },
    [campaign](cluster::cancel_atom, std::string& id) {
      return campaign(actors::cancel_atom::value, id, false);
    },
    [campaign](cluster::cancel_atom, std::string& id, bool) {
      return campaign(actors::cancel_atom::value, id, true);
    },
    [campaign](cluster::status_atom, std::string& id) {
      return campaign(actors::status_atom::value, id, false);
    },
    [campaign](cluster::status_atom, std::string& id, bool) {
      return campaign(actors::status_atom::value, id, true);
    },
    [list](cluster::list_atom) { return list(false); },
    [list](cluster::list_atom, bool) { return list(true); },
    [self, ctx](cluster::page_atom, std::string& kind, std::string& campaign,
                std::string& after, uint32_t limit) {
      return relay<customers::record_page>(self, ctx, "storage", std::chrono::seconds(120),
                                        actors::page_atom::value, std::move(kind),
                                        std::move(campaign), std::move(after), limit);
    },
    [self, ctx](cluster::replay_atom, std::string& id) {
      return relay<campaign::replay_result>(self, ctx, "campaigns", std::chrono::seconds(3600),
                                          actors::replay_atom::value, std::move(id));
    },
    [self, ctx](cluster::report_atom, std::string& campaign, std::string& by) {
      return relay<campaign::campaign_report>(self, ctx, "storage", std::chrono::seconds(3600),
                                            actors::report_atom::value, std::move(campaign),
                                            std::move(by));
    },
    [self, ctx](cluster::verify_atom) {
      return relay<customers::audit_report>(self, ctx, "storage", std::chrono::seconds(3600),
                                         actors::verify_atom::value);
    },
    [self, ctx](cluster::customer_atom, std::string& id) {
      return routed_customer(self, ctx, customer_query::record, std::move(id));
    },
    [self, ctx](cluster::customer_atom, std::string& id, bool) {
      // Routed here by a member's map; if this node's newer map gives the
      // shard to another member (it moved meanwhile), the lookup goes on there.
      return routed_customer(self, ctx, customer_query::record, std::move(id));
    },
    [self, ctx](cluster::export_atom, std::string& id) {
      return routed_customer(self, ctx, customer_query::holdings, std::move(id));
    },
    [self, ctx](cluster::export_atom, std::string& id, bool) {
      return routed_customer(self, ctx, customer_query::holdings, std::move(id));
    },
    [self, ctx, timers](cluster::erase_atom, std::string& id) {
      return customer_eraser::erase(self, ctx, timers, std::move(id));
    },
    [self, ctx](cluster::erase_atom, std::string& id, bool) -> caf::result<std::string> {
      // This node's part of an erasure another member coordinates.
      auto registry = registry_of(ctx);
      if (!registry)
        return no_registry();
      auto rp = self->make_response_promise<std::string>();
      // Within the coordinator's 30 s for this member's answer.
      self->request(registry, std::chrono::seconds(25), actors::erase_atom::value, std::move(id))
        .then([rp](std::string& json) mutable { rp.deliver(std::move(json)); },
              [rp](caf::error& err) mutable { rp.deliver(std::move(err)); });
      return rp;
    },
    [self](actors::info_atom) -> uint64_t { return self->mailbox().size(); },
    [timers](caf::tick_atom, uint64_t id) { timers->fire(id); },
    // -- the cluster --
    [self, ctx](cluster::nodes_atom) {
      return ask_cluster<std::vector<cluster::node_row>>(self, ctx, cluster::nodes_atom::value);
    },
    [self, ctx](cluster::drain_atom, std::string& id) {
      return ask_cluster<std::string>(self, ctx, cluster::drain_atom::value, std::move(id));
    },
    [self, ctx](cluster::join_atom, cluster::member_info& m, caf::actor& admin) {
      return ask_cluster<cluster::cluster_view>(self, ctx, cluster::join_atom::value,
                                                std::move(m), std::move(admin));
    },
    [to_cluster](cluster::heartbeat_atom, std::string& from, uint64_t version,
                 uint64_t customers, caf::actor& admin) {
      to_cluster(cluster::heartbeat_atom::value, std::move(from), version, customers,
                 std::move(admin));
    },
    [to_cluster](cluster::view_atom, cluster::cluster_view& view) {
      to_cluster(cluster::view_atom::value, std::move(view));
    },
    [self, ctx](cluster::view_atom) {
      return ask_cluster<cluster::cluster_view>(self, ctx, cluster::view_atom::value);
    },
    [to_cluster](cluster::handoff_atom, sharding::shard_move& move) {
      to_cluster(cluster::handoff_atom::value, std::move(move));
    },
    [self, ctx](cluster::handoff_atom, uint32_t, std::string& bytes) {
      return relay<uint64_t>(self, ctx, "storage", std::chrono::seconds(60),
                             actors::handoff_atom::value, std::move(bytes));
    },
    [to_cluster](cluster::moved_atom, sharding::shard_move& move, bool ok, std::string& reason) {
      to_cluster(cluster::moved_atom::value, std::move(move), ok, std::move(reason));
    },
  };
}

} // namespace

admin_actor spawn_admin_actor(caf::actor_system& sys, admin_context ctx) {
  // On the scheduler, not detached: a detached admin actor once kept the
  // node from exiting after SIGTERM (its thread waited for its last handle,
  // 1 of ~25 benchmark runs with a client asking it 200 times a second).
  return sys.spawn(admin_impl, std::move(ctx));
}

} // namespace troupe::runtime
