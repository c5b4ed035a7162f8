// A triggered campaign in one process: a real store, the campaign manager
// and its trigger runner, and events ingested as the storage actor ingests
// them (customers/event_ingest with the node's trigger book): entry by
// event and predicate, the delay, a cancelling event, re-entry, exactly one
// delivery per entry, and the pending sends a new runner finds in the store.
#include <atomic>
#include <chrono>
#include <map>
#include <set>
#include <thread>

#include <gtest/gtest.h>

#include "actors/breaker.hpp"
#include "campaign/dead_letter_replay.hpp"
#include "campaign/trigger_runner.hpp"
#include "contact_policy/holdout.hpp"
#include "customers/event_ingest.hpp"
#include "storage/trigger_records.hpp"
#include "tests/campaign_fixture.hpp"
#include "providers/webhook_channel.hpp"
#include "storage/outcome_records.hpp"
#include "tests/scripted_http_server.hpp"

namespace troupe::test {
namespace {

using namespace std::chrono_literals;

int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
           std::chrono::system_clock::now().time_since_epoch())
    .count();
}

std::string cart_spec(const std::string& extra) {
  return R"({"id":"cart","brief":{"product":"Shoes","keywords":["shoes"]},)"
         R"("arms":[{"name":"a","weight":1}],"kind":"triggered",)"
         R"("trigger":{"event":"cart_abandoned","where":"cart_value > 20"},)"
         R"("cancel_on":"purchase")"
         + (extra.empty() ? "" : "," + extra) + "}";
}

std::string event(const std::string& customer, const std::string& type, int64_t ts,
                  const std::string& more = "") {
  return R"({"customer_id":")" + customer + R"(","type":")" + type + R"(","ts":)"
         + std::to_string(ts) + more + "}";
}

class trigger_campaign_test : public campaign_fixture {
protected:
  void SetUp() override {
    campaign_fixture::SetUp();
    triggers = std::make_shared<campaign::trigger_book>();
    populate(50);
  }

  void TearDown() override {
    stop_helpers();
    campaign_fixture::TearDown();
  }

  /// Ingests `lines` as the storage actor does, telling the runners.
  customers::import_result ingest(const std::vector<std::string>& lines) {
    customers::import_chunk chunk;
    chunk.kind = customers::import_kind::events;
    chunk.lines = lines;
    auto writer = storage::local_writer_of(db);
    auto book = triggers;
    return customers::ingest_events(
      *db, *writer, chunk, nullptr, {}, triggers.get(),
      [book](const customers::trigger_effects& fx) {
        std::map<std::string, campaign::trigger_news> news;
        for (const auto& p : fx.pending)
          news[p.campaign_id()].made.push_back(p);
        for (const auto& p : fx.cancelled)
          news[p.campaign_id()].cancelled.push_back(p);
        for (const auto& t : *book->current())
          if (auto it = news.find(t.campaign_id); it != news.end())
            caf::anon_send(t.runner, std::move(it->second));
      });
  }

  /// Waits until campaign `id` has `n` deliveries (false after 10 s).
  bool delivered(const std::string& id, std::size_t n) {
    for (int i = 0; i < 1000; ++i) {
      if (deliveries(id).size() >= n)
        return deliveries(id).size() == n;
      std::this_thread::sleep_for(10ms);
    }
    return false;
  }

  /// Stores customer `id` living in time zone `zone`.
  void put_customer(const std::string& id, const std::string& zone) {
    v1::Customer c;
    c.set_id(id);
    c.set_first_name(id);
    (*c.mutable_attributes())["timezone"].set_text(zone);
    storage::write_batch b;
    b.put(storage::column::customers, storage::keys::customer(db->shard_of(id), id), c);
    ASSERT_TRUE(db->write(b).ok());
  }

  /// The runners' clock: the system's moved by `offset` ms.
  void use_moved_clock() {
    auto moved = offset;
    runner_opts.contacts.clock = [moved] { return now_ms() + moved->load(); };
  }
  int64_t moved_now() const { return now_ms() + offset->load(); }

  campaign::campaign_status status_of(caf::scoped_actor& self,
                                      const campaign::campaign_manager_actor& m,
                                      const std::string& id) {
    auto s = call<campaign::campaign_status>(self, m, actors::status_atom::value, id);
    EXPECT_TRUE(s) << actors::describe(s.error());
    return s ? *s : campaign::campaign_status{};
  }

  /// Waits until campaign `id` has settled `n` sends (false after 10 s).
  bool settled(caf::scoped_actor& self, const campaign::campaign_manager_actor& m,
               const std::string& id, uint64_t n) {
    for (int i = 0; i < 1000; ++i) {
      if (status_of(self, m, id).processed >= n)
        return status_of(self, m, id).processed == n;
      std::this_thread::sleep_for(10ms);
    }
    return false;
  }

  /// The value of metric `name` of `campaign` (with `event` or `outcome`
  /// `what`, when given) as a scrape sees it; -1 when there is none.
  double metric(const std::string& name, const std::string& campaign,
                const std::string& what = "") {
    for (const auto& family : registry.Collect())
      if (family.name == name)
        for (const auto& m : family.metric) {
          bool ours = true;
          for (const auto& l : m.label)
            ours = ours && (l.name == "campaign" ? l.value == campaign : l.value == what);
          if (ours)
            return m.counter.value + m.gauge.value;
        }
    return -1;
  }

  std::shared_ptr<std::atomic<int64_t>> offset = std::make_shared<std::atomic<int64_t>>(0);

  std::size_t pending_in_store(const std::string& id) {
    std::size_t n = 0;
    for (uint32_t shard = 0; shard < db->shard_count(); ++shard)
      EXPECT_TRUE(storage::scan_timers(*db, shard, id, [&](const v1::PendingSend&) {
                    ++n;
                    return true;
                  }).ok());
    return n;
  }
};

TEST_F(trigger_campaign_test, an_event_enters_a_customer_and_a_purchase_cancels_the_send) {
  auto m = manager();
  caf::scoped_actor self{*sys};
  ASSERT_TRUE(create_and_start(self, m, cart_spec(R"("delay":"300ms")"), "cart"));
  auto t0 = now_ms();
  auto r = ingest({event("cust-1", "cart_abandoned", t0, R"(,"properties":{"cart_value":50})"),
                   event("cust-2", "cart_abandoned", t0, R"(,"properties":{"cart_value":10})"),
                   event("cust-3", "cart_abandoned", t0, R"(,"properties":{"cart_value":80})"),
                   event("ghost", "cart_abandoned", t0, R"(,"properties":{"cart_value":80})")});
  EXPECT_EQ(r.imported, 4u);
  EXPECT_EQ(r.unknown_customers, 1u);
  EXPECT_EQ(pending_in_store("cart"), 2u); // cust-1 and cust-3; not the small cart nor ghost
  // cust-3 buys within the delay: its send is cancelled, in the same write.
  r = ingest({event("cust-3", "purchase", t0 + 100)});
  EXPECT_EQ(r.imported, 1u);
  EXPECT_EQ(pending_in_store("cart"), 1u);
  // Nothing before the delay...
  EXPECT_TRUE(deliveries("cart").empty());
  ASSERT_TRUE(delivered("cart", 1));
  EXPECT_GE(now_ms() - t0, 300);
  auto d = deliveries("cart");
  EXPECT_EQ(d[0].customer_id(), "cust-1");
  EXPECT_EQ(d[0].occurrence(), "t:" + std::to_string(t0));
  EXPECT_EQ(d[0].event_ms(), t0);
  EXPECT_FALSE(d[0].body().empty());
  EXPECT_EQ(pending_in_store("cart"), 0u); // erased with the delivery
  // The same events again are duplicates; a new cart of cust-1 does not
  // enter it again (reentry once).
  r = ingest({event("cust-1", "cart_abandoned", t0, R"(,"properties":{"cart_value":50})"),
              event("cust-1", "cart_abandoned", t0 + 5, R"(,"properties":{"cart_value":60})")});
  EXPECT_EQ(r.duplicates, 1u);
  EXPECT_EQ(pending_in_store("cart"), 0u);
  auto s = call<campaign::campaign_status>(self, m, actors::status_atom::value, std::string{"cart"});
  ASSERT_TRUE(s) << actors::describe(s.error());
  EXPECT_EQ(s->delivered, 1u);
  EXPECT_EQ(s->pending, 0u);
  EXPECT_EQ(s->state, campaign::campaign_state::running);
  // The same, as metrics.
  EXPECT_EQ(metric("troupe_campaign_journeys_total", "cart", "entered"), 2.0);
  EXPECT_EQ(metric("troupe_campaign_journeys_total", "cart", "cancelled"), 1.0);
  EXPECT_EQ(metric("troupe_campaign_journeys_total", "cart", "held"), 0.0);
  EXPECT_EQ(metric("troupe_campaign_customers_total", "cart", "delivered"), 1.0);
  EXPECT_EQ(metric("troupe_campaign_pending_sends", "cart"), 0.0);
}

TEST_F(trigger_campaign_test, per_dedup_key_enters_once_per_key_and_the_segment_sees_the_profile) {
  auto m = manager();
  caf::scoped_actor self{*sys};
  // Only a second abandoned cart or later: the profile counts the event already.
  ASSERT_TRUE(create_and_start(
    self, m,
    cart_spec(R"("reentry":"per_dedup_key","segment":"cart_abandoned_count >= 2")"), "cart"));
  auto t0 = now_ms();
  auto cart = [&](const std::string& key, int64_t ts) {
    return event("cust-4", "cart_abandoned", ts,
                 R"(,"dedup_key":")" + key + R"(","properties":{"cart_value":30})");
  };
  ingest({cart("k1", t0)});             // the first: outside the segment
  ingest({cart("k2", t0 + 1)});         // the second: enters
  ingest({cart("k2", t0 + 2)});         // the same key: a duplicate event
  ingest({cart("k3", t0 + 3)});         // a new key: enters again
  ASSERT_TRUE(delivered("cart", 2));
  std::set<std::string> occurrences;
  for (auto& d : deliveries("cart"))
    occurrences.insert(d.occurrence());
  EXPECT_EQ(occurrences, (std::set<std::string>{"k:k2", "k:k3"}));
}

TEST_F(trigger_campaign_test, a_pending_send_in_the_store_is_sent_by_a_new_runner) {
  {
    auto m = manager();
    caf::scoped_actor self{*sys};
    ASSERT_TRUE(create_and_start(self, m, cart_spec(R"("delay":"1d")"), "cart"));
    ingest({event("cust-5", "cart_abandoned", now_ms() - 86'400'000 + 500,
                  R"(,"properties":{"cart_value":99})")});
    EXPECT_EQ(pending_in_store("cart"), 1u);
    self->send_exit(caf::actor_cast<caf::actor>(m), caf::exit_reason::kill);
    std::this_thread::sleep_for(100ms);
  }
  EXPECT_TRUE(deliveries("cart").empty());
  // A new manager (a restarted node) resumes the running campaign: its
  // runner finds the pending send and sends it when it is due.
  auto m2 = manager();
  ASSERT_TRUE(delivered("cart", 1));
  EXPECT_EQ(pending_in_store("cart"), 0u);
  std::this_thread::sleep_for(300ms);
  EXPECT_EQ(deliveries("cart").size(), 1u); // once
}


std::string journey_spec(const std::string& extra, const std::string& id = "j") {
  return R"({"id":")" + id + R"(","brief":{"product":"Shoes","keywords":["shoes"]},)"
         R"("arms":[{"name":"a","weight":1}],"kind":"triggered",)"
         R"("trigger":{"event":"viewed"},"reentry":"per_dedup_key")"
         + (extra.empty() ? "" : "," + extra) + "}";
}

std::string viewed(const std::string& customer, int64_t ts, const std::string& key) {
  return event(customer, "viewed", ts, R"(,"dedup_key":")" + key + "\"");
}

TEST_F(trigger_campaign_test, quiet_hours_hold_a_send_until_they_end_in_the_customers_zone) {
  put_customer("paris", "Europe/Paris");
  put_customer("tokyo", "Asia/Tokyo");
  auto quiet = contact_policy::quiet_hours::parse("22:00-08:00");
  ASSERT_TRUE(quiet.ok());
  runner_opts.contacts.quiet = **quiet;
  // 1.5 s before 08:00 in Paris (in Tokyo: the afternoon, awake).
  auto paris = *contact_policy::time_zone::find("Europe/Paris");
  auto real = now_ms();
  offset->store(paris.next_local_minute(real, 8 * 60) - 1500 - real);
  use_moved_clock();
  auto m = manager();
  caf::scoped_actor self{*sys};
  ASSERT_TRUE(create_and_start(self, m, journey_spec(""), "j"));
  auto t0 = moved_now();
  ingest({viewed("paris", t0, "v1"), viewed("tokyo", t0, "v1")});
  ASSERT_TRUE(delivered("j", 1));
  EXPECT_EQ(deliveries("j")[0].customer_id(), "tokyo");
  auto s = status_of(self, m, "j");
  EXPECT_EQ(s.pending, 1u) << "Paris sleeps: its send waits";
  EXPECT_EQ(pending_in_store("j"), 1u) << "held, still durable";
  ASSERT_TRUE(delivered("j", 2));
  for (const auto& d : deliveries("j")) {
    if (d.customer_id() == "paris") {
      EXPECT_GE(d.delivered_at_ms(), paris.next_local_minute(t0, 8 * 60))
        << "sent once the quiet hours ended";
    }
  }
  ASSERT_TRUE(settled(self, m, "j", 2));
  s = status_of(self, m, "j");
  EXPECT_EQ(s.held, 1u);
  EXPECT_EQ(s.entered, 2u);
  EXPECT_EQ(s.delivered, 2u);
  EXPECT_EQ(s.pending, 0u);
}

TEST_F(trigger_campaign_test, a_frequency_cap_counts_per_local_day_in_each_customers_zone) {
  put_customer("tokyo", "Asia/Tokyo");       // +9: its day begins at 15:00 UTC
  put_customer("ny", "America/New_York");    // -4 or -5: mid-morning then
  runner_opts.contacts.frequency_cap = 1;
  runner_opts.contacts.book = std::make_shared<contact_policy::contact_book>();
  auto utc = contact_policy::time_zone{};
  auto real = now_ms();
  offset->store(utc.next_local_minute(real, 15 * 60) - 30'000 - real); // 14:59:30 UTC
  use_moved_clock();
  auto m = manager();
  caf::scoped_actor self{*sys};
  ASSERT_TRUE(create_and_start(self, m, journey_spec(R"("channel":"store")"), "j"));
  auto t0 = moved_now();
  ingest({viewed("tokyo", t0, "k1"), viewed("ny", t0, "k1")});
  ASSERT_TRUE(settled(self, m, "j", 2));
  // The same local day for both: the second message of the day is capped.
  ingest({viewed("tokyo", t0 + 1, "k2"), viewed("ny", t0 + 1, "k2")});
  ASSERT_TRUE(settled(self, m, "j", 4));
  auto s = status_of(self, m, "j");
  EXPECT_EQ(s.delivered, 2u);
  EXPECT_EQ(s.capped, 2u);
  EXPECT_EQ(s.failed, 0u) << "capped is neither delivered nor failed";
  EXPECT_EQ(pending_in_store("j"), 0u) << "a capped send is settled, not retried";
  // A minute later it is the next day in Tokyo, still the same one in New York.
  offset->fetch_add(60'000);
  auto t1 = moved_now();
  ingest({viewed("tokyo", t1, "k3"), viewed("ny", t1, "k3")});
  ASSERT_TRUE(settled(self, m, "j", 6));
  s = status_of(self, m, "j");
  EXPECT_EQ(s.delivered, 3u);
  EXPECT_EQ(s.capped, 3u);
  std::map<std::string, int> per_customer;
  for (const auto& d : deliveries("j"))
    ++per_customer[d.customer_id()];
  EXPECT_EQ(per_customer["tokyo"], 2);
  EXPECT_EQ(per_customer["ny"], 1);
  auto lock = runner_opts.contacts.book->lock();
  EXPECT_EQ(runner_opts.contacts.book->size(), 0u) << "every reservation released";
}

TEST_F(trigger_campaign_test, a_campaigns_own_cap_overrides_the_nodes_and_one_without_is_not_counted) {
  runner_opts.contacts.frequency_cap = 1;
  runner_opts.contacts.book = std::make_shared<contact_policy::contact_book>();
  auto utc = contact_policy::time_zone{};
  auto real = now_ms();
  offset->store(utc.next_local_minute(real, 12 * 60) - real); // noon UTC: one day throughout
  use_moved_clock();
  auto m = manager();
  caf::scoped_actor self{*sys};
  ASSERT_TRUE(create_and_start(self, m, journey_spec(R"("frequency_cap":2)"), "j"));
  ASSERT_TRUE(create_and_start(self, m, journey_spec(R"("frequency_cap":0)", "free"), "free"));
  auto t0 = moved_now();
  for (int k = 1; k <= 3; ++k) {
    ingest({viewed("cust-1", t0 + k, "k" + std::to_string(k))});
    ASSERT_TRUE(settled(self, m, "j", k));
    ASSERT_TRUE(settled(self, m, "free", k));
  }
  // Two for "j" (its cap, not the node's 1), the third capped; "free"'s
  // three did not count towards it, nor was it capped.
  auto j = status_of(self, m, "j");
  EXPECT_EQ(j.delivered, 2u);
  EXPECT_EQ(j.capped, 1u);
  auto free = status_of(self, m, "free");
  EXPECT_EQ(free.delivered, 3u);
  EXPECT_EQ(free.capped, 0u);
  auto lock = runner_opts.contacts.book->lock();
  EXPECT_EQ(runner_opts.contacts.book->size(), 0u) << "every reservation released";
}

TEST_F(trigger_campaign_test, a_failed_send_is_a_dead_letter_per_entry_and_a_replay_sends_each_once) {
  std::atomic<bool> refuse{true};
  std::atomic<int> posts{0};
  scripted_http_server receiver{[&](const http_exchange&) {
    ++posts;
    return refuse ? scripted_reply{422, R"({"error":"not now"})"} : scripted_reply{201, "{}"};
  }};
  providers::webhook_options o;
  o.timeout = 2s;
  actors::breaker_config<providers::delivery_request, providers::delivery_receipt> b;
  b.name = "breaker:deliver";
  b.policy.consecutive_failures = 0; // never opens: each send's own outcome counts
  b.policy.error_rate = 1.0;
  b.policy.min_calls = 1'000'000;
  b.provider = providers::spawn_webhook_channel(
    *sys, o, std::make_shared<providers::webhook_metrics>(registry));
  auto breaker = actors::spawn_breaker(*sys, std::move(b));
  helpers.push_back(caf::actor_cast<caf::actor>(breaker));
  deliverer = caf::actor_cast<providers::delivery_provider>(breaker);
  auto m = manager();
  caf::scoped_actor self{*sys};
  ASSERT_TRUE(create_and_start(
    self, m,
    journey_spec(R"("channel":"webhook","webhook_url":")" + receiver.url("/in") + "\""), "j"));
  auto t0 = now_ms();
  ingest({viewed("cust-1", t0, "k1"), viewed("cust-1", t0 + 1, "k2")});
  ASSERT_TRUE(settled(self, m, "j", 2));
  // Two entries of one customer, two dead letters: one per occurrence.
  std::vector<v1::DeadLetter> letters;
  auto scan_letters = [&] {
    letters.clear();
    EXPECT_TRUE(storage::scan_dead_letters(*db, "j", "",
                                           [&](std::string_view, const v1::DeadLetter& d) {
                                             letters.push_back(d);
                                             return true;
                                           })
                  .ok());
  };
  scan_letters();
  ASSERT_EQ(letters.size(), 2u);
  EXPECT_NE(letters[0].occurrence(), letters[1].occurrence());
  for (const auto& d : letters) {
    EXPECT_EQ(d.customer_id(), "cust-1");
    EXPECT_FALSE(d.occurrence().empty());
    EXPECT_TRUE(d.event_ms() == t0 || d.event_ms() == t0 + 1) << d.event_ms();
  }
  EXPECT_EQ(status_of(self, m, "j").failed, 2u);
  // Paused and replayed with the receiver back: each entry delivered once,
  // under its own occurrence.
  ASSERT_TRUE(call<campaign::campaign_status>(self, m, actors::pause_atom::value,
                                              std::string{"j"}));
  refuse = false;
  auto replayed = call<campaign::replay_result>(self, m, actors::replay_atom::value,
                                                std::string{"j"});
  ASSERT_TRUE(replayed) << actors::describe(replayed.error());
  EXPECT_EQ(replayed->tried, 2u);
  EXPECT_EQ(replayed->delivered, 2u);
  scan_letters();
  EXPECT_TRUE(letters.empty());
  auto d = deliveries("j");
  ASSERT_EQ(d.size(), 2u);
  std::set<std::string> occurrences{d[0].occurrence(), d[1].occurrence()};
  EXPECT_EQ(occurrences.size(), 2u);
  auto s = status_of(self, m, "j");
  EXPECT_EQ(s.failed, 0u);
  EXPECT_EQ(s.delivered, 2u);
  // A second replay finds nothing to send.
  replayed = call<campaign::replay_result>(self, m, actors::replay_atom::value, std::string{"j"});
  ASSERT_TRUE(replayed);
  EXPECT_EQ(replayed->tried, 0u);
  EXPECT_EQ(deliveries("j").size(), 2u);
}

TEST_F(trigger_campaign_test, the_holdout_gets_no_triggered_message_and_is_counted) {
  runner_opts.retry.holdout_basis_points = 5000;
  auto m = manager();
  caf::scoped_actor self{*sys};
  ASSERT_TRUE(create_and_start(self, m, journey_spec(""), "j"));
  std::vector<std::string> lines;
  std::set<std::string> out;
  for (int i = 0; i < 20; ++i) {
    auto id = "cust-" + std::to_string(i);
    lines.push_back(viewed(id, now_ms(), "v"));
    if (contact_policy::held_out(id, 5000))
      out.insert(id);
  }
  ASSERT_FALSE(out.empty());
  ASSERT_LT(out.size(), 20u);
  ingest(lines);
  ASSERT_TRUE(settled(self, m, "j", 20));
  auto s = status_of(self, m, "j");
  EXPECT_EQ(s.held_out, out.size());
  EXPECT_EQ(s.delivered, 20 - out.size());
  for (const auto& d : deliveries("j"))
    EXPECT_EQ(out.count(d.customer_id()), 0u) << d.customer_id() << " is held out";
}

} // namespace
} // namespace troupe::test
