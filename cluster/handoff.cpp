#include "cluster/handoff.hpp"

#include "cluster/cluster_actor.hpp"
#include "cluster/corpus_copy.hpp"
#include "common/log.hpp"
#include "storage/shard_transfer.hpp"

namespace troupe::cluster {

namespace {

/// How long a runner may take to leave a sealed shard, and the new owner
/// to write one batch.
constexpr auto seal_timeout = std::chrono::seconds(120);
constexpr auto batch_timeout = std::chrono::seconds(60);

std::string join(const std::vector<uint64_t>& versions) {
  std::string out;
  for (auto v : versions)
    out += (out.empty() ? "" : ", ") + std::to_string(v);
  return out;
}

} // namespace

void spawn_handoff_sender(caf::actor_system& sys, handoff_job job) {
  // (Spawned with an argument: CAF 0.17 dereferences a null tuple of
  // arguments when there are none, which UBSan reports.)
  sys.spawn([](caf::blocking_actor* self, handoff_job job) {
    auto shard = job.copy.shard;
    bool sealed = false;
    auto done = [&](bool ok, const std::string& reason) {
      if (!ok && sealed)
        job.ownership->unseal(shard);
      self->send(job.reply_to, caught_atom::value, job.copy, ok, reason);
    };
    // The corpus its campaigns cite first, while the shard still serves.
    auto corpus = copy_corpus(self, *job.db, job.target, job.copy.to);
    if (!corpus)
      return done(false, corpus.err().message());
    if (!corpus->versions.empty())
      log::info("cluster", "shard ", shard, ": corpus versions ", join(corpus->versions), " (",
                corpus->documents, " documents) copied to ", job.copy.to, " first");
    sealed = true; // (a seal that timed out is lifted too)
    if (!job.ownership->seal(shard, seal_timeout))
      return done(false, "a campaign runner did not leave shard " + std::to_string(shard)
                           + " in time");
    uint64_t records = 0;
    auto st = storage::read_shard(*job.db, shard, job.batch, [&](v1::RecordBatch& batch) {
      std::string bytes;
      batch.SerializeToString(&bytes);
      status result = status::success();
      self->request(job.target, batch_timeout, handoff_atom::value, shard, std::move(bytes))
        .receive(
          [&](uint64_t written) {
            records += written;
            if (job.metrics) {
              job.metrics->handoff_records->Increment(static_cast<double>(written));
              job.metrics->sent->Increment();
            }
          },
          [&](caf::error& err) {
            result = make_error(storage::storage_errc::io_error,
                                "node " + job.copy.to + " did not take batch "
                                  + std::to_string(batch.sequence()) + ": "
                                  + self->system().render(err));
          });
      return result;
    });
    if (!st)
      return done(false, st.err().message());
    log::info("cluster", "shard ", shard, ": ", records, " records streamed to ", job.copy.to);
    done(true, "");
  }, std::move(job));
}

void spawn_sealer(caf::actor_system& sys, std::shared_ptr<sharding::shard_ownership> ownership,
                  sharding::placement_change change, caf::actor reply_to) {
  sys.spawn([ownership, reply_to](caf::blocking_actor* self,
                                  sharding::placement_change change) {
    bool ok = ownership->seal(change.shard, seal_timeout);
    if (!ok)
      ownership->unseal(change.shard);
    self->send(reply_to, sealed_atom::value, change, ok);
  }, std::move(change));
}

void spawn_shard_eraser(caf::actor_system& sys, std::shared_ptr<storage::store> db,
                        std::shared_ptr<storage::shard_log> log,
                        std::shared_ptr<sharding::shard_ownership> ownership, uint32_t shard,
                        caf::actor reply_to) {
  sys.spawn([db, log, ownership, reply_to](caf::blocking_actor* self, uint32_t shard) {
    auto st = storage::erase_shard(*db, shard);
    if (log) // the shard's position went with it
      if (auto reset = log->reset(shard); !reset && st)
        st = reset;
    if (!st)
      log::error("cluster", "shard ", shard, " moved away but its old copy could not be "
                 "deleted here: ", st.err().message());
    ownership->unseal(shard);
    self->send(reply_to, erased_atom::value, shard, static_cast<bool>(st));
  }, shard);
}

} // namespace troupe::cluster
