#pragma once
/// A chunk's records (customers, events) grouped by shard for the node's
/// shard writer (storage/shard_writer), with the lines each shard's part
/// holds: a part that is not written rejects its lines, each shard's part
/// being written whole or not at all. One owner; `write` blocks.

#include <cstdint>
#include <map>
#include <vector>

#include "customers/import_types.hpp"
#include "storage/shard_writer.hpp"

namespace troupe::customers {

class sharded_write {
public:
  /// The batch of `shard`'s part; `line` (a chunk line number) goes in it.
  storage::write_batch& batch_for(uint32_t shard, uint64_t line);

  /// Writes every part. The lines of a part not written are counted in
  /// `out.rejected`, with one error (at its first line) saying why; returns
  /// how many lines that was.
  uint64_t write(storage::shard_writer& writer, import_result& out);

private:
  storage::shard_writes parts_;
  std::map<uint32_t, std::vector<uint64_t>> lines_;
};

} // namespace troupe::customers
