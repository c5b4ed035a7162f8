#include "runtime/import_router.hpp"

#include <algorithm>
#include <map>
#include <memory>

#include "actors/actor_error.hpp"
#include "actors/atoms.hpp"
#include "cluster/member_protocol.hpp"

namespace troupe::runtime {

namespace {

/// How long a shard's primary may take with its part of a chunk before the
/// part is routed again: a part is at most a chunk (1,000 lines), written in
/// well under a second; a member that died with the part answers never.
constexpr auto remote_part_timeout = std::chrono::seconds(20);

/// Adds `r` to `total` (counts, the highest version, errors up to the cap).
void merge_import(customers::import_result& total, const customers::import_result& r) {
  total.imported += r.imported;
  total.rejected += r.rejected;
  total.duplicates += r.duplicates;
  total.unmatched += r.unmatched;
  total.unknown_customers += r.unknown_customers;
  total.version = std::max(total.version, r.version);
  for (auto& e : r.errors)
    if (total.errors.size() < customers::max_errors_per_chunk)
      total.errors.push_back(e);
}


class import_router : public std::enable_shared_from_this<import_router> {
public:
  import_router(coordinator_ptr self, gateway_context ctx, caf::response_promise rp)
    : self_(self), ctx_(std::move(ctx)), rp_(std::move(rp)),
      deadline_(std::chrono::steady_clock::now() + std::chrono::seconds(60)) {}

  /// Imports `chunk` here; routes what comes back as foreign.
  void local(customers::import_chunk chunk) {
    ++pending_;
    auto me = shared_from_this();
    auto keep = std::make_shared<customers::import_chunk>(std::move(chunk));
    auto failed = [me, keep](caf::error& err) {
      me->reject_all(*keep, "not imported: " + actors::describe(err));
      me->one_done();
    };
    auto storage = part_of(ctx_, node_part::storage);
    if (!storage) {
      auto err = not_running(name_of(node_part::storage));
      return failed(err);
    }
    self_->request(storage, import_timeout, actors::import_atom::value, *keep)
      .then(
        [me, keep](customers::import_result& r) {
          merge_import(me->total_, r);
          if (!r.foreign.empty())
            me->forward(*keep, r);
          me->one_done();
        },
        failed);
  }

private:
  coordinator_ptr self_;
  gateway_context ctx_;
  caf::response_promise rp_;
  customers::import_result total_;
  std::size_t pending_ = 0;
  std::chrono::steady_clock::time_point deadline_;

  void reject_all(const customers::import_chunk& chunk, const std::string& why) {
    total_.rejected += chunk.lines.size();
    for (std::size_t i = 0; i < chunk.lines.size(); ++i)
      if (total_.errors.size() < customers::max_errors_per_chunk)
        total_.errors.push_back({chunk.line_of(i), why});
  }

  void one_done() {
    if (--pending_ == 0) {
      std::sort(total_.errors.begin(), total_.errors.end(),
                [](auto& a, auto& b) { return a.line < b.line; });
      finish(self_, rp_, std::move(total_));
    }
  }

  /// Sends the lines of `chunk` that `r` calls foreign to the owners of
  /// their shards (which the storage actor has read from them already).
  void forward(const customers::import_chunk& chunk, const customers::import_result& r) {
    auto me = shared_from_this();
    auto sub = std::make_shared<customers::import_chunk>();
    sub->kind = chunk.kind;
    sub->version = chunk.version;
    for (auto i : r.foreign) {
      sub->lines.push_back(chunk.lines[i]);
      sub->line_numbers.push_back(chunk.line_of(i));
    }
    auto shards = std::make_shared<std::vector<uint32_t>>(r.foreign_shards);
    auto cluster = cluster_of(ctx_);
    if (!cluster)
      return reject_all(*sub, "this node does not serve the shards of these records");
    ++pending_;
    self_->request(cluster, ask_timeout, cluster::members_atom::value)
      .then(
        [me, sub, shards](cluster::member_handles& h) {
          me->split(*sub, *shards, h);
          me->one_done();
        },
        [me, sub](caf::error& err) {
          me->reject_all(*sub, "not routed: " + actors::describe(err));
          me->one_done();
        });
  }

  /// `sub.lines[i]` is a record of shard `shards[i]`.
  void split(const customers::import_chunk& sub, const std::vector<uint32_t>& shards,
             const cluster::member_handles& h) {
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
      ++pending_;
      auto keep = std::make_shared<customers::import_chunk>(std::move(part));
      self_->request(owner, remote_part_timeout, cluster::local_atom::value, *keep)
        .then(
          [me](customers::import_result& r) {
            merge_import(me->total_, r);
            me->one_done();
          },
          [me, keep](caf::error& err) {
            // The owner did not answer: lost mid-chunk (a request to a
            // member that died answers nothing), or its shard moved. The
            // part goes through this node's routing again, which finds the
            // shard's primary now (an import is idempotent: upserts, and
            // events by their identity), until the deadline.
            if (std::chrono::steady_clock::now() < me->deadline_) {
              me->route_again(std::move(*keep));
            } else {
              me->reject_all(*keep,
                             "not imported on the shard's owner: " + actors::describe(err));
            }
            me->one_done();
          });
    }
    if (waiting.lines.empty())
      return;
    if (std::chrono::steady_clock::now() > deadline_)
      return reject_all(waiting, unreachable_owner.empty()
                                   ? "the record's shard was moving and did not settle in time"
                                   : "the record's shard is on " + unreachable_owner
                                       + ", which cannot be reached");
    route_again(std::move(waiting));
  }

  /// `part` through this node's routing once more, in 100 ms.
  void route_again(customers::import_chunk part) {
    auto me = shared_from_this();
    ++pending_;
    auto keep = std::make_shared<customers::import_chunk>(std::move(part));
    after(self_, std::chrono::milliseconds(100), [me, keep] {
      me->local(std::move(*keep));
      me->one_done();
    });
  }
};

} // namespace

coordinator_work route_import(gateway_context ctx, customers::import_chunk chunk) {
  return [ctx, chunk](coordinator_ptr self, caf::response_promise rp) {
    std::make_shared<import_router>(self, ctx, std::move(rp))->local(chunk);
  };
}

} // namespace troupe::runtime
