#include "cluster/replicating_writer.hpp"

#include <algorithm>
#include <thread>

#include <caf/all.hpp>

#include "actors/actor_error.hpp"
#include "actors/atoms.hpp"
#include "cluster/cluster_errc.hpp"
#include "common/log.hpp"
#include "common/metrics.hpp"
#include "storage/audit_log.hpp"

namespace troupe::cluster {

replication_metrics::replication_metrics(prometheus::Registry& registry) {
  auto& writes = metrics::counter_family(
    registry, "troupe_replication_writes_total",
    "Shard batches this node wrote as a primary, by result (written: on every in-sync copy)");
  written = &writes.Add({{"result", "written"}});
  failed = &writes.Add({{"result", "failed"}});
  dropped = &metrics::counter_family(registry, "troupe_replicas_dropped_total",
                                     "Replicas this node took out of a shard's in-sync set "
                                     "because they did not take a write")
               .Add({});
}

namespace {

using clock_type = std::chrono::steady_clock;

/// How long the map change that drops replicas may take (the cluster
/// actor's agent, etcd's bound included).
constexpr auto drop_timeout = std::chrono::seconds(15);
/// Between two asks of a replica whose map is behind.
constexpr auto future_retry = std::chrono::milliseconds(20);

std::string shard_name(uint32_t shard) { return "shard " + std::to_string(shard); }

} // namespace

/// A part prepared at its shard's epoch, and what its replicas did with it.
struct replicating_writer::prepared {
  std::size_t index = 0;   ///< into the parts
  std::size_t records = 0; ///< the part's batch size before its audit records
  v1::ShardBatch batch;
  std::string bytes;
  std::vector<std::string> replicas;      ///< in sync: each must take it
  std::map<std::string, std::string> failed; ///< replica -> why it did not
};

replicating_writer::replicating_writer(replication_config cfg)
  : cfg_(std::move(cfg)), locks_(cfg_.db->shard_count()) {}

std::vector<status> replicating_writer::write(std::vector<storage::shard_write>& parts) {
  std::vector<status> out(parts.size(), status::success());
  auto held = locks_.lock(parts);
  auto fail_all = [&](const error& e) {
    for (auto& s : out)
      s = e;
    if (cfg_.metrics)
      cfg_.metrics->failed->Increment(static_cast<double>(parts.size()));
    return out;
  };
  auto handles = cfg_.members ? cfg_.members->get() : nullptr;
  if (!handles || !handles->roster.in_cluster)
    return fail_all(make_error(cluster_errc::not_in_cluster,
                               "node " + cfg_.self + " is not in a cluster yet: it writes no shard"));
  if (cfg_.lease && !cfg_.lease->valid(clock_type::now(), cfg_.lease_margin))
    return fail_all(make_error(cluster_errc::not_in_cluster,
                               "node " + cfg_.self + " does not hold its lease in etcd: it "
                               "writes no shard"));
  const auto& map = handles->roster.map;

  // 1. Prepare each part at its shard's epoch.
  std::vector<prepared> ready;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    auto& part = parts[i];
    if (auto st = storage::check_part_shard(*cfg_.db, part); !st) {
      out[i] = st;
      continue;
    }
    if (part.shard >= map.shard_count()) {
      out[i] = make_error(cluster_errc::not_primary, shard_name(part.shard) + " is not in the map");
      continue;
    }
    const auto& p = map.shards[part.shard];
    if (p.primary != cfg_.self) {
      out[i] = make_error(cluster_errc::not_primary,
                          shard_name(part.shard) + " is led by " + (p.primary.empty() ? "nobody" : p.primary)
                            + " (epoch " + std::to_string(p.epoch) + "), not by " + cfg_.self);
      continue;
    }
    prepared r;
    r.index = i;
    r.records = part.batch.size();
    if (auto st = storage::append_shard_audit(*cfg_.db, part.shard, part.batch, part.audit); !st) {
      part.batch.truncate(r.records);
      out[i] = storage::in_shard(part.shard, st.err());
      continue;
    }
    auto batch = cfg_.log->prepare(part.shard, p.epoch, part.batch);
    if (!batch) {
      part.batch.truncate(r.records);
      out[i] = storage::in_shard(part.shard, batch.err());
      continue;
    }
    r.batch = std::move(*batch);
    r.bytes = r.batch.SerializeAsString();
    std::set<std::string> gone;
    {
      std::lock_guard<std::mutex> guard{dropped_mutex_};
      if (auto it = dropped_.find(part.shard);
          it != dropped_.end() && it->second.first > map.version)
        gone = it->second.second;
    }
    for (const auto& rep : p.replicas)
      if (rep.in_sync && rep.node != cfg_.self && gone.count(rep.node) == 0)
        r.replicas.push_back(rep.node);
    ready.push_back(std::move(r));
  }

  // 2. Every replica of every part at once; again where its map is behind.
  if (std::any_of(ready.begin(), ready.end(), [](auto& r) { return !r.replicas.empty(); })) {
    caf::scoped_actor self{*cfg_.sys};
    auto deadline = clock_type::now() + cfg_.replica_timeout;
    struct ask {
      prepared* part;
      std::string node;
    };
    std::vector<ask> asks;
    for (auto& r : ready)
      for (auto& node : r.replicas)
        asks.push_back({&r, node});
    auto handle_of = [&](const std::string& node) -> caf::actor {
      for (auto& [id, h] : handles->peers)
        if (id == node)
          return h;
      return {};
    };
    while (!asks.empty()) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline
                                                                         - clock_type::now());
      std::vector<ask> again;
      using reply_handle = decltype(self->request(caf::actor{}, caf::infinite,
                                                  actors::replicate_atom::value, uint32_t{},
                                                  uint64_t{}, std::string{}));
      std::vector<std::pair<ask, reply_handle>> sent;
      for (auto& a : asks) {
        auto h = handle_of(a.node);
        if (!h) {
          a.part->failed.emplace(a.node, "not connected");
          continue;
        }
        if (left.count() <= 0) {
          a.part->failed.emplace(a.node, "no answer in time (its map stayed behind)");
          continue;
        }
        sent.emplace_back(a, self->request(h, left, actors::replicate_atom::value,
                                           a.part->batch.shard(),
                                           a.part->batch.position().epoch(), a.part->bytes));
      }
      for (auto& [a, rh] : sent) {
        auto& who = a;
        std::move(rh).receive(
          [&](uint8_t outcome) {
            auto o = static_cast<storage::apply_outcome>(outcome);
            if (o == storage::apply_outcome::applied || o == storage::apply_outcome::duplicate)
              return;
            if (o == storage::apply_outcome::future_epoch) {
              again.push_back(who);
              return;
            }
            who.part->failed.emplace(who.node, outcome <= 4 ? storage::to_string(o)
                                                            : "an answer of no meaning");
          },
          [&](caf::error& err) { who.part->failed.emplace(who.node, actors::describe(err)); });
      }
      if (!again.empty())
        std::this_thread::sleep_for(future_retry);
      asks = std::move(again);
    }
  }

  // 3. Replicas that did not take their batch leave the in-sync set, in
  // one map change, before anything is acknowledged.
  std::vector<sharding::placement_change> drops;
  for (auto& r : ready)
    for (auto& [node, why] : r.failed) {
      drops.push_back({sharding::change_kind::mark_out_of_sync, r.batch.shard(), node,
                       r.batch.position().epoch()});
      log::warn("replication", shard_name(r.batch.shard()), ": replica ", node,
                " did not take batch ", r.batch.position().seq(), " (", why,
                "): taking it out of the in-sync set");
    }
  std::string drop_failure;
  if (!drops.empty()) {
    auto cluster = cfg_.cluster ? cfg_.cluster->get() : caf::actor{};
    if (!cluster) {
      drop_failure = "the cluster actor is not running";
    } else {
      caf::scoped_actor self{*cfg_.sys};
      self->request(cluster, drop_timeout, apply_atom::value, drops)
        .receive(
          [&](const sharding::placement_map& changed) {
            std::lock_guard<std::mutex> guard{dropped_mutex_};
            for (auto& d : drops) {
              auto& entry = dropped_[d.shard];
              if (entry.first < changed.version)
                entry = {changed.version, {}};
              entry.second.insert(d.node);
            }
            if (cfg_.metrics)
              cfg_.metrics->dropped->Increment(static_cast<double>(drops.size()));
          },
          [&](caf::error& err) { drop_failure = actors::describe(err); });
    }
  }

  // 4. Written here, and acknowledged: only while the lease still holds (a
  // process frozen while its replicas took the batches, woken after its
  // lease ended, writes nothing; the replicas' copies were never
  // acknowledged, and a promoted one carries on from them).
  bool leased = !cfg_.lease || cfg_.lease->valid(clock_type::now(), cfg_.lease_margin);
  for (auto& r : ready) {
    auto& part = parts[r.index];
    auto shard = r.batch.shard();
    if (!leased) {
      out[r.index] = make_error(cluster_errc::not_in_cluster,
                                "node " + cfg_.self + " lost its lease while replicating a batch of "
                                  + shard_name(shard) + ": not written here");
    } else if (!r.failed.empty() && !drop_failure.empty()) {
      out[r.index] = make_error(
        cluster_errc::replica_failed,
        shard_name(shard) + ": replica " + r.failed.begin()->first + " did not take the write ("
          + r.failed.begin()->second + ") and could not leave the in-sync set: "
          + drop_failure);
    } else if (auto st = cfg_.log->apply(r.batch); !st) {
      out[r.index] = storage::in_shard(shard, st.err());
    } else {
      part.batch.clear();
      part.audit.clear();
      continue;
    }
    part.batch.truncate(r.records);
    // No later batch may chain from this one.
    if (auto reset = cfg_.log->reset(shard); !reset)
      log::error("replication", shard_name(shard), ": cannot reset its log: ",
                 reset.err().message());
  }
  if (cfg_.metrics)
    for (auto& s : out)
      (s ? cfg_.metrics->written : cfg_.metrics->failed)->Increment();
  return out;
}

} // namespace troupe::cluster
