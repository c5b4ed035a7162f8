#pragma once
/// A shard's applied position: the (epoch, seq) of the last shard batch a
/// store applied for the shard (see shard_log.hpp). Kept in the `metadata`
/// column under `keys::shard_position(shard)` and always written in the same
/// RocksDB write batch as the data it describes; no key means (0,0), nothing
/// applied yet.
///
/// Pure values plus two store helpers; any thread.

#include <cstdint>
#include <string>

#include "common/error.hpp"
#include "storage/store.hpp"
#include "troupe.pb.h"

namespace troupe::storage {

/// Where a batch stands in its shard's log. Ordered by epoch, then seq;
/// `records` (the ops of every batch up to this one) goes along without
/// taking part in comparisons: a replica's lag is counted in it.
struct position {
  uint64_t epoch = 0;
  uint64_t seq = 0;
  uint64_t records = 0;
};

inline bool operator==(position a, position b) { return a.epoch == b.epoch && a.seq == b.seq; }
inline bool operator!=(position a, position b) { return !(a == b); }
inline bool operator<(position a, position b) {
  return a.epoch != b.epoch ? a.epoch < b.epoch : a.seq < b.seq;
}
inline bool operator>(position a, position b) { return b < a; }
inline bool operator<=(position a, position b) { return !(b < a); }
inline bool operator>=(position a, position b) { return !(a < b); }

/// "(epoch, seq)", for messages.
std::string to_string(position p);

position position_of(const v1::ShardPosition& p);
void set_position(v1::ShardPosition& out, position p);

/// The applied position of `shard` in `db`: (0,0) where none is stored;
/// `invalid` for a shard the store lacks; `corruption` for a record that
/// does not parse.
result<position> load_position(const store& db, uint32_t shard);

/// Adds the write of `shard`'s position to `batch` (an erase for (0,0)).
void put_position(write_batch& batch, uint32_t shard, position p);

} // namespace troupe::storage
