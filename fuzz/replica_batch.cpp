// Fuzz target: what a replica does with a shard batch. A primary's
// (replicate_atom, shard, epoch, bytes) member message carries a
// v1.ShardBatch as bytes; the replica applier parses it and applies it
// through the node's shard log (customers::apply_replica_batch:
// storage/shard_log's rules). The input picks the shard and epoch the
// message claims (some out of range) and the bytes; the log is the same for
// the whole run, so batches chain on earlier ones.
//
// Invariants: a batch is applied or refused, never a crash; one refused
// (an error) changes no shard's position; one applied is of the shard the
// message named, at the claimed epoch, and leaves that shard at its
// position; the node's metadata record is never written.

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include <fuzzer/FuzzedDataProvider.h>

#include "customers/replica_applier.hpp"
#include "fuzz/check.hpp"
#include "fuzz/temp_store.hpp"
#include "storage/shard_log.hpp"
#include "storage/shard_position.hpp"

using namespace troupe;

namespace {

constexpr uint32_t shard_count = 4;

std::vector<storage::position> positions(const storage::store& db) {
  std::vector<storage::position> out;
  for (uint32_t s = 0; s < shard_count; ++s) {
    auto p = storage::load_position(db, s);
    FUZZ_CHECK(p.ok(), "a position reads back");
    out.push_back(*p);
  }
  return out;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto& db = fuzz::temp_store(shard_count);
  static storage::shard_log log{db};
  FuzzedDataProvider in{data, size};
  auto shard = in.ConsumeIntegralInRange<uint32_t>(0, shard_count + 1);
  auto epoch = in.ConsumeIntegralInRange<uint64_t>(0, 3);
  auto bytes = in.ConsumeRemainingBytesAsString();

  auto before = positions(db);
  auto applied = customers::apply_replica_batch(log, shard, epoch, bytes);
  auto after = positions(db);
  FUZZ_CHECK(db.metadata().node_id() == "fuzz", "the node's record is not written");
  if (!applied || *applied != storage::apply_outcome::applied) {
    FUZZ_CHECK(before == after, "a batch not applied moves no position");
    return 0;
  }
  v1::ShardBatch batch;
  FUZZ_CHECK(batch.ParseFromString(bytes), "an applied batch parses");
  FUZZ_CHECK(batch.shard() == shard && shard < shard_count, "applied to the shard it names");
  FUZZ_CHECK(batch.position().epoch() == epoch, "at the epoch it claims");
  FUZZ_CHECK(after[shard] == storage::position_of(batch.position()),
             "the shard is left at the batch's position");
  for (uint32_t s = 0; s < shard_count; ++s)
    FUZZ_CHECK(s == shard || before[s] == after[s], "no other shard's position moves");
  return 0;
}
