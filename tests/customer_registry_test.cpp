// actors/customer_registry: virtual customer actors over a real RocksDB.

#include <caf/all.hpp>
#include <gtest/gtest.h>
#include <prometheus/registry.h>

#include "actors/customer_registry.hpp"
#include "storage/keys.hpp"
#include "tests/actor_fixture.hpp"
#include "tests/actor_test_support.hpp"
#include "tests/temp_dir.hpp"

using namespace troupe;
using namespace troupe::actors;
using namespace troupe::test;
using namespace std::chrono_literals;

namespace {

class customer_registry_test : public store_actor_fixture {
protected:
  std::shared_ptr<customer_metrics> metrics = std::make_shared<customer_metrics>(registry);

  customer_registry_actor spawn(std::size_t cap, std::chrono::milliseconds idle = 1h) {
    registry_options o;
    o.max_live = cap;
    o.idle_timeout = idle;
    o.sweep_interval = 0ms; // sweeps only when the test asks
    return spawn_customer_registry(*sys, o, db, time, metrics);
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
  // Wait (on messages) until the registry has handled the passivation; it
  // saves the record in the same step.
  for (int i = 0; i < 10'000; ++i)
    if (call<registry_stats>(self, reg, stats_atom::value)->passivations == 1)
      break;
  auto stored = db->get<v1::Customer>(storage::column::customers,
                                      storage::keys::customer(db->shard_of("c-1"), "c-1"));
  ASSERT_TRUE(stored.ok() && stored->has_value());
  EXPECT_EQ((*stored)->attributes().at("tier").text(), "gold");
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
