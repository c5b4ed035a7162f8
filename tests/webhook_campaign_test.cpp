// Campaigns on the webhook channel against a real local receiver: every
// selected customer is POSTed with its idempotency key; 5xx answers are
// retried and then delivered; 4xx answers become dead letters at once; a
// receiver that is down for a while opens the breaker and the deliver stage
// waits it out without losing anyone.

#include <atomic>
#include <map>
#include <mutex>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "actors/breaker.hpp"
#include "contact_policy/contact_book.hpp"
#include "tests/campaign_fixture.hpp"
#include "tests/scripted_http_server.hpp"

using namespace troupe;
using namespace troupe::actors;
using namespace troupe::test;
using namespace troupe::campaign;
using namespace troupe::providers;
using namespace std::chrono_literals;
using json = nlohmann::json;

namespace {

std::string webhook_spec(const std::string& id, const std::string& url) {
  return R"({"id":")" + id + R"(","brief":{"product":"TrailLite","features":["light"]},)"
         + R"("segment":")" + std::string{default_predicate} + R"(",)"
         + R"("arms":[{"name":"control","weight":1},{"name":"treatment","weight":1}],)"
         + R"("window":32,"channel":"webhook","webhook_url":")" + url + R"("})";
}

int number_of(const std::string& customer_id) {
  return std::stoi(customer_id.substr(customer_id.find('-') + 1));
}

std::vector<v1::DeadLetter> dead_letters(storage::store& db, const std::string& id) {
  std::vector<v1::DeadLetter> all;
  auto prefix = id + std::string(1, '\0');
  EXPECT_TRUE(db.scan<v1::DeadLetter>(storage::column::dead_letters, prefix,
                                      storage::keys::prefix_end(prefix),
                                      [&](std::string_view, const v1::DeadLetter& d) {
                                        all.push_back(d);
                                        return true;
                                      })
                .ok());
  return all;
}

class webhook_campaign_test : public campaign_fixture {
protected:
  void SetUp() override {
    campaign_fixture::SetUp();
    runner_opts.retry.deliver.first_backoff = 5ms;
    runner_opts.retry.deliver.max_backoff = 200ms;
    runner_opts.retry.deliver.attempts = 8;
  }

  void use_channel(std::shared_ptr<webhook_metrics> metrics, breaker_policy policy) {
    webhook_options o;
    o.timeout = 2s;
    o.concurrency = 4;
    breaker_config<delivery_request, delivery_receipt> b;
    b.name = "breaker:deliver";
    b.policy = policy;
    b.provider = spawn_webhook_channel(*sys, o, std::move(metrics));
    auto breaker = spawn_breaker(*sys, std::move(b));
    helpers.push_back(caf::actor_cast<caf::actor>(breaker));
    deliverer = caf::actor_cast<delivery_provider>(breaker);
  }

  /// The channel behind a breaker that never opens: every item's own
  /// retries and outcome count.
  void use_lenient_channel() {
    breaker_policy lenient;
    lenient.consecutive_failures = 0;
    lenient.error_rate = 1.0;
    lenient.min_calls = 1'000'000;
    use_channel(std::make_shared<webhook_metrics>(registry), lenient);
  }
};

} // namespace

TEST_F(webhook_campaign_test, retries_5xx_dead_letters_4xx_and_keys_every_post) {
  populate(2'000);
  std::mutex mutex;
  std::map<std::string, int> posts; // by idempotency key
  scripted_http_server receiver{[&](const http_exchange& x) {
    auto key = x.headers.count("idempotency-key") ? x.headers.at("idempotency-key") : "";
    int n;
    {
      std::lock_guard<std::mutex> guard{mutex};
      n = ++posts[key];
    }
    auto customer = number_of(key.substr(key.find(':') + 1));
    if (customer % 10 == 7)
      return scripted_reply{422, R"({"error":"unsubscribed"})"};
    if (customer % 10 == 3 && n == 1)
      return scripted_reply{503, "{}"};
    return scripted_reply{201, "{}"};
  }};
  use_lenient_channel();
  auto m = manager();
  caf::scoped_actor self{*sys};
  ASSERT_TRUE(create_and_start(self, m, webhook_spec("hook", receiver.url("/deliveries")), "hook"));
  auto s = wait_until_finished(self, m, "hook");
  ASSERT_EQ(s.state, campaign::campaign_state::completed) << s.reason;
  std::set<std::string> refused, retried;
  for (const auto& id : selected) {
    if (number_of(id) % 10 == 7)
      refused.insert(id);
    if (number_of(id) % 10 == 3)
      retried.insert(id);
  }
  ASSERT_FALSE(refused.empty());
  ASSERT_FALSE(retried.empty());
  EXPECT_EQ(s.in_segment, selected.size());
  EXPECT_EQ(s.failed, refused.size());
  EXPECT_EQ(s.delivered, selected.size() - refused.size());
  // Exactly the selected customers were POSTed, each under its own key:
  // once, twice when the first answer was a 503.
  std::set<std::string> posted;
  for (const auto& [key, n] : posts) {
    ASSERT_EQ(key.rfind("hook:", 0), 0u) << key;
    auto id = key.substr(5);
    posted.insert(id);
    EXPECT_EQ(n, retried.count(id) ? 2 : 1) << id;
  }
  EXPECT_EQ(posted, selected);
  // The body is the delivery as JSON.
  for (const auto& x : receiver.requests()) {
    auto body = json::parse(x.body);
    EXPECT_EQ(body["campaign_id"], "hook");
    EXPECT_EQ("hook:" + body["customer_id"].get<std::string>(), x.headers.at("idempotency-key"));
    EXPECT_EQ(body["channel"], "webhook");
    EXPECT_TRUE(body["arm"] == "control" || body["arm"] == "treatment") << x.body;
    EXPECT_NE(body["subject"].get<std::string>().find("TrailLite"), std::string::npos);
  }
  // Delivered customers have a Delivery record; refused ones a dead letter
  // that names the status, after one attempt.
  std::set<std::string> stored;
  for (const auto& d : deliveries("hook")) {
    stored.insert(d.customer_id());
    EXPECT_EQ(d.channel(), "webhook");
  }
  EXPECT_EQ(stored.size(), selected.size() - refused.size());
  std::set<std::string> lettered;
  for (const auto& d : dead_letters(*db, "hook")) {
    lettered.insert(d.customer_id());
    EXPECT_EQ(d.stage(), "deliver");
    EXPECT_NE(d.reason().find("HTTP 422"), std::string::npos) << d.reason();
    EXPECT_EQ(d.attempts(), 1u);
  }
  EXPECT_EQ(lettered, refused);
  stop_helpers();
}

TEST_F(webhook_campaign_test, a_receiver_down_for_a_while_opens_the_breaker_and_nobody_is_lost) {
  populate(1'000);
  std::atomic<bool> down{true};
  scripted_http_server receiver{[&](const http_exchange&) {
    return down ? scripted_reply{500, "{}"} : scripted_reply{200, "{}"};
  }};
  breaker_policy quick;
  quick.consecutive_failures = 3;
  quick.cool_down = 30ms;
  quick.half_open_trials = 1;
  quick.call_timeout = 3s;
  use_channel(nullptr, quick);
  auto m = manager();
  caf::scoped_actor self{*sys};
  ASSERT_TRUE(create_and_start(self, m, webhook_spec("outage", receiver.url("/d")), "outage"));
  // Wait until the breaker has opened, then bring the receiver back.
  std::string state;
  for (int i = 0; i < 500 && state != "open"; ++i) {
    auto b = call<breaker_status>(self, caf::actor_cast<caf::actor>(deliverer), status_atom::value);
    ASSERT_TRUE(b);
    state = b->state;
    if (state != "open")
      std::this_thread::sleep_for(2ms);
  }
  EXPECT_EQ(state, "open");
  std::this_thread::sleep_for(100ms);
  down = false;
  auto s = wait_until_finished(self, m, "outage");
  ASSERT_EQ(s.state, campaign::campaign_state::completed) << s.reason;
  EXPECT_EQ(s.failed, 0u);
  EXPECT_EQ(s.delivered, selected.size());
  EXPECT_EQ(deliveries("outage").size(), selected.size());
  stop_helpers();
}

TEST_F(webhook_campaign_test, without_a_webhook_channel_every_customer_becomes_a_dead_letter) {
  populate(500);
  runner_opts.retry.deliver.provider_wait = 200ms; // how long an item waits for one
  auto m = manager(); // no deliverer set
  caf::scoped_actor self{*sys};
  ASSERT_TRUE(create_and_start(self, m, webhook_spec("nohook", "http://127.0.0.1:1/x"), "nohook"));
  auto s = wait_until_finished(self, m, "nohook");
  ASSERT_EQ(s.state, campaign::campaign_state::completed) << s.reason;
  EXPECT_EQ(s.delivered, 0u);
  EXPECT_EQ(s.failed, selected.size());
  auto letters = dead_letters(*db, "nohook");
  ASSERT_EQ(letters.size(), selected.size());
  EXPECT_EQ(letters[0].reason().rfind("deliver: no provider on this node (waited ", 0), 0u)
    << letters[0].reason();
  stop_helpers();
}

TEST_F(webhook_campaign_test, a_replayed_dead_letter_asks_the_frequency_cap_as_a_run_does) {
  populate(1'000);
  runner_opts.contacts.frequency_cap = 1; // one webhook message a day per customer
  runner_opts.contacts.book = std::make_shared<contact_policy::contact_book>();
  std::mutex mutex;
  std::map<std::string, int> posts; // by idempotency key
  scripted_http_server receiver{[&](const http_exchange& x) {
    auto key = x.headers.count("idempotency-key") ? x.headers.at("idempotency-key") : "";
    {
      std::lock_guard<std::mutex> guard{mutex};
      ++posts[key];
    }
    // The first campaign's every tenth customer is refused: a dead letter.
    if (key.rfind("hook:", 0) == 0 && number_of(key.substr(key.find(':') + 1)) % 10 == 7)
      return scripted_reply{422, R"({"error":"unsubscribed"})"};
    return scripted_reply{201, "{}"};
  }};
  use_lenient_channel();
  auto m = manager();
  caf::scoped_actor self{*sys};
  ASSERT_TRUE(create_and_start(self, m, webhook_spec("hook", receiver.url("/in")), "hook"));
  auto first = wait_until_finished(self, m, "hook");
  ASSERT_EQ(first.state, campaign::campaign_state::completed) << first.reason;
  auto letters = dead_letters(*db, "hook");
  ASSERT_FALSE(letters.empty());
  EXPECT_EQ(first.failed, letters.size());
  // A second campaign reaches everyone: the refused ones had no message
  // today (a dead letter counts nothing), the others are capped.
  ASSERT_TRUE(create_and_start(self, m, webhook_spec("hook2", receiver.url("/in")), "hook2"));
  auto second = wait_until_finished(self, m, "hook2");
  EXPECT_EQ(second.delivered, letters.size());
  EXPECT_EQ(second.capped, first.delivered);
  // Replayed now, every dead letter is over the cap: settled as capped,
  // nothing posted, no longer a dead letter.
  auto replayed = call<campaign::replay_result>(self, m, replay_atom::value, std::string{"hook"});
  ASSERT_TRUE(replayed) << describe(replayed.error());
  EXPECT_EQ(replayed->tried, letters.size());
  EXPECT_EQ(replayed->capped, letters.size());
  EXPECT_EQ(replayed->delivered, 0u);
  EXPECT_EQ(replayed->failed, 0u);
  EXPECT_TRUE(dead_letters(*db, "hook").empty());
  auto after = call<campaign::campaign_status>(self, m, status_atom::value, std::string{"hook"});
  ASSERT_TRUE(after);
  EXPECT_EQ(after->failed, 0u);
  EXPECT_EQ(after->capped, letters.size());
  std::lock_guard<std::mutex> guard{mutex};
  for (const auto& d : letters)
    EXPECT_EQ(posts["hook:" + d.customer_id()], 1) << "posted again: " << d.customer_id();
  stop_helpers();
}
