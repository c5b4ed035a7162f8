// Fuzz target: the member-protocol decoder for shard handoffs. A member's
// (handoff_atom, shard, bytes) message carries a v1.RecordBatch as bytes;
// the new owner's storage actor parses it, clears its stale copy of the
// shard when the batch is a transfer's first (it does not own the shard
// yet), and writes it (storage::write_shard_batch). This harness does the
// same on a store of a few shards in a temp dir.
//
// Invariants: a batch is written or refused, never a crash; a batch of
// shard S changes no other shard's customers or campaign checkpoints,
// whatever shard number or records it names.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "fuzz/check.hpp"
#include "fuzz/temp_store.hpp"
#include "storage/customer_records.hpp"
#include "storage/keys.hpp"
#include "storage/shard_transfer.hpp"
#include "storage/store.hpp"

using namespace troupe;

namespace {

constexpr uint32_t shard_count = 4;

/// One sentinel customer and one checkpoint in every shard of the store.
struct fixture {
  storage::store* db = nullptr;
  std::vector<v1::Customer> sentinels;     ///< [shard]
  std::vector<v1::Checkpoint> checkpoints; ///< [shard]
};

fixture make_fixture() {
  fixture f;
  f.db = &fuzz::temp_store(shard_count);
  f.sentinels.resize(shard_count);
  auto missing = [&] {
    return std::any_of(f.sentinels.begin(), f.sentinels.end(),
                       [](const auto& c) { return c.id().empty(); });
  };
  for (int i = 0; missing(); ++i) {
    auto id = "sentinel-" + std::to_string(i);
    auto& c = f.sentinels[f.db->shard_of(id)];
    if (c.id().empty()) {
      c.set_id(id);
      c.set_region("CA");
      c.set_order_count(i);
    }
  }
  for (uint32_t s = 0; s < shard_count; ++s) {
    v1::Checkpoint cp;
    cp.set_campaign_id("spring");
    cp.set_shard(s);
    cp.set_last_key("k" + std::to_string(s));
    f.checkpoints.push_back(cp);
  }
  return f;
}

/// Puts every sentinel back (a batch may have cleared its own shard's).
void reset(fixture& f) {
  storage::write_batch wb;
  for (uint32_t s = 0; s < shard_count; ++s) {
    storage::put_customer(*f.db, wb, f.sentinels[s]);
    wb.put(storage::column::checkpoints, storage::keys::checkpoint("spring", s),
           f.checkpoints[s]);
  }
  FUZZ_CHECK(f.db->write(wb).ok(), "the sentinels are written");
}

void check_untouched(fixture& f, uint32_t batch_shard) {
  for (uint32_t s = 0; s < shard_count; ++s) {
    if (s == batch_shard)
      continue;
    auto c = storage::read_customer(*f.db, f.sentinels[s].id());
    FUZZ_CHECK(c.ok() && c->has_value(), "another shard's customer is still there");
    FUZZ_CHECK((*c)->SerializeAsString() == f.sentinels[s].SerializeAsString(),
               "another shard's customer is unchanged");
    auto cp = f.db->get_raw(storage::column::checkpoints, storage::keys::checkpoint("spring", s));
    FUZZ_CHECK(cp.ok() && cp->has_value() && **cp == f.checkpoints[s].SerializeAsString(),
               "another shard's checkpoint is unchanged");
  }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static fixture f = make_fixture();
  v1::RecordBatch batch;
  if (!batch.ParseFromArray(data, static_cast<int>(size)))
    return 0; // refused as "a handoff batch does not parse"
  // The last batch syncs the WAL: no input's business, and an fsync per run.
  batch.set_last(false);
  reset(f);
  // customers::storage_actor's handler, for a shard this node does not own.
  bool cleared = true;
  if (batch.sequence() == 0) {
    auto stale = storage::holds_shard(*f.db, batch.shard());
    cleared = stale.ok() && (!*stale || storage::erase_shard(*f.db, batch.shard()).ok());
  }
  if (cleared) {
    auto written = storage::write_shard_batch(*f.db, batch);
    if (written)
      FUZZ_CHECK(*written <= static_cast<uint64_t>(batch.records_size()),
                 "no more records written than sent");
    else
      FUZZ_CHECK(!written.err().message().empty(), "a refusal says why");
  }
  check_untouched(f, batch.shard());
  return 0;
}
