#include "storage/shard_position.hpp"

#include "storage/keys.hpp"

namespace troupe::storage {

std::string to_string(position p) {
  return "(" + std::to_string(p.epoch) + ", " + std::to_string(p.seq) + ")";
}

position position_of(const v1::ShardPosition& p) { return {p.epoch(), p.seq(), p.records()}; }

void set_position(v1::ShardPosition& out, position p) {
  out.set_epoch(p.epoch);
  out.set_seq(p.seq);
  out.set_records(p.records);
}

result<position> load_position(const store& db, uint32_t shard) {
  if (shard >= db.shard_count())
    return make_error(storage_errc::invalid, "shard " + std::to_string(shard)
                                               + " is not one of this store's "
                                               + std::to_string(db.shard_count()));
  auto stored = db.get<v1::ShardPosition>(column::metadata, keys::shard_position(shard));
  if (!stored)
    return stored.err();
  if (!stored->has_value())
    return position{};
  return position_of(**stored);
}

void put_position(write_batch& batch, uint32_t shard, position p) {
  if (p == position{}) {
    batch.erase(column::metadata, keys::shard_position(shard));
    return;
  }
  v1::ShardPosition record;
  set_position(record, p);
  batch.put(column::metadata, keys::shard_position(shard), record);
}

} // namespace troupe::storage
