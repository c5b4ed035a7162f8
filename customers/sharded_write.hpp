#pragma once
/// A chunk's records (customers, events) grouped by shard for the node's
/// shard writer (storage/shard_writer), with the lines each shard's part
/// holds: a part that is not written rejects its lines, each shard's part
/// being written whole or not at all. One owner; `write` blocks.
///
/// With the node's shard ownership, a shard is entered (like a campaign
/// runner enters it) before any of its records is taken, and left once
/// they are written: a copy of the shard to a replica (which seals it and
/// waits for those inside) never misses a write that is under way.

#include <cstdint>
#include <map>
#include <set>
#include <vector>

#include "customers/import_types.hpp"
#include "sharding/shard_ownership.hpp"
#include "storage/shard_writer.hpp"

namespace troupe::customers {

class sharded_write {
public:
  /// `ownership` may be null: every shard is this node's. `reroute`: a
  /// part the cluster refuses for a reason that may pass (this node stopped
  /// being the shard's primary, its lease lapsed) hands its lines back as foreign,
  /// for the caller to route to the shard's primary now, instead of
  /// rejecting them (for writes that may be applied twice: upserts).
  explicit sharded_write(sharding::shard_ownership* ownership = nullptr, bool reroute = false)
    : ownership_(ownership), reroute_(reroute) {}
  ~sharded_write();
  sharded_write(const sharded_write&) = delete;
  sharded_write& operator=(const sharded_write&) = delete;

  /// True once this write is inside `shard` (entered now or before); false
  /// where this node does not serve it (not its primary, or sealed).
  bool enter(uint32_t shard);

  /// The batch of `shard`'s part; `line` (a chunk line number; `index`, its
  /// index in the chunk; `chunk`, which of the chunks written together)
  /// goes in it.
  storage::write_batch& batch_for(uint32_t shard, uint64_t line, std::size_t index = 0,
                                  std::size_t chunk = 0);

  /// The batch of `shard`'s part, for a record written with lines already
  /// in it (a profile their events changed): it stands or falls with them.
  storage::write_batch& batch_of(uint32_t shard) { return parts_.of(shard).batch; }

  /// Writes every part, then leaves every shard entered. The lines of a
  /// part not written are counted in `out.rejected`, with one error (at its
  /// first line) saying why, or handed back in `out.foreign` (see
  /// `reroute`); returns how many lines that was.
  uint64_t write(storage::shard_writer& writer, import_result& out);

  /// The same for lines of several chunks (`outs[c]`: chunk c's result,
  /// as `batch_for` was told); how many lines of each were not written.
  std::vector<uint64_t> write(storage::shard_writer& writer,
                              const std::vector<import_result*>& outs);

  /// The shards whose part the last `write` did not write.
  const std::set<uint32_t>& refused() const { return refused_; }

private:
  void leave_all();
  sharding::shard_ownership* ownership_;
  bool reroute_;
  std::set<uint32_t> inside_;
  std::set<uint32_t> refused_;
  storage::shard_writes parts_;
  struct line_ref {
    uint64_t line;
    std::size_t index;
    std::size_t chunk;
  };
  std::map<uint32_t, std::vector<line_ref>> lines_;
};

} // namespace troupe::customers
