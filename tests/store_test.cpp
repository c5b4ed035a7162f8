// storage/: a real RocksDB in a temp dir.

#include <map>
#include <unistd.h>
#include <set>
#include <vector>

#include <gtest/gtest.h>
#include <rocksdb/db.h>

#include "storage/attribute_catalog.hpp"
#include "storage/audit_log.hpp"
#include "storage/customer_records.hpp"
#include "storage/keys.hpp"
#include "storage/schema_version.hpp"
#include "storage/store.hpp"
#include "tests/temp_dir.hpp"

using namespace troupe;
using namespace troupe::storage;

namespace {

class store_test : public ::testing::Test {
protected:
  test::temp_dir dir;

  store_options options(std::string node = "n1", uint32_t shards = 16) {
    store_options o;
    o.data_dir = dir / "db";
    o.node_id = std::move(node);
    o.shard_count = shards;
    return o;
  }

  std::unique_ptr<store> open_ok(const store_options& o) {
    auto s = store::open(o);
    if (!s.ok())
      ADD_FAILURE() << s.err().message();
    return s.ok() ? std::move(*s) : nullptr;
  }

  static v1::Customer customer(const std::string& id, double value) {
    v1::Customer c;
    c.set_id(id);
    c.set_first_name("Ada");
    c.set_total_order_value(value);
    c.add_categories("outdoor");
    (*c.mutable_attributes())["tier"].set_text("gold");
    return c;
  }
};

} // namespace

TEST_F(store_test, put_get_erase_round_trip) {
  auto s = open_ok(options());
  ASSERT_TRUE(s);
  auto c = customer("c-1", 12.5);
  auto key = keys::customer(s->shard_of("c-1"), "c-1");
  ASSERT_TRUE(s->put(column::customers, key, c).ok());
  auto got = s->get<v1::Customer>(column::customers, key);
  ASSERT_TRUE(got.ok());
  ASSERT_TRUE(got->has_value());
  EXPECT_EQ((*got)->first_name(), "Ada");
  EXPECT_EQ((*got)->attributes().at("tier").text(), "gold");
  ASSERT_TRUE(s->erase(column::customers, key).ok());
  got = s->get<v1::Customer>(column::customers, key);
  ASSERT_TRUE(got.ok());
  EXPECT_FALSE(got->has_value());
}

TEST_F(store_test, records_survive_reopen) {
  {
    auto s = open_ok(options());
    ASSERT_TRUE(s);
    ASSERT_TRUE(s->put(column::corpus, "doc-1", [] {
                   v1::ContentDocument d;
                   d.set_id("doc-1");
                   d.set_approved(true);
                   return d;
                 }()).ok());
    ASSERT_TRUE(s->close().ok());
  }
  auto s = open_ok(options());
  ASSERT_TRUE(s);
  auto got = s->get<v1::ContentDocument>(column::corpus, "doc-1");
  ASSERT_TRUE(got.ok());
  ASSERT_TRUE(got->has_value());
  EXPECT_TRUE((*got)->approved());
}

TEST_F(store_test, every_column_family_is_on_disk) {
  { ASSERT_TRUE(open_ok(options())); }
  std::vector<std::string> families;
  ASSERT_TRUE(rocksdb::DB::ListColumnFamilies(rocksdb::DBOptions{},
                                              (dir / "db" / "db").string(), &families)
                .ok());
  std::set<std::string> on_disk(families.begin(), families.end());
  for (auto c : all_columns())
    EXPECT_EQ(on_disk.count(std::string{name_of(c)}), 1u) << name_of(c);
  for (auto name : {"customers", "corpus", "campaigns", "checkpoints", "deliveries",
                    "events", "audit", "dead_letters", "metadata"})
    EXPECT_EQ(on_disk.count(name), 1u) << name;
}

TEST_F(store_test, metadata_is_written_at_first_start_and_kept) {
  {
    auto s = open_ok(options("n1", 16));
    ASSERT_TRUE(s);
    EXPECT_EQ(s->metadata().node_id(), "n1");
    EXPECT_EQ(s->metadata().schema_version(), schema_version);
    EXPECT_EQ(s->shard_count(), 16u);
  }
  // A later open with another shard count keeps the one fixed at first start.
  auto s = open_ok(options("n1", 99));
  ASSERT_TRUE(s);
  EXPECT_EQ(s->shard_count(), 16u);
}

TEST_F(store_test, data_dir_of_another_node_is_refused) {
  { ASSERT_TRUE(open_ok(options("n1"))); }
  auto s = store::open(options("n2"));
  ASSERT_FALSE(s.ok());
  EXPECT_TRUE(s.err().is(storage_errc::wrong_node));
  EXPECT_NE(s.err().message().find("'n1'"), std::string::npos) << s.err().message();
  EXPECT_NE(s.err().message().find("'n2'"), std::string::npos) << s.err().message();
}

TEST_F(store_test, second_opener_is_refused_while_the_first_holds_it) {
  auto first = open_ok(options());
  ASSERT_TRUE(first);
  auto second = store::open(options());
  ASSERT_FALSE(second.ok());
  EXPECT_TRUE(second.err().is(storage_errc::locked));
  EXPECT_NE(second.err().message().find("already open"), std::string::npos);
  EXPECT_NE(second.err().message().find(std::to_string(::getpid())), std::string::npos)
    << second.err().message();
  ASSERT_TRUE(first->close().ok());
  EXPECT_TRUE(store::open(options()).ok()); // free again once closed
}

TEST_F(store_test, newer_schema_is_refused) {
  {
    auto s = open_ok(options());
    ASSERT_TRUE(s);
    auto meta = s->metadata();
    meta.set_schema_version(schema_version + 1);
    ASSERT_TRUE(s->put(column::metadata, keys::metadata_node, meta).ok());
  }
  auto s = store::open(options());
  ASSERT_FALSE(s.ok());
  EXPECT_TRUE(s.err().is(storage_errc::newer_schema));
  EXPECT_NE(s.err().message().find(std::to_string(schema_version + 1)), std::string::npos);
}

TEST_F(store_test, a_record_that_does_not_parse_is_corruption) {
  auto s = open_ok(options());
  ASSERT_TRUE(s);
  write_batch b;
  b.put_raw(column::campaigns, "spring", "\xff\xff\xff garbage");
  ASSERT_TRUE(s->write(b).ok());
  auto got = s->get<v1::CampaignState>(column::campaigns, "spring");
  ASSERT_FALSE(got.ok());
  EXPECT_TRUE(got.err().is(storage_errc::corruption));
  EXPECT_NE(got.err().message().find("campaigns"), std::string::npos);
}

TEST_F(store_test, closed_store_refuses_operations) {
  auto s = open_ok(options());
  ASSERT_TRUE(s);
  ASSERT_TRUE(s->close().ok());
  auto st = s->put(column::corpus, "x", v1::ContentDocument{});
  ASSERT_FALSE(st.ok());
  EXPECT_TRUE(st.err().is(storage_errc::closed));
}

TEST_F(store_test, write_batch_applies_every_write) {
  auto s = open_ok(options());
  ASSERT_TRUE(s);
  write_batch b;
  v1::Delivery d;
  d.set_campaign_id("spring");
  d.set_customer_id("c-1");
  v1::Checkpoint cp;
  cp.set_campaign_id("spring");
  cp.set_shard(3);
  cp.set_last_key("c-1");
  b.put(column::deliveries, keys::delivery("spring", "c-1"), d);
  b.put(column::checkpoints, keys::checkpoint("spring", 3), cp);
  b.erase(column::corpus, "old-doc");
  EXPECT_EQ(b.size(), 3u);
  ASSERT_TRUE(s->write(b).ok());
  EXPECT_EQ(b.size(), 0u);
  auto got_d = s->get<v1::Delivery>(column::deliveries, keys::delivery("spring", "c-1"));
  auto got_cp = s->get<v1::Checkpoint>(column::checkpoints, keys::checkpoint("spring", 3));
  ASSERT_TRUE(got_d.ok() && got_d->has_value());
  ASSERT_TRUE(got_cp.ok() && got_cp->has_value());
  EXPECT_EQ((*got_cp)->last_key(), "c-1");
}

// store::write hands RocksDB the ops sorted by key (cheaper memtable
// inserts): the last op on a key must still win, in every column.
TEST_F(store_test, the_last_write_to_a_key_in_a_batch_wins_whatever_the_keys_order) {
  auto s = open_ok(options());
  ASSERT_TRUE(s);
  ASSERT_TRUE([&] {
    write_batch b;
    b.put_raw(column::corpus, "kept", "before");
    return s->write(b);
  }().ok());
  write_batch b;
  for (auto c : {column::deliveries, column::corpus}) {
    b.put_raw(c, "z", "1");
    b.put_raw(c, "a", "1");
    b.erase(c, "z");
    b.put_raw(c, "m", "1");
    b.put_raw(c, "a", "2");
    b.erase(c, "m");
    b.put_raw(c, "m", "3");
    b.put_raw(c, "b", "only");
  }
  b.erase(column::corpus, "kept");
  b.put_raw(column::corpus, "kept", "after");
  ASSERT_TRUE(s->write(b).ok());
  for (auto c : {column::deliveries, column::corpus}) {
    auto z = s->get_raw(c, "z");
    ASSERT_TRUE(z.ok());
    EXPECT_FALSE(z->has_value()) << name_of(c);
    EXPECT_EQ(s->get_raw(c, "a")->value_or("none"), "2") << name_of(c);
    EXPECT_EQ(s->get_raw(c, "m")->value_or("none"), "3") << name_of(c);
    EXPECT_EQ(s->get_raw(c, "b")->value_or("none"), "only") << name_of(c);
  }
  EXPECT_EQ(s->get_raw(column::corpus, "kept")->value_or("none"), "after");
}

TEST_F(store_test, one_shard_is_one_contiguous_key_range) {
  const uint32_t shards = 8;
  auto s = open_ok(options("n1", shards));
  ASSERT_TRUE(s);
  std::map<uint32_t, std::set<std::string>> expected;
  write_batch b;
  for (int i = 0; i < 2000; ++i) {
    auto id = "cust-" + std::to_string(i);
    auto shard = s->shard_of(id);
    ASSERT_LT(shard, shards);
    expected[shard].insert(id);
    b.put(column::customers, keys::customer(shard, id), customer(id, i));
  }
  ASSERT_TRUE(s->write(b).ok());
  ASSERT_EQ(expected.size(), shards) << "2000 ids should hit every shard";
  std::size_t total = 0;
  for (uint32_t shard = 0; shard < shards; ++shard) {
    std::set<std::string> seen;
    std::string previous;
    auto st = s->scan<v1::Customer>(
      column::customers, keys::shard_begin(shard), keys::shard_end(shard),
      [&](std::string_view key, const v1::Customer& c) {
        EXPECT_EQ(keys::shard_of_key(key), shard);
        EXPECT_EQ(keys::customer_id_of_key(key), c.id());
        EXPECT_LT(previous, std::string{key});
        previous = std::string{key};
        seen.insert(c.id());
        return true;
      });
    ASSERT_TRUE(st.ok()) << st.err().message();
    EXPECT_EQ(seen, expected[shard]) << "shard " << shard;
    total += seen.size();
  }
  EXPECT_EQ(total, 2000u);
}

TEST_F(store_test, scan_stops_when_the_visitor_says_so) {
  auto s = open_ok(options());
  ASSERT_TRUE(s);
  for (int i = 0; i < 10; ++i)
    ASSERT_TRUE(s->put(column::corpus, "doc-" + std::to_string(i), v1::ContentDocument{}).ok());
  int visited = 0;
  auto st = s->scan<v1::ContentDocument>(column::corpus, "", "",
                                         [&](std::string_view, const v1::ContentDocument&) {
                                           return ++visited < 3;
                                         });
  ASSERT_TRUE(st.ok());
  EXPECT_EQ(visited, 3);
}

TEST(keys_test, shard_of_is_stable_and_in_range) {
  // FNV-1a 64 of "c-000001": a fixed value every node must agree on.
  EXPECT_EQ(keys::fnv1a(""), 14695981039346656037ull);
  EXPECT_EQ(keys::fnv1a("a"), 0xaf63dc4c8601ec8cull);
  EXPECT_EQ(keys::shard_of("a", 64), 0xaf63dc4c8601ec8cull % 64);
  for (int i = 0; i < 1000; ++i)
    EXPECT_LT(keys::shard_of(std::to_string(i), 7), 7u);
}

TEST(keys_test, shard_ranges_do_not_overlap) {
  for (uint32_t shard : {0u, 1u, 255u, 256u, 65534u}) {
    EXPECT_EQ(keys::shard_end(shard), keys::shard_begin(shard + 1)) << shard;
    auto key = keys::customer(shard, "zzzz");
    EXPECT_LT(key, keys::shard_end(shard));
    EXPECT_GE(key, keys::shard_begin(shard));
  }
  EXPECT_EQ(keys::shard_end(65535), ""); // last shard: no upper bound
  EXPECT_EQ(keys::prefix_end(std::string{"a\xff", 2}), "b");
}

TEST_F(store_test, the_audit_chain_verifies_and_an_edited_record_is_caught) {
  auto s = open_ok(options());
  ASSERT_TRUE(s);
  {
    auto log = storage::audit_log::open(*s);
    ASSERT_TRUE(log.ok());
    write_batch b;
    for (int i = 0; i < 20; ++i) {
      v1::AuditRecord r;
      r.set_kind(i % 2 == 0 ? "delivery" : "safety_block");
      r.set_actor("stage:safety");
      r.set_campaign_id("spring");
      r.set_customer_id("c-" + std::to_string(i));
      r.set_term(i % 2 == 0 ? "" : "scam");
      r.set_ts_ms(1000 + i);
      log->append_to(b, r);
    }
    ASSERT_TRUE(s->write(b).ok());
  }
  auto v = storage::audit_log::verify(*s);
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(v->records, 20u);
  EXPECT_FALSE(v->broken_at.has_value());
  // The log continues across a reopen of the chain.
  {
    auto log = storage::audit_log::open(*s);
    ASSERT_TRUE(log.ok());
    EXPECT_EQ(log->next_seq(), 20u);
    write_batch b;
    v1::AuditRecord r;
    r.set_kind("delivery");
    log->append_to(b, r);
    ASSERT_TRUE(s->write(b).ok());
    EXPECT_EQ(storage::audit_log::verify(*s)->records, 21u);
  }
  // Someone edits record 7 in the database: the chain breaks there.
  auto seven = s->get<v1::AuditRecord>(column::audit, storage::audit_key(7));
  ASSERT_TRUE(seven.ok() && seven->has_value());
  auto edited = **seven;
  edited.set_customer_id("someone-else");
  ASSERT_TRUE(s->put(column::audit, storage::audit_key(7), edited).ok());
  v = storage::audit_log::verify(*s);
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(v->broken_at, std::optional<uint64_t>{7});
  EXPECT_EQ(v->reason, "the node's chain: its contents do not match its hash");
  // Removing a record breaks the chain at the gap.
  ASSERT_TRUE(s->put(column::audit, storage::audit_key(7), **seven).ok());
  ASSERT_TRUE(s->erase(column::audit, storage::audit_key(12)).ok());
  v = storage::audit_log::verify(*s);
  EXPECT_EQ(v->broken_at, std::optional<uint64_t>{13});
  EXPECT_EQ(v->reason, "the node's chain: expected record 12, found 13");
}

TEST_F(store_test, each_shard_has_a_chain_of_its_own_verified_after_the_nodes) {
  auto s = open_ok(options());
  ASSERT_TRUE(s);
  // Three records in the node's chain, four in shard 2's, two in shard 5's.
  auto append = [&](uint32_t chain, int n) {
    auto log = storage::audit_log::open(*s, chain);
    ASSERT_TRUE(log.ok());
    write_batch b;
    for (int i = 0; i < n; ++i) {
      v1::AuditRecord r;
      r.set_kind("delivery");
      r.set_customer_id("c-" + std::to_string(chain) + "-" + std::to_string(i));
      log->append_to(b, r);
    }
    ASSERT_TRUE(s->write(b).ok());
  };
  append(storage::node_chain, 3);
  append(2, 4);
  append(5, 1);
  // append_shard_audit goes on from the chain's last record in the store.
  write_batch more;
  v1::AuditRecord r;
  r.set_kind("customer_erased");
  ASSERT_TRUE(storage::append_shard_audit(*s, 5, more, {r}).ok());
  ASSERT_TRUE(s->write(more).ok());
  auto v = storage::audit_log::verify(*s);
  ASSERT_TRUE(v.ok());
  EXPECT_FALSE(v->broken_at.has_value()) << v->reason;
  EXPECT_EQ(v->records, 9u);
  EXPECT_EQ(v->chains, 3u);
  EXPECT_EQ(storage::audit_log::open(*s, 5)->next_seq(), 2u);
  EXPECT_EQ(storage::audit_log::open(*s, 2)->next_seq(), 4u);
  EXPECT_EQ(storage::audit_log::open(*s)->next_seq(), 3u);
  EXPECT_EQ(storage::shard_of_audit_key(storage::audit_key(3, 2)), std::optional<uint32_t>{2});
  EXPECT_EQ(storage::shard_of_audit_key(storage::audit_key(3)), std::nullopt);
  // A record of shard 5's chain moved into shard 2's breaks shard 2's chain.
  auto first = s->get<v1::AuditRecord>(column::audit, storage::audit_key(0, 5));
  ASSERT_TRUE(first.ok() && first->has_value());
  ASSERT_TRUE(s->put(column::audit, storage::audit_key(4, 2), **first).ok());
  v = storage::audit_log::verify(*s);
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(v->broken_at, std::optional<uint64_t>{0});
  EXPECT_EQ(v->broken_chain, 2u);
  EXPECT_EQ(v->reason, "the chain of shard 2: expected record 4, found 0");
  EXPECT_EQ(v->records, 7u); // the node's 3 and shard 2's first 4
  // A key of no chain's form is caught too.
  ASSERT_TRUE(s->erase(column::audit, storage::audit_key(4, 2)).ok());
  write_batch stray;
  stray.put_raw(column::audit, "zz", r.SerializeAsString());
  ASSERT_TRUE(s->write(stray).ok());
  v = storage::audit_log::verify(*s);
  ASSERT_TRUE(v.ok());
  ASSERT_TRUE(v->broken_at.has_value());
  EXPECT_NE(v->reason.find("a record under a key of no chain (2 bytes)"), std::string::npos)
    << v->reason;
}

TEST_F(store_test, sync_writes_fsyncs_the_wal_with_each_write_and_the_default_does_not) {
  {
    auto plain = open_ok(options());
    ASSERT_TRUE(plain);
    for (int i = 0; i < 5; ++i)
      ASSERT_TRUE(plain->put(column::customers, keys::customer(0, "c" + std::to_string(i)),
                             customer("c", 1))
                    .ok());
    auto syncs = plain->wal_syncs();
    ASSERT_TRUE(syncs.ok()) << syncs.err().message();
    EXPECT_EQ(*syncs, 0u);
  }
  auto o = options();
  o.sync_writes = true;
  auto synced = open_ok(o);
  ASSERT_TRUE(synced);
  for (int i = 0; i < 5; ++i) {
    write_batch b;
    b.put(column::customers, keys::customer(0, "s" + std::to_string(i)), customer("s", 1));
    ASSERT_TRUE(synced->write(b).ok());
  }
  auto syncs = synced->wal_syncs();
  ASSERT_TRUE(syncs.ok()) << syncs.err().message();
  EXPECT_EQ(*syncs, 5u); // one writer: a write group, and a sync, per write
}

// A count over several shards reads them in one scan: one snapshot. A
// customer written into a later shard while an earlier one is being read
// is not seen (a scan per shard saw it: the counts were of no one moment).
TEST_F(store_test, scanning_several_shards_reads_one_snapshot_of_them_all) {
  auto s = open_ok(options("n1", 8));
  ASSERT_TRUE(s);
  for (uint32_t shard : {0u, 2u, 5u})
    ASSERT_TRUE(s->put(column::customers, keys::customer(shard, "c" + std::to_string(shard)),
                       customer("c" + std::to_string(shard), 1))
                  .ok());
  std::vector<bool> shards(8, false);
  shards[0] = shards[5] = true;
  std::vector<std::string> seen;
  ASSERT_TRUE(scan_customers_of(*s, shards, [&](const v1::Customer& c) {
                seen.push_back(c.id());
                if (seen.size() == 1) { // while shard 0 is read, shard 5 gains one
                  EXPECT_TRUE(s->put(column::customers, keys::customer(5, "late"),
                                     customer("late", 1))
                                .ok());
                }
                return true;
              }).ok());
  EXPECT_EQ(seen, (std::vector<std::string>{"c0", "c5"})); // not c2 (unmarked), not late
  seen.clear();
  ASSERT_TRUE(scan_customers_of(*s, shards, [&](const v1::Customer& c) {
                seen.push_back(c.id());
                return true;
              }).ok());
  EXPECT_EQ(seen, (std::vector<std::string>{"c0", "c5", "late"}));
}

TEST_F(store_test, the_attribute_catalog_keeps_names_across_a_reopen_and_marks_itself_full) {
  {
    auto s = open_ok(options());
    ASSERT_TRUE(s);
    EXPECT_TRUE(known_attribute_names(*s)->empty());
    ASSERT_TRUE(record_attribute_names(*s, {"tier", "loyalty"}));
    ASSERT_TRUE(record_attribute_names(*s, {"tier"}));
    EXPECT_EQ(*known_attribute_names(*s), (std::vector<std::string>{"loyalty", "tier"}));
  }
  auto s = open_ok(options());
  ASSERT_TRUE(s);
  EXPECT_EQ(*known_attribute_names(*s), (std::vector<std::string>{"loyalty", "tier"}));
  // Past the limit: marked full, and nothing more recorded.
  std::set<std::string> many;
  for (std::size_t i = 0; i < max_catalog_names; ++i)
    many.insert("a" + std::to_string(i));
  ASSERT_TRUE(record_attribute_names(*s, many));
  auto names = *known_attribute_names(*s);
  EXPECT_EQ(names.back(), catalog_full_marker);
  EXPECT_EQ(names.size(), 3u);
}
