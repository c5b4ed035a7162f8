#pragma once
/// A campaign runner's writes, off the runner's thread: a detached actor,
/// one per runner and linked to it, that writes the parts a ledger took
/// (ledger::take) through the node's shard writer and answers with the
/// status. The runner keeps at most one such write in flight and goes on
/// reading and accounting customers meanwhile; the write holds a shard's
/// checkpoint together with every record before it, so a write that fails
/// leaves the shard as its last written checkpoint says (the runner then
/// abandons the shard or fails, as after a write of its own).
///
///   ledger_writer_actor: (ledger_parts) -> ledger_written

#include <memory>
#include <vector>

#include <caf/all.hpp>

#include "common/error.hpp"
#include "storage/shard_writer.hpp"

namespace troupe::campaign {

struct ledger_parts {
  /// Shared, not copied: CAF wants message types copyable, a write batch
  /// is not. One owner at a time: the runner hands it over.
  std::shared_ptr<std::vector<storage::shard_write>> parts;
};

struct ledger_written {
  status result = status::success();
};

} // namespace troupe::campaign

// Local only (never serialized).
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(troupe::campaign::ledger_parts)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(troupe::campaign::ledger_written)

namespace troupe::campaign {

using ledger_writer_actor =
  caf::typed_actor<caf::replies_to<ledger_parts>::with<ledger_written>>;

/// Spawns the writer, detached (it blocks on RocksDB and, with
/// replication, on the replicas; its thread niced to `nice`, as the
/// pipeline's) and linked to `owner`.
ledger_writer_actor spawn_ledger_writer(caf::event_based_actor* owner,
                                        std::shared_ptr<storage::shard_writer> writer, int nice);

} // namespace troupe::campaign
