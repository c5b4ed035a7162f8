// shard_log::write_local, a node alone writing several shards at once: one
// RocksDB write for every part, each at its shard's next position; a part
// refused before the write keeps its writes and does not stop the others;
// the chain goes on with write_as_primary as before. A real store.

#include <gtest/gtest.h>

#include "storage/keys.hpp"
#include "storage/shard_log.hpp"
#include "tests/test_store.hpp"

using namespace troupe;
using namespace troupe::storage;

namespace {

struct shard_log_local_test : ::testing::Test {
  test::temp_dir dir;
  std::shared_ptr<store> db = test::open_test_store(dir, 4);

  /// A customer id in `shard`, the n-th one.
  std::string id_in(uint32_t shard, int n = 0) {
    for (int i = 0;; ++i)
      if (db->shard_of("k" + std::to_string(i)) == shard && n-- == 0)
        return "k" + std::to_string(i);
  }

  /// A batch putting customer `id` into shard `shard`'s keys (its own
  /// shard's unless told otherwise).
  write_batch customer(const std::string& id, std::optional<uint32_t> shard = {}) {
    v1::Customer c;
    c.set_id(id);
    write_batch wb;
    wb.put(column::customers, keys::customer(shard.value_or(db->shard_of(id)), id), c);
    return wb;
  }

  bool stored(const std::string& id) {
    auto r = db->get_raw(column::customers, keys::customer(db->shard_of(id), id));
    return r && r->has_value();
  }

  position position_of_shard(uint32_t shard) {
    auto p = load_position(*db, shard);
    EXPECT_TRUE(p) << p.err().message();
    return p ? *p : position{};
  }
};

} // namespace

TEST_F(shard_log_local_test, several_shards_at_their_next_positions_in_one_write) {
  ASSERT_TRUE(db);
  shard_log log{*db};
  auto a = customer(id_in(0));
  auto b = customer(id_in(2));
  b.append(customer(id_in(2, 1)));
  std::vector<shard_log::local_part> parts{{2, 5, &b}, {0, 5, &a}};
  auto st = log.write_local(parts);
  ASSERT_EQ(st.size(), 2u);
  EXPECT_TRUE(st[0] && st[1]);
  EXPECT_TRUE(stored(id_in(0)) && stored(id_in(2)) && stored(id_in(2, 1)));
  EXPECT_EQ(position_of_shard(0), (position{5, 1}));
  EXPECT_EQ(position_of_shard(2), (position{5, 1}));
  EXPECT_EQ(position_of_shard(2).records, 2u); // the ops of every batch so far
  EXPECT_EQ(position_of_shard(1), position{});
  EXPECT_EQ(a.size() + b.size(), 0u); // moved into the write

  // The chain goes on with write_as_primary, and again with write_local.
  auto c = customer(id_in(0, 1));
  auto shipped = log.write_as_primary(0, 5, c);
  ASSERT_TRUE(shipped) << shipped.err().message();
  EXPECT_EQ(position_of(shipped->prev()), (position{5, 1}));
  auto d = customer(id_in(0, 2));
  std::vector<shard_log::local_part> again{{0, 6, &d}};
  EXPECT_TRUE(log.write_local(again)[0]);
  EXPECT_EQ(position_of_shard(0), (position{6, 3}));
  EXPECT_EQ(*log.applied(0), (position{6, 3}));
}

TEST_F(shard_log_local_test, a_part_refused_before_the_write_keeps_its_writes_the_others_go_on) {
  ASSERT_TRUE(db);
  shard_log log{*db};
  auto first = customer(id_in(1));
  std::vector<shard_log::local_part> up{{1, 7, &first}};
  ASSERT_TRUE(log.write_local(up)[0]);

  auto stale = customer(id_in(1, 1));           // epoch 6 < 7
  auto foreign = customer(id_in(3), 0);          // shard 3's customer under shard 0's key...
  auto fine = customer(id_in(2));
  auto twice = customer(id_in(2, 1));            // shard 2 a second time
  auto unknown = customer(id_in(0, 3));          // shard 9: none in this store
  std::vector<shard_log::local_part> parts{
    {1, 6, &stale}, {3, 7, &foreign}, {2, 7, &fine}, {2, 7, &twice}, {9, 7, &unknown}};
  auto st = log.write_local(parts);
  ASSERT_EQ(st.size(), 5u);
  EXPECT_TRUE(st[0].err().is(storage_errc::stale_epoch)) << st[0].err().message();
  EXPECT_TRUE(st[1].err().is(storage_errc::invalid)) << st[1].err().message();
  EXPECT_NE(st[1].err().message().find("writes a key of shard 0"), std::string::npos)
    << st[1].err().message();
  EXPECT_TRUE(st[2]) << st[2].err().message();
  EXPECT_NE(st[3].err().message().find("shard 2 twice"), std::string::npos)
    << st[3].err().message();
  EXPECT_TRUE(st[4].err().is(storage_errc::invalid)) << st[4].err().message();
  for (auto* kept : {&stale, &foreign, &twice, &unknown})
    EXPECT_EQ(kept->size(), 1u) << "a refused part keeps its writes";
  EXPECT_TRUE(stored(id_in(2)));
  EXPECT_FALSE(stored(id_in(1, 1)));
  EXPECT_FALSE(stored(id_in(2, 1)));
  EXPECT_EQ(position_of_shard(1), (position{7, 1}));
  EXPECT_EQ(position_of_shard(2), (position{7, 1}));
  EXPECT_EQ(position_of_shard(3), position{});
}
