// campaign/ledger: finished items -> the records of one write batch, on a
// real RocksDB in a temp dir; the first run and a dead-letter replay.

#include <map>
#include <memory>
#include <string>

#include <gtest/gtest.h>

#include "campaign/ledger.hpp"
#include "storage/audit_log.hpp"
#include "storage/shard_writer.hpp"
#include "storage/campaign_records.hpp"
#include "storage/outcome_records.hpp"
#include "tests/temp_dir.hpp"
#include "tests/test_store.hpp"

using namespace troupe;
using namespace troupe::campaign;

namespace {

class ledger_test : public ::testing::Test {
protected:
  test::temp_dir dir;
  std::shared_ptr<storage::store> db;
  std::shared_ptr<storage::shard_writer> writer;

  void SetUp() override {
    db = test::open_test_store(dir, 4);
    ASSERT_TRUE(db);
    writer = storage::local_writer_of(db);
  }

  static work_item item(const std::string& customer, outcome o) {
    work_item w;
    auto c = std::make_shared<v1::Customer>();
    c->set_id(customer);
    w.customer = c;
    w.result = o;
    w.arm = "treatment";
    if (o == outcome::delivered)
      w.message = {"Hello " + customer, "body", "template"};
    if (o == outcome::blocked)
      w.blocked_term = "forbidden";
    if (o == outcome::failed) {
      w.reason = "generate: the provider timed out";
      w.attempts = 3;
    }
    return w;
  }

  /// Every record `scan` reads of `campaign`, by customer id.
  template <class Record, class Scan>
  std::map<std::string, Record> by_customer(Scan scan, const std::string& campaign) {
    std::map<std::string, Record> out;
    auto st = scan(*db, campaign, "", [&](std::string_view, const Record& r) {
      out[r.customer_id()] = r;
      return true;
    });
    EXPECT_TRUE(st.ok());
    return out;
  }

  std::map<std::string, v1::Delivery> deliveries(const std::string& campaign) {
    return by_customer<v1::Delivery>(storage::scan_deliveries, campaign);
  }

  std::map<std::string, v1::DeadLetter> dead_letters(const std::string& campaign) {
    return by_customer<v1::DeadLetter>(storage::scan_dead_letters, campaign);
  }

  uint64_t audit_records() {
    auto v = storage::audit_log::verify(*db);
    EXPECT_TRUE(v.ok());
    EXPECT_FALSE(v->broken_at.has_value()) << v->reason;
    return v->records;
  }

  /// The campaign's arms: control and treatment, evenly.
  static const google::protobuf::RepeatedPtrField<v1::Arm>& arms() {
    static const auto all = [] {
      google::protobuf::RepeatedPtrField<v1::Arm> a;
      for (auto name : {"control", "treatment"}) {
        auto* arm = a.Add();
        arm->set_name(name);
        arm->set_weight(1);
      }
      return a;
    }();
    return all;
  }

  v1::Checkpoint checkpoint_of(const std::string& campaign, uint32_t shard) {
    auto cp = storage::read_checkpoint(*db, campaign, shard);
    EXPECT_TRUE(cp.ok());
    EXPECT_TRUE(cp->has_value());
    return cp->value_or(v1::Checkpoint{});
  }
};

TEST_F(ledger_test, a_first_run_writes_deliveries_dead_letters_audit_and_checkpoint_at_once) {
  ledger book{db, writer, true, "spring", "store", arms()};
  campaign_counters counted;
  for (auto& [who, o] : std::initializer_list<std::pair<std::string, outcome>>{
         {"c1", outcome::delivered}, {"c2", outcome::blocked}, {"c3", outcome::skipped},
         {"c4", outcome::failed},    {"c5", outcome::pending}}) {
    counted += campaign_counters::one(book.record(item(who, o), 1'000));
  }
  EXPECT_EQ(book.items(), 5u);
  EXPECT_EQ(counted.processed, 5u);
  EXPECT_EQ(counted.in_segment, 4u);
  EXPECT_EQ(counted.delivered, 1u);
  EXPECT_EQ(counted.blocked, 1u);
  EXPECT_EQ(counted.skipped, 1u);
  EXPECT_EQ(counted.failed, 2u); // pending counts as failed
  v1::Checkpoint cp;
  cp.set_campaign_id("spring");
  cp.set_shard(2);
  *cp.mutable_counters() = to_proto(counted);
  book.checkpoint(2, cp);
  // Nothing is in the store before the commit.
  EXPECT_TRUE(deliveries("spring").empty());
  EXPECT_FALSE(storage::read_checkpoint(*db, "spring", 2)->has_value());
  ASSERT_TRUE(book.commit().ok());
  EXPECT_EQ(book.items(), 0u);

  auto ds = deliveries("spring");
  ASSERT_EQ(ds.size(), 1u);
  EXPECT_EQ(ds["c1"].subject(), "Hello c1");
  EXPECT_EQ(ds["c1"].arm(), "treatment");
  EXPECT_EQ(ds["c1"].channel(), "store");
  EXPECT_EQ(ds["c1"].delivered_at_ms(), 1'000);
  auto dl = dead_letters("spring");
  ASSERT_EQ(dl.size(), 2u);
  EXPECT_EQ(dl["c4"].stage(), "generate");
  EXPECT_EQ(dl["c4"].reason(), "generate: the provider timed out");
  EXPECT_EQ(dl["c4"].attempts(), 3u);
  EXPECT_EQ(dl["c5"].attempts(), 1u); // at least one attempt
  EXPECT_EQ(from_proto(checkpoint_of("spring", 2).counters()), counted);
  // c1: safety pass + delivery; c2: safety block; each in its shard's chain.
  EXPECT_EQ(audit_records(), 3u);
  for (auto [who, records] : {std::pair<const char*, uint64_t>{"c1", 2}, {"c2", 1}}) {
    auto chain = db->shard_of(who);
    auto log = storage::audit_log::open(*db, chain);
    ASSERT_TRUE(log.ok());
    EXPECT_GE(log->next_seq(), records) << who << "'s records in the chain of shard " << chain;
    v1::AuditRecord last;
    auto raw = db->last_raw(storage::column::audit, storage::chain_begin(chain),
                            storage::chain_end(chain));
    ASSERT_TRUE(raw.ok() && raw->has_value());
    ASSERT_TRUE(last.ParseFromString(**raw));
    if (db->shard_of("c1") != db->shard_of("c2")) {
      EXPECT_EQ(last.customer_id(), who);
    }
  }
  EXPECT_TRUE(storage::has_delivery(*db, "spring", "c1").value());
  EXPECT_FALSE(storage::has_delivery(*db, "spring", "c2").value());
}

TEST_F(ledger_test, a_replay_moves_customers_out_of_failed_in_one_batch) {
  // The first run: four customers failed.
  ledger first{db, writer, true, "spring", "store", arms()};
  campaign_counters counted;
  for (auto who : {"a", "b", "c", "d"})
    counted += campaign_counters::one(first.record(item(who, outcome::failed), 1'000));
  for (uint32_t shard = 0; shard < db->shard_count(); ++shard) {
    v1::Checkpoint cp;
    campaign_counters here;
    for (auto who : {"a", "b", "c", "d"})
      if (db->shard_of(who) == shard)
        here += campaign_counters::one(outcome::failed);
    *cp.mutable_counters() = to_proto(here);
    first.checkpoint(shard, cp);
  }
  ASSERT_TRUE(first.commit().ok());
  auto letters = dead_letters("spring");
  ASSERT_EQ(letters.size(), 4u);

  ledger replay{db, writer, false, "spring", "store", arms()};
  auto again = item("d", outcome::failed);
  again.reason = "deliver: 503";
  again.attempts = 2;
  ASSERT_TRUE(replay.rerecord(item("a", outcome::delivered), letters["a"], 2'000).ok());
  ASSERT_TRUE(replay.rerecord(item("b", outcome::blocked), letters["b"], 2'000).ok());
  ASSERT_TRUE(replay.rerecord(item("c", outcome::skipped), letters["c"], 2'000).ok());
  ASSERT_TRUE(replay.rerecord(again, letters["d"], 2'000).ok());
  EXPECT_EQ(dead_letters("spring").size(), 4u); // nothing written yet
  ASSERT_TRUE(replay.commit().ok());

  auto ds = deliveries("spring");
  ASSERT_EQ(ds.size(), 1u);
  EXPECT_EQ(ds["a"].delivered_at_ms(), 2'000);
  auto left = dead_letters("spring");
  ASSERT_EQ(left.size(), 1u);
  EXPECT_EQ(left["d"].reason(), "deliver: 503");
  EXPECT_EQ(left["d"].attempts(), 3u + 2u);
  EXPECT_EQ(left["d"].failed_at_ms(), 2'000);
  EXPECT_EQ(left["d"].stage(), "generate"); // where it first failed

  campaign_counters total;
  for (uint32_t shard = 0; shard < db->shard_count(); ++shard)
    total += from_proto(checkpoint_of("spring", shard).counters());
  EXPECT_EQ(total.processed, 4u);
  EXPECT_EQ(total.in_segment, 3u); // c is no longer selected
  EXPECT_EQ(total.delivered, 1u);
  EXPECT_EQ(total.blocked, 1u);
  EXPECT_EQ(total.skipped, 1u);
  EXPECT_EQ(total.failed, 1u);
  EXPECT_EQ(audit_records(), 0u); // the replay had no audit log
}

TEST_F(ledger_test, a_failed_write_keeps_the_storage_error_and_writes_nothing) {
  ledger book{db, writer, false, "spring", "store", arms()};
  book.record(item("c1", outcome::delivered), 1'000);
  ASSERT_TRUE(db->close().ok());
  auto w = book.commit();
  ASSERT_FALSE(w.ok());
  EXPECT_TRUE(w.err().is(storage::storage_errc::closed)) << w.err().message();
  EXPECT_EQ(book.items(), 0u);
}

} // namespace
