#include "customers/replica_applier.hpp"

#include "actors/actor_error.hpp"

namespace troupe::customers {

result<storage::apply_outcome> apply_replica_batch(storage::shard_log& log, uint32_t shard,
                                                   uint64_t epoch, const std::string& bytes) {
  v1::ShardBatch batch;
  if (!batch.ParseFromString(bytes))
    return storage::make_error(storage::storage_errc::invalid,
                               "a shard batch for shard " + std::to_string(shard)
                                 + " does not parse");
  if (batch.shard() != shard || batch.position().epoch() != epoch)
    return storage::make_error(storage::storage_errc::invalid,
                               "a shard batch of shard " + std::to_string(batch.shard())
                                 + " at epoch " + std::to_string(batch.position().epoch())
                                 + " sent as one of shard " + std::to_string(shard)
                                 + " at epoch " + std::to_string(epoch));
  return log.apply_replica(batch, epoch);
}

namespace {

replica_applier::behavior_type applier_impl(replica_applier::pointer self,
                                            std::shared_ptr<storage::store> db,
                                            std::shared_ptr<storage::shard_log> log) {
  return {
    [self](actors::info_atom) -> uint64_t { return self->mailbox().size(); },
    [db, log](actors::replicate_atom, uint32_t shard, uint64_t epoch,
              const std::string& bytes) -> caf::result<uint8_t> {
      auto applied = apply_replica_batch(*log, shard, epoch, bytes);
      if (!applied)
        return actors::to_caf_error(applied.err());
      return static_cast<uint8_t>(*applied);
    },
  };
}

} // namespace

replica_applier spawn_replica_applier(caf::actor_system& sys,
                                      std::shared_ptr<storage::store> db,
                                      std::shared_ptr<storage::shard_log> log) {
  return sys.spawn<caf::detached>(applier_impl, std::move(db), std::move(log));
}

} // namespace troupe::customers
