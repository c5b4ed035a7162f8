// Shard batches over real stores: positions chained on the primary (also
// from concurrent threads), replicas applying them in order and refusing
// stale, future, diverged and foreign batches, positions written with their
// data and kept across a reopen, and a full copy carrying the position.

#include <algorithm>
#include <mutex>
#include <thread>

#include <gtest/gtest.h>

#include "storage/keys.hpp"
#include "storage/audit_log.hpp"
#include "storage/shard_log.hpp"
#include "storage/shard_transfer.hpp"
#include "tests/test_store.hpp"

using namespace troupe;
using namespace troupe::storage;

namespace {

constexpr uint32_t shards = 4;

/// The first customer id "c<i>" that is in `shard`.
std::string customer_in(const store& db, uint32_t shard, int from = 0) {
  for (int i = from;; ++i)
    if (db.shard_of("c" + std::to_string(i)) == shard)
      return "c" + std::to_string(i);
}

/// A write batch that puts customer `id` (name `name`) into its shard.
write_batch put_customer(const store& db, const std::string& id, const std::string& name = "") {
  v1::Customer c;
  c.set_id(id);
  c.set_first_name(name);
  write_batch wb;
  wb.put(column::customers, keys::customer(db.shard_of(id), id), c);
  return wb;
}

/// The name of customer `id` in `db`, or "absent".
std::string name_of_customer(const store& db, const std::string& id) {
  auto c = db.get<v1::Customer>(column::customers, keys::customer(db.shard_of(id), id));
  EXPECT_TRUE(c);
  return c && c->has_value() ? (*c)->first_name() : "absent";
}

position pos(uint64_t e, uint64_t s) { return {e, s}; }
position at(const v1::ShardPosition& p) { return position_of(p); }

position stored(const store& db, uint32_t shard) {
  auto p = load_position(db, shard);
  EXPECT_TRUE(p) << p.err().message();
  return p ? *p : position{99, 99};
}

bool says(const error& e, const std::string& text) {
  return e.message().find(text) != std::string::npos;
}

struct two_stores {
  test::temp_dir dir_a, dir_b;
  std::shared_ptr<store> a = test::open_test_store(dir_a, shards);
  std::shared_ptr<store> b = test::open_test_store(dir_b, shards);
};

} // namespace

namespace troupe::storage {
std::ostream& operator<<(std::ostream& os, position p) { return os << to_string(p); }
} // namespace troupe::storage

TEST(shard_log_test, positions_order_by_epoch_then_seq) {
  EXPECT_LT(pos(1, 9), pos(2, 1));
  EXPECT_LT(pos(2, 1), pos(2, 2));
  EXPECT_EQ(pos(3, 4), pos(3, 4));
  EXPECT_GE(pos(3, 4), pos(3, 4));
  EXPECT_GT(pos(1, 0), pos(0, 100));
}

TEST(shard_log_test, prepares_chain_and_apply_in_order_with_data_and_position_together) {
  test::temp_dir dir;
  auto db = test::open_test_store(dir, shards);
  ASSERT_TRUE(db);
  shard_log log{*db};
  auto id = customer_in(*db, 1);
  std::vector<v1::ShardBatch> batches;
  for (int i = 0; i < 3; ++i) {
    auto wb = put_customer(*db, id, "v" + std::to_string(i));
    auto b = log.prepare(1, 7, wb);
    ASSERT_TRUE(b) << b.err().message();
    EXPECT_EQ(wb.size(), 0u) << "the writes moved into the shard batch";
    EXPECT_EQ(b->shard(), 1u);
    EXPECT_EQ(b->ops_size(), 1);
    batches.push_back(*b);
  }
  EXPECT_EQ(at(batches[0].prev()), pos(0, 0));
  for (std::size_t i = 0; i < batches.size(); ++i) {
    EXPECT_EQ(at(batches[i].position()), pos(7, i + 1));
    if (i > 0) {
      EXPECT_EQ(at(batches[i].prev()), at(batches[i - 1].position()));
    }
  }
  // Prepared is not written.
  EXPECT_EQ(stored(*db, 1), pos(0, 0));
  EXPECT_EQ(name_of_customer(*db, id), "absent");
  // Out of order: refused, nothing written.
  auto skipped = log.apply(batches[1]);
  ASSERT_FALSE(skipped);
  EXPECT_TRUE(skipped.err().is(storage_errc::invalid)) << skipped.err().message();
  for (std::size_t i = 0; i < batches.size(); ++i) {
    ASSERT_TRUE(log.apply(batches[i]));
    EXPECT_EQ(stored(*db, 1), pos(7, i + 1));
    EXPECT_EQ(name_of_customer(*db, id), "v" + std::to_string(i));
  }
  EXPECT_EQ(*log.applied(1), pos(7, 3));
  EXPECT_FALSE(log.apply(batches[2])) << "applied already";
  // write_as_primary continues the chain; an older epoch is refused.
  auto wb = put_customer(*db, id, "direct");
  auto direct = log.write_as_primary(1, 7, wb);
  ASSERT_TRUE(direct) << direct.err().message();
  EXPECT_EQ(at(direct->position()), pos(7, 4));
  EXPECT_EQ(at(direct->prev()), pos(7, 3));
  EXPECT_EQ(name_of_customer(*db, id), "direct");
  auto older = put_customer(*db, id, "old");
  auto refused = log.prepare(1, 6, older);
  ASSERT_FALSE(refused);
  EXPECT_TRUE(refused.err().is(storage_errc::stale_epoch)) << refused.err().message();
  EXPECT_EQ(older.size(), 1u) << "a refused batch keeps its writes";
  // Other shards are untouched; a shard the store lacks is refused.
  EXPECT_EQ(stored(*db, 0), pos(0, 0));
  auto none = put_customer(*db, id);
  EXPECT_TRUE(log.prepare(shards, 7, none).err().is(storage_errc::invalid));
  EXPECT_TRUE(load_position(*db, shards).err().is(storage_errc::invalid));
}

TEST(shard_log_test, concurrent_prepares_on_one_shard_form_a_gapless_chain) {
  test::temp_dir dir;
  auto db = test::open_test_store(dir, shards);
  ASSERT_TRUE(db);
  shard_log log{*db};
  constexpr int threads = 4, per_thread = 50;
  std::mutex mutex;
  std::vector<v1::ShardBatch> batches;
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t)
    pool.emplace_back([&, t] {
      for (int i = 0; i < per_thread; ++i) {
        auto id = "t" + std::to_string(t) + "-" + std::to_string(i);
        auto wb = put_customer(*db, id);
        // Each shard's batches race each other; other shards run beside.
        auto shard = db->shard_of(id);
        auto b = log.prepare(shard, 1, wb);
        ASSERT_TRUE(b) << b.err().message();
        std::lock_guard lock{mutex};
        batches.push_back(std::move(*b));
      }
    });
  for (auto& t : pool)
    t.join();
  ASSERT_EQ(batches.size(), static_cast<std::size_t>(threads * per_thread));
  std::sort(batches.begin(), batches.end(), [](const auto& x, const auto& y) {
    return std::make_pair(x.shard(), x.position().seq())
           < std::make_pair(y.shard(), y.position().seq());
  });
  std::map<uint32_t, position> last;
  for (const auto& b : batches) {
    auto& prev = last[b.shard()];
    EXPECT_EQ(at(b.prev()), prev);
    EXPECT_EQ(at(b.position()), pos(1, prev.seq + 1)) << "shard " << b.shard();
    prev = at(b.position());
    ASSERT_TRUE(log.apply(b));
  }
  for (const auto& [shard, p] : last)
    EXPECT_EQ(stored(*db, shard), p);
}

TEST(shard_log_test, a_replica_applies_the_chain_and_refuses_stale_future_and_gaps) {
  two_stores s;
  ASSERT_TRUE(s.a && s.b);
  shard_log primary{*s.a}, replica{*s.b};
  auto id = customer_in(*s.a, 2);
  std::vector<v1::ShardBatch> chain;
  for (int i = 0; i < 4; ++i) {
    auto wb = put_customer(*s.a, id, "v" + std::to_string(i));
    auto b = primary.write_as_primary(2, 3, wb);
    ASSERT_TRUE(b) << b.err().message();
    chain.push_back(*b);
  }
  for (int i = 0; i < 2; ++i) {
    auto r = replica.apply_replica(chain[i], 3);
    ASSERT_TRUE(r) << r.err().message();
    EXPECT_EQ(*r, apply_outcome::applied);
  }
  EXPECT_EQ(stored(*s.b, 2), pos(3, 2));
  EXPECT_EQ(name_of_customer(*s.b, id), "v1");
  // Records counted along (one op a batch): the replica's lag is 4 - 2.
  EXPECT_EQ(stored(*s.a, 2).records, 4u);
  EXPECT_EQ(stored(*s.b, 2).records, 2u);
  // The caller's epoch is newer (a deposed primary's batch) or older.
  EXPECT_EQ(*replica.apply_replica(chain[2], 4), apply_outcome::stale_epoch);
  EXPECT_EQ(*replica.apply_replica(chain[2], 2), apply_outcome::future_epoch);
  // A gap: batch 4 after batch 2.
  EXPECT_EQ(*replica.apply_replica(chain[3], 3), apply_outcome::diverged);
  EXPECT_EQ(stored(*s.b, 2), pos(3, 2));
  EXPECT_EQ(name_of_customer(*s.b, id), "v1");
  // A duplicate is acknowledged without a write: its changed value stays out.
  auto again = chain[1];
  v1::Customer changed;
  changed.set_id(id);
  changed.set_first_name("changed");
  again.mutable_ops(0)->set_value(changed.SerializeAsString());
  EXPECT_EQ(*replica.apply_replica(again, 3), apply_outcome::duplicate);
  EXPECT_EQ(*replica.apply_replica(chain[0], 3), apply_outcome::duplicate);
  EXPECT_EQ(name_of_customer(*s.b, id), "v1");
  EXPECT_EQ(stored(*s.b, 2), pos(3, 2));
  for (int i = 2; i < 4; ++i)
    EXPECT_EQ(*replica.apply_replica(chain[i], 3), apply_outcome::applied);
  EXPECT_EQ(name_of_customer(*s.b, id), "v3");
  EXPECT_EQ(stored(*s.b, 2), stored(*s.a, 2));
  // A replica already in a newer epoch than the caller thinks current.
  auto wb = put_customer(*s.a, id, "v5");
  auto newer = primary.write_as_primary(2, 5, wb);
  ASSERT_TRUE(newer);
  EXPECT_EQ(*replica.apply_replica(*newer, 5), apply_outcome::applied);
  auto old_epoch = chain[3];
  old_epoch.mutable_position()->set_seq(9);
  old_epoch.mutable_prev()->set_seq(4);
  EXPECT_EQ(*replica.apply_replica(old_epoch, 3), apply_outcome::stale_epoch);
  // A position not after its prev is no batch.
  auto backwards = *newer;
  *backwards.mutable_prev() = backwards.position();
  EXPECT_TRUE(replica.apply_replica(backwards, 5).err().is(storage_errc::invalid));
}

TEST(shard_log_test, a_new_epoch_chains_from_the_old_and_an_extra_old_batch_diverges) {
  test::temp_dir dir_c;
  two_stores s;
  auto c = test::open_test_store(dir_c, shards);
  ASSERT_TRUE(s.a && s.b && c);
  shard_log old_primary{*s.a}, promoted{*s.b}, ahead{*c};
  auto id = customer_in(*s.a, 0);
  for (int i = 0; i < 2; ++i) {
    auto wb = put_customer(*s.a, id, "v" + std::to_string(i));
    auto b = old_primary.write_as_primary(0, 1, wb);
    ASSERT_TRUE(b);
    EXPECT_EQ(*promoted.apply_replica(*b, 1), apply_outcome::applied);
    EXPECT_EQ(*ahead.apply_replica(*b, 1), apply_outcome::applied);
  }
  // (1,3) reached one replica only, then the primary was lost.
  auto wb = put_customer(*s.a, id, "lost");
  auto extra = old_primary.write_as_primary(0, 1, wb);
  ASSERT_TRUE(extra);
  EXPECT_EQ(*ahead.apply_replica(*extra, 1), apply_outcome::applied);
  EXPECT_EQ(stored(*c, 0), pos(1, 3));

  // The promoted replica (at (1,2)) writes under epoch 2.
  ASSERT_TRUE(promoted.reset(0)) << "its role changed";
  auto next = put_customer(*s.b, id, "epoch 2");
  auto first = promoted.write_as_primary(0, 2, next);
  ASSERT_TRUE(first) << first.err().message();
  EXPECT_EQ(at(first->prev()), pos(1, 2));
  EXPECT_EQ(at(first->position()), pos(2, 3));
  EXPECT_EQ(*ahead.apply_replica(*first, 2), apply_outcome::diverged);
  EXPECT_EQ(name_of_customer(*c, id), "lost");
  // The old primary, once it is a replica of epoch 2, is at (1,3) too.
  ASSERT_TRUE(old_primary.reset(0));
  EXPECT_EQ(*old_primary.apply_replica(*first, 2), apply_outcome::diverged);
  // A replica in step with the new primary takes it.
  test::temp_dir dir_d;
  auto d = test::open_test_store(dir_d, shards);
  ASSERT_TRUE(d);
  shard_log in_step{*d};
  ASSERT_TRUE(storage::read_shard(*s.b, 0, 100, [&](v1::RecordBatch& rb) {
    auto n = write_shard_batch(*d, rb);
    return n ? status::success() : n.err();
  }));
  EXPECT_EQ(stored(*d, 0), pos(2, 3));
  auto wb2 = put_customer(*s.b, id, "epoch 2 again");
  auto second = promoted.write_as_primary(0, 2, wb2);
  ASSERT_TRUE(second);
  EXPECT_EQ(*in_step.apply_replica(*second, 2), apply_outcome::applied);
  EXPECT_EQ(name_of_customer(*d, id), "epoch 2 again");
}

TEST(shard_log_test, metadata_unknown_columns_and_foreign_keys_are_refused_by_both_ends) {
  two_stores s;
  ASSERT_TRUE(s.a && s.b);
  shard_log primary{*s.a}, replica{*s.b};
  auto mine = customer_in(*s.a, 1), theirs = customer_in(*s.a, 2);
  // The primary refuses them in prepare, naming the op.
  auto expect_refused = [&](write_batch wb, const std::string& text) {
    auto b = primary.prepare(1, 1, wb);
    ASSERT_FALSE(b) << text;
    EXPECT_TRUE(b.err().is(storage_errc::invalid));
    EXPECT_TRUE(says(b.err(), text)) << b.err().message();
    EXPECT_GT(wb.size(), 0u);
  };
  auto with = [&](auto add) {
    auto wb = put_customer(*s.a, mine);
    add(wb);
    return wb;
  };
  v1::NodeMetadata meta;
  meta.set_node_id("evil");
  expect_refused(with([&](write_batch& wb) { wb.put(column::metadata, "node", meta); }),
                 "op 1 of the batch of shard 1 writes column 8 (metadata)");
  expect_refused(with([&](write_batch& wb) {
                   wb.put_raw(column::customers, keys::customer(2, theirs), "");
                 }),
                 "op 1 of the batch of shard 1 writes a key of shard 2 in column 'customers'");
  expect_refused(with([&](write_batch& wb) {
                   wb.put_raw(column::deliveries, keys::delivery("k", theirs), "");
                 }),
                 "writes a key of shard 2 in column 'deliveries'");
  expect_refused(with([&](write_batch& wb) {
                   wb.put_raw(column::dead_letters, keys::delivery("k", theirs), "");
                 }),
                 "in column 'dead_letters'");
  v1::Event e;
  e.set_campaign_id("k");
  e.set_customer_id(theirs);
  e.set_type("open");
  expect_refused(with([&](write_batch& wb) { wb.erase(column::events, keys::event(e)); }),
                 "in column 'events'");
  auto e_mine = e;
  e_mine.set_customer_id(mine);
  expect_refused(with([&](write_batch& wb) {
                   wb.put_raw(column::checkpoints, keys::checkpoint("k", 2), "");
                 }),
                 "writes a key of shard 2 in column 'checkpoints'");
  expect_refused(with([&](write_batch& wb) { wb.put_raw(column::deliveries, "no-nul", ""); }),
                 "op 1 of the batch of shard 1 has a key of column 'deliveries' without");
  EXPECT_EQ(*primary.applied(1), pos(0, 0)) << "no refused batch took a position";

  // A node's own columns, and audit records outside the shard's chain.
  expect_refused(with([&](write_batch& wb) { wb.put_raw(column::campaigns, "k", ""); }),
                 "a record of column 'campaigns', which is no shard's");
  expect_refused(with([&](write_batch& wb) { wb.put_raw(column::corpus, "k", ""); }),
                 "a record of column 'corpus', which is no shard's");
  expect_refused(with([&](write_batch& wb) {
                   wb.put_raw(column::audit, storage::audit_key(3), "");
                 }),
                 "an audit key of no shard's chain");
  expect_refused(with([&](write_batch& wb) {
                   wb.put_raw(column::audit, storage::audit_key(3, 2), "");
                 }),
                 "writes a key of shard 2 in column 'audit'");

  // Keys of the shard pass, its audit chain's included.
  auto wb = with([&](write_batch& b) {
    b.put_raw(column::deliveries, keys::delivery("k", mine), "");
    b.put_raw(column::checkpoints, keys::checkpoint("k", 1), "");
    b.put_raw(column::events, keys::event(e_mine), "");
    b.put_raw(column::audit, storage::audit_key(0, 1), "");
  });
  auto good = primary.prepare(1, 1, wb);
  ASSERT_TRUE(good) << good.err().message();

  // The replica refuses a forged batch, writing none of its ops (nor the
  // good ones before it) and no position.
  auto expect_replica_refuses = [&](uint32_t column_number, const std::string& key,
                                    const std::string& text) {
    auto forged = *good;
    auto* op = forged.add_ops();
    op->set_column(column_number);
    op->set_key(key);
    auto r = replica.apply_replica(forged, 1);
    ASSERT_FALSE(r) << text;
    EXPECT_TRUE(r.err().is(storage_errc::invalid));
    EXPECT_TRUE(says(r.err(), text)) << r.err().message();
  };
  expect_replica_refuses(8, std::string{keys::metadata_placement},
                         "op 5 of the batch of shard 1 writes column 8 (metadata)");
  expect_replica_refuses(42, "x", "op 5 of the batch of shard 1 writes column 42, which is no column");
  expect_replica_refuses(0, keys::customer(3, theirs), "op 5 of the batch of shard 1 writes a key of shard 3");
  EXPECT_EQ(stored(*s.b, 1), pos(0, 0));
  EXPECT_EQ(name_of_customer(*s.b, mine), "absent");
  EXPECT_TRUE(write_batch::from_ops(*good));
  EXPECT_EQ(*replica.apply_replica(*good, 1), apply_outcome::applied);
  EXPECT_EQ(name_of_customer(*s.b, mine), "");
}

TEST(shard_log_test, a_failed_apply_writes_nothing_and_breaks_the_log_until_reset) {
  test::temp_dir dir;
  auto db = test::open_test_store(dir, shards);
  ASSERT_TRUE(db);
  auto id = customer_in(*db, 3);
  {
    shard_log log{*db};
    auto wb = put_customer(*db, id, "kept");
    ASSERT_TRUE(log.write_as_primary(3, 1, wb));
    auto lost = put_customer(*db, id, "lost");
    auto b = log.prepare(3, 1, lost);
    ASSERT_TRUE(b);
    ASSERT_TRUE(db->close());
    auto failed = log.apply(*b);
    ASSERT_FALSE(failed);
    EXPECT_TRUE(failed.err().is(storage_errc::closed)) << failed.err().message();
    auto after = put_customer(*db, id, "after");
    auto broken = log.prepare(3, 1, after);
    ASSERT_FALSE(broken);
    EXPECT_TRUE(broken.err().is(storage_errc::shard_log_broken)) << broken.err().message();
    EXPECT_TRUE(log.apply(*b).err().is(storage_errc::shard_log_broken));
    EXPECT_FALSE(log.reset(3)) << "the store is closed";
  }
  db.reset();
  // Reopened: the batch that failed left neither its data nor its position.
  db = test::open_test_store(dir, shards);
  ASSERT_TRUE(db);
  EXPECT_EQ(stored(*db, 3), pos(1, 1));
  EXPECT_EQ(name_of_customer(*db, id), "kept");
  shard_log log{*db};
  EXPECT_EQ(*log.applied(3), pos(1, 1));

  // A reset voids the batches prepared before it, whose seqs are never
  // handed out again: a replica that applied one meets `diverged`.
  auto wb = put_customer(*db, id, "voided");
  auto voided = log.prepare(3, 1, wb);
  ASSERT_TRUE(voided);
  EXPECT_EQ(at(voided->position()), pos(1, 2));
  ASSERT_TRUE(log.reset(3));
  auto refused = log.apply(*voided);
  ASSERT_FALSE(refused);
  EXPECT_TRUE(says(refused.err(), "prepared before a reset")) << refused.err().message();
  auto wb2 = put_customer(*db, id, "next");
  auto next = log.prepare(3, 1, wb2);
  ASSERT_TRUE(next);
  EXPECT_EQ(at(next->prev()), pos(1, 1));
  EXPECT_EQ(at(next->position()), pos(1, 3));
  ASSERT_TRUE(log.apply(*next));
  EXPECT_EQ(name_of_customer(*db, id), "next");
  // write_as_primary does not interleave with prepared batches.
  auto wb3 = put_customer(*db, id);
  ASSERT_TRUE(log.prepare(3, 1, wb3));
  auto wb4 = put_customer(*db, id);
  EXPECT_TRUE(log.write_as_primary(3, 1, wb4).err().is(storage_errc::invalid));
}

TEST(shard_log_test, the_position_survives_reopening_the_store) {
  test::temp_dir dir;
  auto db = test::open_test_store(dir, shards);
  ASSERT_TRUE(db);
  {
    shard_log log{*db};
    for (int i = 0; i < 5; ++i) {
      auto wb = put_customer(*db, customer_in(*db, 2, i * 10));
      ASSERT_TRUE(log.write_as_primary(2, 4, wb));
    }
  }
  ASSERT_TRUE(db->close());
  db.reset();
  db = test::open_test_store(dir, shards);
  ASSERT_TRUE(db);
  EXPECT_EQ(stored(*db, 2), pos(4, 5));
  shard_log log{*db};
  auto wb = put_customer(*db, customer_in(*db, 2));
  auto b = log.prepare(2, 4, wb);
  ASSERT_TRUE(b);
  EXPECT_EQ(at(b->prev()), pos(4, 5));
  EXPECT_EQ(at(b->position()), pos(4, 6));
}

TEST(shard_log_test, a_full_copy_carries_the_position_and_erase_shard_removes_it) {
  two_stores s;
  ASSERT_TRUE(s.a && s.b);
  shard_log primary{*s.a};
  for (int i = 0; i < 20; ++i) {
    auto wb = put_customer(*s.a, "c" + std::to_string(i));
    ASSERT_TRUE(primary.write_as_primary(s.a->shard_of("c" + std::to_string(i)), 2, wb));
  }
  auto at_a = stored(*s.a, 1);
  ASSERT_GT(at_a.seq, 1u);
  // The receiver held an older position of its own: cleared, then the sender's.
  write_batch old;
  put_position(old, 1, pos(1, 1));
  ASSERT_TRUE(s.b->write(old));
  std::vector<v1::RecordBatch> sent;
  ASSERT_TRUE(read_shard(*s.a, 1, 2, [&](v1::RecordBatch& rb) {
    sent.push_back(rb);
    return status::success();
  }));
  ASSERT_GT(sent.size(), 1u);
  for (std::size_t i = 0; i + 1 < sent.size(); ++i)
    EXPECT_FALSE(sent[i].has_position()) << "only the last batch carries it";
  EXPECT_EQ(at(sent.back().position()), at_a);
  ASSERT_TRUE(write_shard_batch(*s.b, sent.front()));
  EXPECT_EQ(stored(*s.b, 1), pos(0, 0)) << "a copy in progress has no position";
  for (std::size_t i = 1; i < sent.size(); ++i)
    ASSERT_TRUE(write_shard_batch(*s.b, sent[i]));
  EXPECT_EQ(stored(*s.b, 1), at_a);
  EXPECT_EQ(stored(*s.b, 1).records, at_a.records) << "the copy is as far as its source";
  EXPECT_EQ(at_a.records, at_a.seq) << "one customer a batch";
  // Live batches follow the copy.
  shard_log replica{*s.b};
  auto wb = put_customer(*s.a, customer_in(*s.a, 1), "live");
  auto live = primary.write_as_primary(1, 2, wb);
  ASSERT_TRUE(live);
  EXPECT_EQ(*replica.apply_replica(*live, 2), apply_outcome::applied);
  EXPECT_EQ(name_of_customer(*s.b, customer_in(*s.a, 1)), "live");
  // Erased: no position, other shards keep theirs.
  auto at_a0 = stored(*s.a, 0);
  ASSERT_TRUE(erase_shard(*s.a, 1));
  EXPECT_EQ(stored(*s.a, 1), pos(0, 0));
  EXPECT_EQ(stored(*s.a, 0), at_a0);
}
