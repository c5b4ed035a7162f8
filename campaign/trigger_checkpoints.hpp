#pragma once
/// A triggered campaign runner's shard checkpoints (their counters), each
/// read from the store once and kept while the runner serves the shard;
/// and the counting of a chunk of events' entries and cancels into them, in
/// a write of its own. One per runner, on its thread.

#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include "campaign/ledger.hpp"
#include "campaign/trigger_book.hpp"
#include "sharding/shard_ownership.hpp"
#include "storage/shard_writer.hpp"
#include "storage/store.hpp"
#include "troupe.pb.h"

namespace troupe::campaign {

class trigger_checkpoints {
public:
  trigger_checkpoints(std::shared_ptr<storage::store> db, std::string campaign_id)
    : db_(std::move(db)), id_(std::move(campaign_id)) {}

  /// `shard`'s checkpoint: cached, or read (a new one if none is stored).
  v1::Checkpoint& of(uint32_t shard);
  /// Puts `cp` back as `shard`'s (a write of it that failed).
  void restore(uint32_t shard, v1::Checkpoint cp) { cached_[shard] = std::move(cp); }
  /// Read again when next asked: `shard`'s, or every one.
  void forget(uint32_t shard) { cached_.erase(shard); }
  void clear() { cached_.clear(); }

  /// Counts the entries and cancels of `news` per shard into the
  /// checkpoints and writes them (through `records`, one part per shard,
  /// each shard entered in `ownership` meanwhile; a shard no longer served
  /// is skipped, a write that fails is logged and its checkpoint restored).
  void count(const trigger_news& news, ledger& records, storage::shard_writer& writer,
             sharding::shard_ownership* ownership);

private:
  std::shared_ptr<storage::store> db_;
  std::string id_;
  std::map<uint32_t, v1::Checkpoint> cached_;
};

} // namespace troupe::campaign
