// actors/customer_registry: virtual customer actors over a real RocksDB.

#include <caf/all.hpp>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <prometheus/registry.h>

#include "customers/registry.hpp"
#include "storage/audit_log.hpp"
#include "storage/keys.hpp"
#include "storage/shard_writer.hpp"
#include "tests/actor_fixture.hpp"
#include "tests/actor_test_support.hpp"
#include "tests/temp_dir.hpp"

using namespace troupe;
using namespace troupe::actors;
using namespace troupe::test;
using namespace troupe::customers;
using namespace troupe::sharding;
using namespace std::chrono_literals;

namespace {

class customer_registry_test : public store_actor_fixture {
protected:
  std::shared_ptr<customer_metrics> metrics = std::make_shared<customer_metrics>(registry);
  std::shared_ptr<storage::shard_writer> writer;
  /// null: every shard served (a node outside a cluster)
  std::shared_ptr<shard_ownership> ownership;

  /// The registry's export of `id`, as the shell shows it.
  caf::expected<std::string> export_json(caf::scoped_actor& self,
                                         const customer_registry_actor& reg,
                                         const std::string& id) {
    auto b = call<storage::holdings_bytes>(self, reg, export_atom::value, id);
    if (!b)
      return b.error();
    auto h = storage::from_bytes(*b);
    if (!h)
      return caf::make_error(caf::sec::runtime_error, h.err().message());
    return storage::holdings_to_json(id, *h);
  }

  void SetUp() override {
    store_actor_fixture::SetUp();
    writer = storage::local_writer_of(db);
  }

  customer_registry_actor spawn(std::size_t cap, std::chrono::milliseconds idle = 1h) {
    registry_options o;
    o.max_live = cap;
    o.idle_timeout = idle;
    o.sweep_interval = 0ms; // sweeps only when the test asks
    return spawn_customer_registry(*sys, o, {db, time, metrics, writer, true, ownership});
  }

  /// Writes customer c-1 (first name Ada) straight into the store.
  bool store_ada() {
    v1::Customer c;
    c.set_id("c-1");
    c.set_first_name("Ada");
    return db->put(storage::column::customers,
                   storage::keys::customer(db->shard_of("c-1"), "c-1"), c)
      .ok();
  }

  /// Waits (on messages) until the registry has handled `n` passivations;
  /// it saves a record in the same step.
  static bool wait_for_passivations(caf::scoped_actor& self, const customer_registry_actor& reg,
                                    uint64_t n) {
    for (int i = 0; i < 10'000; ++i)
      if (call<registry_stats>(self, reg, stats_atom::value)->passivations == n)
        return true;
    return false;
  }

  /// Customer `id` as the store holds it.
  result<std::optional<v1::Customer>> stored(const std::string& id) {
    return db->get<v1::Customer>(storage::column::customers,
                                 storage::keys::customer(db->shard_of(id), id));
  }

  static std::string attr(const customer_record& r, const std::string& key) {
    auto i = r.data.attributes().find(key);
    return i == r.data.attributes().end() ? "" : i->second.text();
  }
};

} // namespace

TEST_F(customer_registry_test, loads_from_the_store_on_first_message) {
  ASSERT_TRUE(store_ada());
  auto reg = spawn(10);
  caf::scoped_actor self{*sys};
  auto r = call<customer_record>(self, reg, caf::get_atom::value, std::string{"c-1"});
  ASSERT_TRUE(r);
  EXPECT_TRUE(r->found);
  EXPECT_EQ(r->data.first_name(), "Ada");
  auto missing = call<customer_record>(self, reg, caf::get_atom::value, std::string{"nobody"});
  ASSERT_TRUE(missing);
  EXPECT_FALSE(missing->found);
  EXPECT_EQ(missing->data.id(), "nobody");
  self->send_exit(reg, caf::exit_reason::user_shutdown);
}

TEST_F(customer_registry_test, idle_actors_are_passivated_saved_and_reactivated) {
  auto reg = spawn(10, 30s);
  caf::scoped_actor self{*sys};
  ASSERT_TRUE(call<customer_record>(self, reg, caf::put_atom::value, std::string{"c-1"},
                                    std::string{"tier"}, std::string{"gold"}));
  time->advance(10s);
  EXPECT_EQ(*call<uint64_t>(self, reg, sweep_atom::value), 0u); // not idle long enough
  time->advance(25s);
  EXPECT_EQ(*call<uint64_t>(self, reg, sweep_atom::value), 1u);
  ASSERT_TRUE(wait_for_passivations(self, reg, 1));
  auto saved = stored("c-1");
  ASSERT_TRUE(saved.ok() && saved->has_value());
  EXPECT_EQ((*saved)->attributes().at("tier").text(), "gold");
  auto r = call<customer_record>(self, reg, caf::get_atom::value, std::string{"c-1"});
  ASSERT_TRUE(r);
  EXPECT_EQ(attr(*r, "tier"), "gold");
  auto st = call<registry_stats>(self, reg, stats_atom::value);
  EXPECT_EQ(st->activations, 2u);
  EXPECT_EQ(st->passivations, 1u);
  EXPECT_EQ(st->live, 1u);
  self->send_exit(reg, caf::exit_reason::user_shutdown);
}

TEST_F(customer_registry_test, a_message_during_passivation_is_not_lost) {
  auto reg = spawn(1);
  caf::scoped_actor self{*sys};
  // Fire without waiting: b's activation passivates a while a's next
  // message is already on its way.
  auto put = [&](const std::string& id, const std::string& v) {
    return self->request(reg, 10s, caf::put_atom::value, id, std::string{"v"}, v);
  };
  std::vector<std::string> answers;
  auto collect = [&](customer_record& r) { answers.push_back(r.data.id() + "=" + attr(r, "v")); };
  auto fail = [&](caf::error& e) { ADD_FAILURE() << describe(e); };
  put("a", "1").receive(collect, fail);
  auto h1 = put("b", "2");
  auto h2 = self->request(reg, 10s, caf::get_atom::value, std::string{"a"});
  auto h3 = put("a", "3");
  h1.receive(collect, fail);
  h2.receive(collect, fail);
  h3.receive(collect, fail);
  EXPECT_EQ(answers, (std::vector<std::string>{"a=1", "b=2", "a=1", "a=3"}));
  auto st = call<registry_stats>(self, reg, stats_atom::value);
  EXPECT_EQ(st->peak_live, 1u);
  self->send_exit(reg, caf::exit_reason::user_shutdown);
}

TEST_F(customer_registry_test, many_customers_under_a_cap_stay_under_it_and_intact) {
  const int customers = 100'000;
  const std::size_t cap = 10'000;
  auto reg = spawn(cap);
  caf::scoped_actor self{*sys};
  auto id_of = [](int i) { return "cust-" + std::to_string(i); };
  const int batch = 2'000;
  int answered = 0;
  using handle = decltype(self->request(reg, 60s, caf::get_atom::value, std::string{}));
  std::vector<handle> waiting;
  for (int start = 0; start < customers; start += batch) {
    waiting.clear();
    for (int i = start; i < start + batch; ++i)
      waiting.push_back(self->request(reg, 60s, caf::put_atom::value, id_of(i),
                                      std::string{"n"}, std::to_string(i * 7)));
    for (auto& h : waiting)
      h.receive([&](customer_record&) { ++answered; },
                [&](caf::error& e) { ADD_FAILURE() << describe(e); });
  }
  EXPECT_EQ(answered, customers);
  // Read every one back: most were passivated and come back from the store.
  int intact = 0;
  for (int start = 0; start < customers; start += batch) {
    waiting.clear();
    for (int i = start; i < start + batch; ++i)
      waiting.push_back(self->request(reg, 60s, caf::get_atom::value, id_of(i)));
    for (auto& h : waiting)
      h.receive(
        [&](customer_record& r) {
          auto n = std::stoi(r.data.id().substr(5));
          if (r.found && attr(r, "n") == std::to_string(n * 7))
            ++intact;
        },
        [&](caf::error& e) { ADD_FAILURE() << describe(e); });
  }
  EXPECT_EQ(intact, customers);
  auto st = call<registry_stats>(self, reg, stats_atom::value);
  ASSERT_TRUE(st);
  EXPECT_LE(st->peak_live, cap);
  EXPECT_EQ(st->peak_live, cap);
  EXPECT_LE(st->live, cap);
  EXPECT_GE(st->passivations, static_cast<uint64_t>(2 * customers) - 2 * cap);
  EXPECT_EQ(st->activations, st->passivations + st->live);
  double live_metric = -1;
  for (auto& f : registry.Collect())
    if (f.name == "troupe_customer_actors_live")
      live_metric = f.metric[0].gauge.value;
  EXPECT_EQ(live_metric, static_cast<double>(st->live));
  self->send_exit(reg, caf::exit_reason::user_shutdown);
}

TEST_F(customer_registry_test, a_peek_reads_the_store_without_activating_and_sees_a_live_actor) {
  ASSERT_TRUE(store_ada());
  auto reg = spawn(10);
  caf::scoped_actor self{*sys};
  auto peeked = call<customer_record>(self, reg, peek_atom::value, std::string{"c-1"});
  ASSERT_TRUE(peeked);
  EXPECT_TRUE(peeked->found);
  EXPECT_EQ(peeked->data.first_name(), "Ada");
  auto missing = call<customer_record>(self, reg, peek_atom::value, std::string{"nobody"});
  ASSERT_TRUE(missing);
  EXPECT_FALSE(missing->found);
  auto stats = call<registry_stats>(self, reg, stats_atom::value);
  EXPECT_EQ(stats->activations, 0u);
  EXPECT_EQ(stats->live, 0u);
  // A live actor's unsaved change is what a peek sees (not the store's copy).
  ASSERT_TRUE(call<customer_record>(self, reg, caf::put_atom::value, std::string{"c-1"},
                                    std::string{"tier"}, std::string{"gold"}));
  auto live = call<customer_record>(self, reg, peek_atom::value, std::string{"c-1"});
  ASSERT_TRUE(live);
  EXPECT_EQ(attr(*live, "tier"), "gold");
  EXPECT_EQ(call<registry_stats>(self, reg, stats_atom::value)->activations, 1u);
  self->send_exit(reg, caf::exit_reason::user_shutdown);
}

namespace {

/// Records of customer `id` in campaign `campaign`: a delivery, a dead
/// letter and two events (an open and a conversion).
void store_campaign_records(storage::store& db, const std::string& campaign,
                            const std::string& id) {
  storage::write_batch b;
  v1::Delivery d;
  d.set_campaign_id(campaign);
  d.set_customer_id(id);
  d.set_subject("hello " + id);
  b.put(storage::column::deliveries, storage::keys::delivery(campaign, id), d);
  v1::DeadLetter dl;
  dl.set_campaign_id(campaign);
  dl.set_customer_id(id);
  dl.set_reason("503");
  b.put(storage::column::dead_letters, storage::keys::delivery(campaign, id), dl);
  for (auto type : {"open", "conversion"}) {
    v1::Event e;
    e.set_campaign_id(campaign);
    e.set_customer_id(id);
    e.set_type(type);
    e.set_ts_ms(1000);
    b.put(storage::column::events, storage::keys::event(e), e);
  }
  ASSERT_TRUE(db.write(b).ok());
}

uint64_t count_keys(const storage::store& db, storage::column c) {
  uint64_t n = 0;
  EXPECT_TRUE(db.scan_raw(c, "", "", [&](std::string_view, std::string_view) {
                  ++n;
                  return true;
                }).ok());
  return n;
}

} // namespace

TEST_F(customer_registry_test, an_export_holds_every_record_of_the_customer_and_its_live_state) {
  ASSERT_TRUE(store_ada());
  // c-10 shares c-1's prefix: none of its records may be taken for c-1's.
  for (auto campaign : {"spring", "summer"})
    for (auto id : {"c-1", "c-10"})
      store_campaign_records(*db, campaign, id);
  auto reg = spawn(10);
  caf::scoped_actor self{*sys};
  ASSERT_TRUE(call<customer_record>(self, reg, caf::put_atom::value, std::string{"c-1"},
                                    std::string{"tier"}, std::string{"gold"}));
  auto exported = export_json(self, reg, "c-1");
  ASSERT_TRUE(exported);
  auto doc = nlohmann::json::parse(*exported);
  EXPECT_EQ(doc["customer_id"], "c-1");
  EXPECT_EQ(doc["customer"]["first_name"], "Ada");
  EXPECT_EQ(doc["customer"]["tier"], "gold"); // unsaved, from the live actor
  ASSERT_EQ(doc["deliveries"].size(), 2u);
  EXPECT_EQ(doc["deliveries"][0]["campaign_id"], "spring");
  EXPECT_EQ(doc["deliveries"][1]["campaign_id"], "summer");
  EXPECT_EQ(doc["dead_letters"].size(), 2u);
  ASSERT_EQ(doc["events"].size(), 4u);
  for (auto& part : {doc["deliveries"], doc["dead_letters"], doc["events"]})
    for (auto& r : part)
      EXPECT_EQ(r["customer_id"], "c-1");
  auto nobody = export_json(self, reg, "nobody");
  ASSERT_TRUE(nobody);
  auto none = nlohmann::json::parse(*nobody);
  EXPECT_TRUE(none["customer"].is_null());
  EXPECT_TRUE(none["events"].empty());
  self->send_exit(reg, caf::exit_reason::user_shutdown);
}

TEST_F(customer_registry_test, an_erasure_removes_everything_and_a_live_change_is_not_saved_back) {
  ASSERT_TRUE(store_ada());
  for (auto campaign : {"spring", "summer"})
    for (auto id : {"c-1", "c-10"})
      store_campaign_records(*db, campaign, id);
  auto audit_before = storage::audit_log::verify(*db);
  ASSERT_TRUE(audit_before.ok());
  auto reg = spawn(10, 30s);
  caf::scoped_actor self{*sys};
  // A live actor with a change not yet saved: passivating it later must not
  // write the customer back.
  ASSERT_TRUE(call<customer_record>(self, reg, caf::put_atom::value, std::string{"c-1"},
                                    std::string{"tier"}, std::string{"gold"}));
  auto erased = call<storage::erased_records>(self, reg, erase_atom::value, std::string{"c-1"});
  ASSERT_TRUE(erased) << describe(erased.error());
  EXPECT_TRUE(erased->customer);
  EXPECT_EQ(erased->deliveries, 2u);
  EXPECT_EQ(erased->dead_letters, 2u);
  EXPECT_EQ(erased->events, 4u);
  auto gone = call<customer_record>(self, reg, caf::get_atom::value, std::string{"c-1"});
  ASSERT_TRUE(gone);
  EXPECT_FALSE(gone->found);
  time->advance(60s);
  EXPECT_EQ(*call<uint64_t>(self, reg, sweep_atom::value), 1u);
  ASSERT_TRUE(wait_for_passivations(self, reg, 1));
  auto saved = stored("c-1");
  ASSERT_TRUE(saved.ok());
  EXPECT_FALSE(saved->has_value()) << "the passivated actor saved the erased customer back";
  // c-10's records are all still there; only c-1's went.
  EXPECT_EQ(count_keys(*db, storage::column::deliveries), 2u);
  EXPECT_EQ(count_keys(*db, storage::column::dead_letters), 2u);
  EXPECT_EQ(count_keys(*db, storage::column::events), 4u);
  auto c10 = export_json(self, reg, "c-10");
  EXPECT_EQ(nlohmann::json::parse(*c10)["events"].size(), 4u);
  // The erasure is audited, and the chain stays intact.
  auto audit_after = storage::audit_log::verify(*db);
  ASSERT_TRUE(audit_after.ok());
  EXPECT_FALSE(audit_after->broken_at.has_value());
  EXPECT_EQ(audit_after->records, audit_before->records + 1);
  // In the chain of c-1's shard.
  auto chain = db->shard_of("c-1");
  auto last = db->last_raw(storage::column::audit, storage::chain_begin(chain),
                           storage::chain_end(chain));
  ASSERT_TRUE(last.ok() && last->has_value());
  v1::AuditRecord rec;
  ASSERT_TRUE(rec.ParseFromString(**last));
  EXPECT_EQ(rec.kind(), "customer_erased");
  EXPECT_EQ(rec.customer_id(), "c-1");
  // Erasing again finds nothing and writes nothing.
  auto again = call<storage::erased_records>(self, reg, erase_atom::value, std::string{"c-1"});
  ASSERT_TRUE(again);
  EXPECT_EQ(again->total(), 0u);
  EXPECT_EQ(storage::audit_log::verify(*db)->records, audit_before->records + 1);
  self->send_exit(reg, caf::exit_reason::user_shutdown);
}

TEST_F(customer_registry_test, an_erasure_is_refused_while_the_shard_is_sealed_for_a_handoff) {
  ASSERT_TRUE(store_ada());
  store_campaign_records(*db, "spring", "c-1");
  ownership = std::make_shared<shard_ownership>(db->shard_count());
  auto shard = db->shard_of("c-1");
  ASSERT_TRUE(ownership->seal(shard, 1s));
  auto reg = spawn(10);
  caf::scoped_actor self{*sys};
  auto refused = call<storage::erased_records>(self, reg, erase_atom::value, std::string{"c-1"});
  ASSERT_FALSE(refused);
  EXPECT_TRUE(is(refused.error(), actors_errc::shard_moving)) << describe(refused.error());
  EXPECT_EQ(count_keys(*db, storage::column::deliveries), 1u);
  EXPECT_TRUE(db->get_raw(storage::column::customers, storage::keys::customer(shard, "c-1"))
                ->has_value());
  // The map gave the shard away, but this node's copy is not deleted yet
  // (still sealed): still refused.
  std::vector<bool> owned(db->shard_count(), true);
  owned[shard] = false;
  ownership->assign(owned);
  auto still = call<storage::erased_records>(self, reg, erase_atom::value, std::string{"c-1"});
  ASSERT_FALSE(still);
  EXPECT_TRUE(is(still.error(), actors_errc::shard_moving)) << describe(still.error());
  // A shard this node is not the primary of (a replica's copy) is left to
  // its primary: the erasure reaches this copy as one of the primary's
  // batches. Nothing is erased here.
  ownership->unseal(shard);
  auto left = call<storage::erased_records>(self, reg, erase_atom::value, std::string{"c-1"});
  ASSERT_TRUE(left) << describe(left.error());
  EXPECT_EQ(left->total(), 0u);
  EXPECT_EQ(count_keys(*db, storage::column::deliveries), 1u);
  // Owned again (it is the primary now): erased.
  owned[shard] = true;
  ownership->assign(owned);
  auto erased = call<storage::erased_records>(self, reg, erase_atom::value, std::string{"c-1"});
  ASSERT_TRUE(erased) << describe(erased.error());
  EXPECT_EQ(erased->deliveries, 1u);
  EXPECT_EQ(count_keys(*db, storage::column::deliveries), 0u);
  self->send_exit(reg, caf::exit_reason::user_shutdown);
}
