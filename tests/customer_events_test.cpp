// customers/customer_events through the storage actor and the registry:
// each customer's events are counted and offered by its own actor, over a
// real RocksDB.

#include <caf/all.hpp>
#include <gtest/gtest.h>
#include <prometheus/registry.h>

#include "campaign/trigger_book.hpp"
#include "customers/event_ingest.hpp"
#include "customers/registry.hpp"
#include "customers/storage_actor.hpp"
#include "segment/predicate.hpp"
#include "storage/keys.hpp"
#include "storage/profile_records.hpp"
#include "storage/shard_writer.hpp"
#include "storage/trigger_records.hpp"
#include "tests/actor_fixture.hpp"
#include "tests/actor_test_support.hpp"

using namespace troupe;
using namespace troupe::actors;
using namespace troupe::test;
using namespace troupe::customers;
using namespace std::chrono_literals;

namespace {

class customer_events_test : public store_actor_fixture {
protected:
  std::shared_ptr<customer_metrics> metrics =
      std::make_shared<customer_metrics>(registry);
  std::shared_ptr<campaign::trigger_book> book =
      std::make_shared<campaign::trigger_book>();
  std::shared_ptr<sharding::shard_ownership> ownership;
  customer_registry_actor reg;
  storage_actor storage;

  void start(std::size_t cap = 100) {
    auto deps = local_storage(db);
    deps.triggers = book;
    deps.ownership = ownership;
    deps.customers = std::make_shared<handle_slot<customer_registry_actor>>();
    registry_options o;
    o.max_live = cap;
    o.idle_timeout = 1h;
    o.sweep_interval = 0ms;
    reg = spawn_customer_registry(*sys, o,
                                  {db, time, metrics, deps.writer, true, ownership});
    deps.customers->set(reg);
    storage = spawn_storage_actor(*sys, deps);
  }

  void TearDown() override {
    caf::anon_send_exit(storage, caf::exit_reason::user_shutdown);
    caf::anon_send_exit(reg, caf::exit_reason::user_shutdown);
    store_actor_fixture::TearDown();
  }

  import_result ingest(caf::scoped_actor& self, std::vector<std::string> lines) {
    import_chunk chunk;
    chunk.kind = import_kind::events;
    chunk.lines = std::move(lines);
    auto r = call<import_result>(self, storage, import_atom::value, chunk);
    EXPECT_TRUE(r) << describe(r.error());
    return r ? *r : import_result{};
  }

  static std::string event(const std::string& customer, const std::string& type,
                           int64_t ts) {
    return R"({"customer_id":")" + customer + R"(","type":")" + type + R"(","ts":)" +
           std::to_string(ts) + "}";
  }

  void store_customer(const std::string& id) {
    v1::Customer c;
    c.set_id(id);
    c.set_first_name(id);
    ASSERT_TRUE(db->put(storage::column::customers,
                        storage::keys::customer(db->shard_of(id), id), c)
                    .ok());
  }

  /// How many events of `type` the store's profile of `id` counts.
  uint64_t stored_count(const std::string& id, const std::string& type) {
    auto p = storage::read_profile(*db, id);
    EXPECT_TRUE(p.ok());
    if (!p.ok() || !*p)
      return 0;
    auto it = (*p)->events().find(type);
    return it == (*p)->events().end() ? 0 : it->second.count();
  }

  /// How many events of `type` the live actor of `id` holds in its profile.
  uint64_t held_count(caf::scoped_actor& self, const std::string& id,
                      const std::string& type) {
    auto r = call<customer_record>(self, reg, caf::get_atom::value, id);
    EXPECT_TRUE(r);
    if (!r || !r->profile)
      return 0;
    auto it = r->profile->events().find(type);
    return it == r->profile->events().end() ? 0 : it->second.count();
  }

  /// Arms a triggered campaign `id` entered by `viewed` for customers `segment` selects.
  void arm(const std::string& id, const std::string& segment) {
    campaign::armed_trigger t;
    t.campaign_id = id;
    t.event = "viewed";
    auto p = segment::predicate::compile(segment);
    ASSERT_TRUE(p.ok()) << p.err().message();
    t.segment = std::move(*p);
    t.delay_ms = 60'000;
    t.reentry = v1::REENTRY_PER_DEDUP_KEY;
    book->arm(std::move(t));
  }

  std::size_t pending(const std::string& campaign, const std::string& customer) {
    auto p = storage::pending_sends_of(*db, campaign, customer);
    EXPECT_TRUE(p.ok());
    return p.ok() ? p->size() : 0;
  }
};

TEST_F(customer_events_test,
       each_customer_s_actor_counts_its_events_and_holds_the_profile) {
  start();
  caf::scoped_actor self{*sys};
  store_customer("c-1");
  auto r = ingest(self, {event("c-1", "viewed", 1000), event("c-2", "viewed", 1000),
                         event("c-1", "viewed", 2000), event("c-1", "purchase", 3000)});
  EXPECT_EQ(r.imported, 4u);
  EXPECT_EQ(r.unknown_customers, 1u); // c-2's: kept and counted all the same
  EXPECT_EQ(stored_count("c-1", "viewed"), 2u);
  EXPECT_EQ(stored_count("c-1", "purchase"), 1u);
  EXPECT_EQ(stored_count("c-2", "viewed"), 1u);
  // The actors took the written profiles: the next chunk counts on from them.
  EXPECT_EQ(held_count(self, "c-1", "viewed"), 2u);
  r = ingest(self, {event("c-1", "viewed", 4000)});
  EXPECT_EQ(r.imported, 1u);
  EXPECT_EQ(stored_count("c-1", "viewed"), 3u);
  EXPECT_EQ(held_count(self, "c-1", "viewed"), 3u);
  auto stats = call<registry_stats>(self, reg, stats_atom::value);
  ASSERT_TRUE(stats);
  EXPECT_EQ(stats->live, 2u) << "one actor per customer the events named";
  EXPECT_EQ(metrics->events->Value(), 5.0);
}

TEST_F(customer_events_test,
       a_live_change_not_yet_saved_selects_the_customer_at_trigger_time) {
  start();
  caf::scoped_actor self{*sys};
  store_customer("c-1");
  store_customer("c-2");
  arm("vips", "tier = 'gold'");
  // c-1 is made gold on its live actor: the store does not know it yet.
  ASSERT_TRUE(call<customer_record>(self, reg, caf::put_atom::value, std::string{"c-1"},
                                    std::string{"tier"}, std::string{"gold"}));
  auto r = ingest(self,
                  {R"({"customer_id":"c-1","type":"viewed","ts":1000,"dedup_key":"a"})",
                   R"({"customer_id":"c-2","type":"viewed","ts":1000,"dedup_key":"a"})"});
  EXPECT_EQ(r.imported, 2u);
  EXPECT_EQ(pending("vips", "c-1"), 1u) << "its actor's record selected it";
  EXPECT_EQ(pending("vips", "c-2"), 0u);
}

TEST_F(customer_events_test,
       a_shard_gained_again_makes_the_actor_read_its_profile_afresh) {
  ownership = std::make_shared<sharding::shard_ownership>(db->shard_count());
  start();
  caf::scoped_actor self{*sys};
  store_customer("c-1");
  ASSERT_EQ(ingest(self, {event("c-1", "viewed", 1000)}).imported, 1u);
  EXPECT_EQ(held_count(self, "c-1", "viewed"), 1u);
  // The shard goes to another member, which counts nine more events, and
  // comes back with them (as a handoff writes them).
  auto shard = db->shard_of("c-1");
  auto mask = ownership->owned_mask();
  mask[shard] = false;
  ownership->assign(mask);
  v1::Profile there;
  there.set_customer_id("c-1");
  auto& s = (*there.mutable_events())["viewed"];
  s.set_count(10);
  s.set_first_ms(1000);
  s.set_last_ms(9000);
  storage::write_batch b;
  storage::put_profile(*db, b, there);
  ASSERT_TRUE(db->write(b).ok());
  mask[shard] = true;
  ownership->assign(mask);
  ASSERT_EQ(ingest(self, {event("c-1", "viewed", 10'000)}).imported, 1u);
  EXPECT_EQ(stored_count("c-1", "viewed"), 11u)
      << "counted on from the store's, not the actor's";
  EXPECT_EQ(held_count(self, "c-1", "viewed"), 11u);
}

TEST_F(customer_events_test, actors_passivated_under_a_cap_between_chunks_lose_no_count) {
  start(2); // at most two live: each chunk's customers push the others out
  caf::scoped_actor self{*sys};
  for (int round = 1; round <= 4; ++round) {
    std::vector<std::string> lines;
    for (int c = 0; c < 5; ++c)
      lines.push_back(event("c-" + std::to_string(c), "viewed", round * 1000 + c));
    ASSERT_EQ(ingest(self, lines).imported, 5u) << "round " << round;
  }
  for (int c = 0; c < 5; ++c)
    EXPECT_EQ(stored_count("c-" + std::to_string(c), "viewed"), 4u) << "c-" << c;
  auto stats = call<registry_stats>(self, reg, stats_atom::value);
  ASSERT_TRUE(stats);
  EXPECT_LE(stats->peak_live, 2u);
  EXPECT_GT(stats->passivations, 0u);
}

} // namespace

TEST_F(customer_events_test, chunks_written_together_answer_each_for_its_own_lines) {
  store_customer("c-1");
  auto writer = storage::local_writer_of(db);
  import_chunk a, b, c;
  for (auto* chunk : {&a, &b, &c})
    chunk->kind = import_kind::events;
  a.lines = {event("c-1", "viewed", 1000), event("c-2", "viewed", 1000)};
  b.first_line = 7;
  b.lines = {event("c-1", "viewed", 1000), "not json", event("c-1", "viewed", 2000)};
  c.lines = {event("c-3", "purchase", 3000)};
  auto r = ingest_event_chunks(*db, *writer, {&a, &b, &c});
  ASSERT_EQ(r.size(), 3u);
  EXPECT_EQ(r[0].imported, 2u);
  EXPECT_EQ(r[0].unknown_customers, 1u);
  EXPECT_EQ(r[1].imported, 1u);
  EXPECT_EQ(r[1].duplicates, 1u) << "the first chunk's event, again";
  EXPECT_EQ(r[1].rejected, 1u);
  ASSERT_EQ(r[1].errors.size(), 1u);
  EXPECT_EQ(r[1].errors[0].line, 8u) << "numbered in its own chunk";
  EXPECT_EQ(r[2].imported, 1u);
  EXPECT_TRUE(r[0].errors.empty() && r[2].errors.empty());
  EXPECT_EQ(stored_count("c-1", "viewed"), 2u);
  EXPECT_EQ(stored_count("c-3", "purchase"), 1u);
}

TEST_F(customer_events_test,
       requests_sent_at_once_are_each_answered_for_their_own_events) {
  start();
  caf::scoped_actor self{*sys};
  store_customer("c-1");
  // Sent without waiting: those that wait while the storage actor is busy
  // are written together; each answer is its own all the same.
  constexpr int n = 8;
  for (int i = 0; i < n; ++i) {
    import_chunk chunk;
    chunk.kind = import_kind::events;
    chunk.lines = {event("c-1", "viewed", 1000 + i),
                   event("c-" + std::to_string(10 + i), "viewed", 1000)};
    if (i > 0) // the one before's again: a duplicate
      chunk.lines.push_back(event("c-1", "viewed", 1000 + i - 1));
    self->send(storage, import_atom::value, std::move(chunk));
  }
  std::vector<import_result> answers;
  for (int i = 0; i < n; ++i)
    self->receive([&](import_result& r) { answers.push_back(std::move(r)); },
                  caf::after(10s) >> [&] { ADD_FAILURE() << "no answer " << i; });
  ASSERT_EQ(answers.size(), static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) {
    EXPECT_EQ(answers[i].imported, 2u) << i;
    EXPECT_EQ(answers[i].duplicates, i > 0 ? 1u : 0u) << i;
    EXPECT_EQ(answers[i].unknown_customers, 1u) << i;
  }
  EXPECT_EQ(stored_count("c-1", "viewed"), static_cast<uint64_t>(n));
  EXPECT_EQ(held_count(self, "c-1", "viewed"), static_cast<uint64_t>(n));
}

TEST_F(customer_events_test,
       a_copy_of_an_event_whose_first_copy_was_not_written_is_not_a_duplicate) {
  auto writer = storage::local_writer_of(db);
  import_chunk a, b;
  a.kind = b.kind = import_kind::events;
  a.lines = {event("c-1", "viewed", 1000)};
  b.lines = {event("c-1", "viewed", 1000), event("c-2", "viewed", 1000)};
  // c-1's step fails: its first copy, in the first request, is not written.
  event_steps steps;
  steps.step = [this](const event_batch& batch) -> result<std::vector<customer_step>> {
    std::vector<customer_step> out;
    for (const auto& ce : batch.customers) {
      out.push_back(step_from_store(*db, batch.book, ce));
      if (ce.customer_id == "c-1")
        out.back().error = "its actor is gone";
    }
    return out;
  };
  auto r = ingest_event_chunks(*db, *writer, {&a, &b}, nullptr, {}, nullptr, {}, steps);
  ASSERT_EQ(r.size(), 2u);
  EXPECT_EQ(r[0].imported, 0u);
  EXPECT_EQ(r[0].rejected, 1u);
  EXPECT_EQ(r[1].imported, 1u);
  EXPECT_EQ(r[1].duplicates, 0u)
      << "nothing of it is stored: the copy must be sent again";
  EXPECT_EQ(r[1].rejected, 1u);
  ASSERT_EQ(r[1].errors.size(), 1u);
  EXPECT_EQ(r[1].errors[0].line, 1u);
  EXPECT_EQ(stored_count("c-1", "viewed"), 0u);
  EXPECT_EQ(stored_count("c-2", "viewed"), 1u);
}
