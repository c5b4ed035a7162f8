// One shard's records moved between two real stores (a catch-up's copy):
// every kind of record, the shard's position, the old copy deleted, and a
// shard the store lacks refused.

#include <gtest/gtest.h>

#include "storage/keys.hpp"
#include "storage/shard_position.hpp"
#include "storage/shard_transfer.hpp"
#include "tests/temp_dir.hpp"

using namespace troupe;

TEST(shard_transfer_test, a_shards_records_move_between_two_stores_and_the_old_copy_goes) {
  test::temp_dir dir;
  storage::store_options a_opts, b_opts;
  a_opts.data_dir = dir / "a";
  a_opts.node_id = "a";
  a_opts.shard_count = 4;
  b_opts = a_opts;
  b_opts.data_dir = dir / "b";
  b_opts.node_id = "b";
  auto a = storage::store::open(a_opts);
  auto b = storage::store::open(b_opts);
  ASSERT_TRUE(a && b);
  auto& from = **a;
  auto& to = **b;
  // Customers in every shard; a delivery and a checkpoint for some.
  std::map<uint32_t, int> per_shard;
  for (int i = 0; i < 200; ++i) {
    v1::Customer c;
    c.set_id("c" + std::to_string(i));
    auto shard = from.shard_of(c.id());
    ++per_shard[shard];
    ASSERT_TRUE(from.put(storage::column::customers, storage::keys::customer(shard, c.id()), c));
    v1::Delivery d;
    d.set_campaign_id("k");
    d.set_customer_id(c.id());
    ASSERT_TRUE(from.put(storage::column::deliveries, storage::keys::delivery("k", c.id()), d));
  }
  v1::Checkpoint cp;
  cp.set_campaign_id("k");
  cp.set_shard(2);
  ASSERT_TRUE(from.put(storage::column::checkpoints, storage::keys::checkpoint("k", 2), cp));
  v1::CampaignState state;
  state.mutable_spec()->set_id("k");
  state.set_total(200);
  ASSERT_TRUE(from.put(storage::column::campaigns, "k", state));
  storage::write_batch positioned;
  storage::put_position(positioned, 2, {3, 9});
  ASSERT_TRUE(from.write(positioned));

  std::size_t batches = 0;
  auto st = storage::read_shard(from, 2, 7, [&](v1::RecordBatch& batch) {
    ++batches;
    auto written = storage::write_shard_batch(to, batch);
    return written ? status::success() : written.err();
  });
  ASSERT_TRUE(st) << st.err().message();
  EXPECT_GT(batches, 1u);
  auto count = [](const storage::store& db, storage::column c) {
    uint64_t n = 0;
    EXPECT_TRUE(db.scan_raw(c, "", "", [&](auto, auto) { return ++n, true; }));
    return n;
  };
  EXPECT_EQ(count(to, storage::column::customers), static_cast<uint64_t>(per_shard[2]));
  EXPECT_EQ(count(to, storage::column::deliveries), static_cast<uint64_t>(per_shard[2]));
  EXPECT_EQ(count(to, storage::column::checkpoints), 1u);
  auto moved_state = to.get<v1::CampaignState>(storage::column::campaigns, "k");
  ASSERT_TRUE(moved_state && moved_state->has_value());
  EXPECT_EQ((*moved_state)->total(), 0u) << "the old owner's total is not this node's";
  auto moved_position = storage::load_position(to, 2);
  ASSERT_TRUE(moved_position);
  EXPECT_TRUE(*moved_position == (storage::position{3, 9})) << "the copy is at the sender's position";

  // A batch claiming another shard's customer is refused.
  v1::RecordBatch wrong;
  wrong.set_shard(2);
  for (int i = 0; i < 200; ++i)
    if (from.shard_of("c" + std::to_string(i)) != 2) {
      wrong.add_records()->mutable_customer()->set_id("c" + std::to_string(i));
      break;
    }
  EXPECT_FALSE(storage::write_shard_batch(to, wrong));

  ASSERT_TRUE(storage::erase_shard(from, 2));
  EXPECT_TRUE(*storage::load_position(from, 2) == storage::position{}) << "erased with the shard";
  EXPECT_EQ(count(from, storage::column::customers), 200u - per_shard[2]);
  EXPECT_EQ(count(from, storage::column::deliveries), 200u - per_shard[2]);
  EXPECT_EQ(count(from, storage::column::checkpoints), 0u);
}

namespace {

// Keys hold a shard in 2 bytes: a batch of shard 65539 (from a hostile or
// broken member) wrote shard 3's checkpoint, and clearing its "stale copy"
// erased every customer from shard 3 on. Found by fuzz/handoff_batch.
TEST(shard_transfer_test, a_batch_or_clear_of_a_shard_the_store_lacks_is_refused_and_touches_nothing) {
  test::temp_dir dir;
  storage::store_options opts;
  opts.data_dir = dir / "db";
  opts.node_id = "n1";
  opts.shard_count = 4;
  auto opened = storage::store::open(opts);
  ASSERT_TRUE(opened);
  auto& db = **opened;
  v1::Checkpoint cp;
  cp.set_campaign_id("k");
  cp.set_shard(3);
  cp.set_last_key("mine");
  ASSERT_TRUE(db.put(storage::column::checkpoints, storage::keys::checkpoint("k", 3), cp));
  v1::Customer c;
  c.set_id("c1");
  ASSERT_TRUE(db.put(storage::column::customers,
                     storage::keys::customer(db.shard_of(c.id()), c.id()), c));

  for (uint32_t shard : {4u, 65536u + 3u}) {
    v1::RecordBatch batch;
    batch.set_shard(shard);
    auto* forged = batch.add_records()->mutable_checkpoint();
    forged->set_campaign_id("k");
    forged->set_shard(shard);
    forged->set_last_key("forged");
    auto written = storage::write_shard_batch(db, batch);
    ASSERT_FALSE(written) << "shard " << shard;
    EXPECT_NE(written.err().message().find("not one of this store's 4"), std::string::npos)
      << written.err().message();
    EXPECT_FALSE(storage::holds_shard(db, shard));
    EXPECT_FALSE(storage::erase_shard(db, shard));
  }
  EXPECT_FALSE(storage::erase_shard(db, 65536u));
  auto kept = db.get<v1::Checkpoint>(storage::column::checkpoints,
                                     storage::keys::checkpoint("k", 3));
  ASSERT_TRUE(kept && kept->has_value());
  EXPECT_EQ((*kept)->last_key(), "mine");
  auto customer = db.get<v1::Customer>(storage::column::customers,
                                       storage::keys::customer(db.shard_of("c1"), "c1"));
  ASSERT_TRUE(customer && customer->has_value());
}

} // namespace
