// POST /v1/events against a real node (a one-member cluster over etcd, with
// tokens): who may post, what is stored and counted in the customer's
// profile, that it survives a kill, and that an `ingest` token opens
// nothing but events in the shell either; a triggered journey's pending
// sends across a kill and across a handoff to a joining node.

#include <csignal>
#include <cstdio>
#include <fstream>
#include <map>
#include <set>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/security_fixture.hpp"

using namespace troupe::test;
using namespace std::chrono_literals;
using json = nlohmann::json;

namespace {

const std::string shop_secret = "shop-ingest-secret-0123456789";

class events_process_test : public security_fixture {
protected:
  /// alice (operator), vic (viewer), shop (ingest).
  std::vector<std::string> tokens() {
    return {"--tokens", write_file("tokens", "alice operator " + operator_secret + "\nvic viewer "
                                               + viewer_secret + "\nshop ingest " + shop_secret
                                               + "\n")};
  }

  http_response post(const running_node& n, const std::string& body,
                     const std::string& secret) {
    std::vector<std::string> headers{"Content-Type: application/json"};
    if (!secret.empty())
      headers.push_back("Authorization: Bearer " + secret);
    return http_post(n.url("/v1/events"), body, headers, 30000);
  }

  json profile_of(const running_node& n, const std::string& id) {
    auto r = shell_as(n, operator_secret, "customer get " + id);
    EXPECT_EQ(r.code, 0) << r.err;
    if (r.code != 0)
      return {};
    auto j = json::parse(r.out);
    return j.contains("profile") ? j["profile"] : json{};
  }
};

TEST_F(events_process_test, posted_events_are_durable_and_counted_in_the_profile) {
  auto& n = start("n1", std::nullopt, tokens());
  ASSERT_TRUE(n.wait_ready()) << n.proc->err();
  ASSERT_NO_FATAL_FAILURE(import_customers(n, operator_secret, 20));
  auto body = json::array({
    {{"customer_id", "c0001"}, {"type", "cart_abandoned"}, {"ts", 1000},
     {"dedup_key", "cart-1"}, {"properties", {{"cart_value", 42.5}, {"sku", "A1"}}}},
    {{"customer_id", "c0001"}, {"type", "cart_abandoned"}, {"ts", 2000},
     {"dedup_key", "cart-1"}}, // the same cart again: one event
    {{"customer_id", "c0001"}, {"type", "view"}, {"ts", "2026-11-30T10:00:00Z"}},
    {{"customer_id", "ghost"}, {"type", "view"}, {"ts", 5}},
  }).dump();

  EXPECT_EQ(post(n, body, "").code, 401);
  EXPECT_EQ(post(n, body, "not-a-token-of-this-node").code, 401);
  EXPECT_EQ(post(n, body, viewer_secret).code, 403);
  EXPECT_TRUE(profile_of(n, "c0001").is_null()); // nothing was written

  auto r = post(n, body, shop_secret);
  ASSERT_EQ(r.code, 202) << r.body;
  auto answer = json::parse(r.body);
  EXPECT_EQ(answer["accepted"], 3) << r.body;
  EXPECT_EQ(answer["duplicates"], 1) << r.body;
  EXPECT_EQ(answer["unknown_customers"], 1) << r.body;
  // Posted again: stored once.
  auto again = post(n, body, operator_secret);
  ASSERT_EQ(again.code, 202) << again.body;
  EXPECT_EQ(json::parse(again.body)["accepted"], 0) << again.body;
  EXPECT_EQ(json::parse(again.body)["duplicates"], 4) << again.body;

  auto p = profile_of(n, "c0001");
  ASSERT_TRUE(p.is_object()) << p;
  EXPECT_EQ(p["cart_abandoned"]["count"], 1) << p;
  EXPECT_EQ(p["cart_abandoned"]["properties"]["cart_value"], 42.5) << p;
  EXPECT_EQ(p["view"]["count"], 1) << p;
  EXPECT_EQ(p["view"]["last_at_ms"], 1'796'032'800'000) << p;

  // A bad item refuses the request whole, naming it.
  auto bad = post(n, R"([{"customer_id":"c0002","type":"view","ts":1},{"customer_id":"c0002"}])",
                  shop_secret);
  ASSERT_EQ(bad.code, 400) << bad.body;
  EXPECT_EQ(json::parse(bad.body)["errors"][0]["index"], 1) << bad.body;
  EXPECT_TRUE(profile_of(n, "c0002").is_null());
  EXPECT_EQ(metric(n, "troupe_http_events_total", "outcome=\"accepted\""), 3);
  EXPECT_EQ(metric(n, "troupe_http_event_requests_total", "code=\"401\""), 2);

  // Acknowledged means durable: after a kill, the profile and events are there.
  n.proc->signal(SIGKILL);
  n.proc->wait_for(10s);
  auto port = n.cluster_port;
  nodes.erase("n1");
  auto& back = start("n1", port, tokens());
  ASSERT_TRUE(back.wait_ready()) << back.proc->err();
  auto kept = profile_of(back, "c0001");
  EXPECT_EQ(kept["cart_abandoned"]["count"], 1) << kept;
  auto exported = shell_as(back, operator_secret, "customer export c0001");
  ASSERT_EQ(exported.code, 0) << exported.err;
  EXPECT_EQ(json::parse(exported.out)["events"].size(), 2u) << exported.out;
}

TEST_F(events_process_test, an_ingest_token_posts_and_ingests_events_and_does_nothing_else) {
  auto& n = start("n1", std::nullopt, tokens());
  ASSERT_TRUE(n.wait_ready()) << n.proc->err();
  ASSERT_NO_FATAL_FAILURE(import_customers(n, operator_secret, 5));
  write_file("events.jsonl", R"({"customer_id":"c0003","type":"purchase","ts":10})"
                             "\n");
  auto ingested = shell_as(n, shop_secret, "event ingest events.jsonl");
  ASSERT_EQ(ingested.code, 0) << ingested.out << ingested.err;
  EXPECT_EQ(json::parse(ingested.out)["imported"], 1) << ingested.out;
  EXPECT_EQ(profile_of(n, "c0003")["purchase"]["count"], 1);
  for (const char* command : {"import customers customers.jsonl", "customer get c0003",
                              "campaign list", "customer delete c0003"}) {
    auto r = shell_as(n, shop_secret, command);
    EXPECT_NE(r.code, 0) << command << ": " << r.out;
    EXPECT_TRUE(contains(r.err + r.out, "permission denied")) << command << ": " << r.err;
  }
}

TEST_F(events_process_test, an_abandoned_cart_journey_over_http_survives_a_kill) {
  auto& n = start("n1");
  ASSERT_TRUE(n.wait_ready()) << n.proc->err();
  ASSERT_NO_FATAL_FAILURE(import_customers(n, "", 20));
  write_file("cart.json",
             R"({"id":"cart","kind":"triggered","brief":{"product":"Shoes"},)"
             R"("arms":[{"name":"a","weight":1}],)"
             R"("trigger":{"event":"cart_abandoned","where":"cart_value > 20"},)"
             R"("delay":"1s","cancel_on":"purchase","reentry":"per_dedup_key"})");
  ASSERT_EQ(shell(n, "campaign create cart.json").code, 0);
  ASSERT_EQ(shell(n, "campaign start cart").code, 0);
  auto now = std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
               .count();
  auto cart = [&](const std::string& who, double value, const std::string& key) {
    return json{{"customer_id", who}, {"type", "cart_abandoned"}, {"ts", now},
                {"dedup_key", key}, {"properties", {{"cart_value", value}}}};
  };
  auto body = json::array({cart("c0001", 50, "k1"), cart("c0002", 50, "k2"),
                           cart("c0003", 5, "k3"),
                           {{"customer_id", "c0002"}, {"type", "purchase"}, {"ts", now + 100}}});
  auto r = post(n, body.dump(), "");
  ASSERT_EQ(r.code, 202) << r.body;
  auto status = json::parse(shell(n, "campaign status cart").out);
  EXPECT_EQ(status["pending"], 1) << status; // c0001's: c0002 bought, c0003's cart is small
  EXPECT_EQ(status["delivered"], 0) << status;
  ASSERT_TRUE(eventually(
    [&] { return json::parse(shell(n, "campaign status cart").out)["delivered"] == 1; }, 15s));
  // A cart whose send is pending when the node is killed: sent once, after the restart.
  ASSERT_EQ(post(n, json::array({cart("c0004", 70, "k4")}).dump(), "").code, 202);
  n.proc->signal(SIGKILL);
  n.proc->wait_for(10s);
  auto port = n.cluster_port;
  nodes.erase("n1");
  auto& back = start("n1", port);
  ASSERT_TRUE(back.wait_ready()) << back.proc->err();
  ASSERT_TRUE(eventually(
    [&] { return json::parse(shell(back, "campaign status cart").out)["delivered"] == 2; }, 20s))
    << shell(back, "campaign status cart").out;
  auto exported = shell(back, "campaign export cart deliveries.jsonl");
  ASSERT_EQ(exported.code, 0) << exported.err;
  std::ifstream in{(dir / "deliveries.jsonl").string()};
  std::multiset<std::string> who;
  for (std::string line; std::getline(in, line);)
    who.insert(json::parse(line)["customer_id"].get<std::string>());
  EXPECT_EQ(who, (std::multiset<std::string>{"c0001", "c0004"}));
  status = json::parse(shell(back, "campaign status cart").out);
  EXPECT_EQ(status["pending"], 0) << status;
  EXPECT_EQ(status["state"], "running") << status;
}

TEST_F(events_process_test, pending_sends_move_with_their_shards_to_a_joining_node) {
  auto& n1 = start("n1");
  ASSERT_TRUE(n1.wait_ready()) << n1.proc->err();
  ASSERT_NO_FATAL_FAILURE(import_customers(n1, "", 40));
  auto now = start_later_campaign(n1, "30s");
  ASSERT_FALSE(HasFailure());
  json body = json::array();
  for (int i = 1; i <= 40; ++i) {
    char id[8];
    std::snprintf(id, sizeof id, "c%04d", i);
    body.push_back({{"customer_id", id}, {"type", "viewed"}, {"ts", now}, {"dedup_key", "v1"}});
  }
  auto r = post(n1, body.dump(), "");
  ASSERT_EQ(r.code, 202) << r.body;
  EXPECT_EQ(json::parse(shell(n1, "campaign status later").out)["pending"], 40);
  auto got = json::parse(shell(n1, "customer get c0001").out);
  ASSERT_EQ(got["pending_sends"].size(), 1u) << got;
  EXPECT_EQ(got["pending_sends"][0]["campaign_id"], "later") << got;
  EXPECT_EQ(got["pending_sends"][0]["due_at_ms"], now + 30'000) << got;
  EXPECT_EQ(got["profile"]["viewed"]["count"], 1) << got;
  // A second member joins: half the shards move to it, their pending sends
  // with them, before any is due.
  auto& n2 = start("n2");
  ASSERT_TRUE(n2.wait_ready()) << n2.proc->err();
  ASSERT_TRUE(sees(n1, {{"n1", "up"}, {"n2", "up"}})) << shell(n1, "nodes").out;
  auto status = json::parse(shell(n1, "campaign status later").out);
  EXPECT_EQ(status["delivered"], 0) << "moved before the delay ended: " << status;
  // Each customer's lookup, on whichever member owns it now, lists its send.
  for (const char* id : {"c0001", "c0002", "c0003", "c0004"})
    EXPECT_EQ(json::parse(shell(n1, std::string{"customer get "} + id).out)["pending_sends"].size(),
              1u)
      << id;
  ASSERT_TRUE(eventually(
    [&] { return json::parse(shell(n1, "campaign status later").out)["delivered"] == 40; }, 60s))
    << shell(n1, "campaign status later").out;
  // Each sent once, some by each member: n2 sent those of the shards it took.
  std::map<std::string, int> by_member;
  std::multiset<std::string> who;
  for (auto [name, n] : {std::pair{"n1", &n1}, std::pair{"n2", &n2}}) {
    auto file = std::string{"later-"} + name + ".jsonl";
    auto exported = shell(*n, "campaign export later " + file);
    ASSERT_EQ(exported.code, 0) << exported.err;
    std::ifstream in{(dir / file).string()};
    for (std::string line; std::getline(in, line);) {
      who.insert(json::parse(line)["customer_id"].get<std::string>());
      ++by_member[name];
    }
  }
  EXPECT_EQ(who.size(), 40u);
  EXPECT_EQ(std::set<std::string>(who.begin(), who.end()).size(), 40u) << "one send each";
  EXPECT_GT(by_member["n1"], 0);
  EXPECT_GT(by_member["n2"], 0) << "the joining member sent the moved shards' sends";
  status = json::parse(shell(n1, "campaign status later").out);
  EXPECT_EQ(status["pending"], 0) << status;
  EXPECT_EQ(status["triggered"], 40) << status;
  got = json::parse(shell(n1, "customer get c0001").out);
  EXPECT_FALSE(got.contains("pending_sends")) << "sent: nothing waits any more: " << got;
}

} // namespace
