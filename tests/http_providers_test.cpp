// The providers that call out over HTTP, against a real local HTTP server
// started by the test: the OpenAI-compatible generator (request format,
// answers, HTTP errors, slow answers, malformed JSON, its breaker falling
// back to the template generator) and the webhook channel (idempotency key,
// 2xx / 4xx / 5xx / timeout, status metrics).

#include <atomic>

#include <caf/all.hpp>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <prometheus/text_serializer.h>

#include "actors/breaker.hpp"
#include "actors/limited_provider.hpp"
#include "providers/openai_generator.hpp"
#include "providers/webhook_channel.hpp"
#include "tests/actor_fixture.hpp"
#include "tests/actor_test_support.hpp"
#include "tests/chat_answer.hpp"
#include "tests/scripted_http_server.hpp"

using namespace troupe;
using namespace troupe::actors;
using namespace troupe::test;
using namespace troupe::providers;
using namespace std::chrono_literals;
using json = nlohmann::json;

namespace {

generation_request sample_request() {
  generation_request r;
  r.campaign_id = "spring";
  r.customer_id = "c-7";
  r.first_name = "Ada";
  r.product = "TrailLite";
  r.features = {"light", "waterproof"};
  r.tone = "friendly";
  r.citations = {"doc-1", "doc-2"};
  return r;
}

openai_options options_for(const scripted_http_server& server) {
  openai_options o;
  o.base_url = server.url("/v1/");
  o.model = "tiny-llm";
  o.api_key = "sk-test";
  o.timeout = 2s;
  o.concurrency = 2;
  return o;
}

} // namespace

TEST(OpenAiFormat, the_request_names_model_customer_product_and_sources) {
  openai_options o;
  o.model = "m1";
  auto body = json::parse(chat_request_body(o, sample_request()));
  EXPECT_EQ(body["model"], "m1");
  ASSERT_EQ(body["messages"].size(), 2u);
  EXPECT_EQ(body["messages"][0]["role"], "system");
  EXPECT_EQ(body["messages"][1]["role"], "user");
  auto user = body["messages"][1]["content"].get<std::string>();
  for (const char* part : {"Ada", "TrailLite", "light, waterproof", "friendly", "[doc-1] [doc-2]"})
    EXPECT_NE(user.find(part), std::string::npos) << part << " in " << user;
}

TEST(OpenAiFormat, answers_are_parsed_and_missing_citations_appended) {
  auto req = sample_request();
  auto m = parse_chat_answer(chat_answer("Subject: Hi Ada\n\nTrailLite is light [doc-1]."), req,
                             "m1");
  ASSERT_TRUE(m.ok()) << m.err().message();
  EXPECT_EQ(m->subject, "Hi Ada");
  EXPECT_EQ(m->generator, "openai:m1");
  EXPECT_EQ(m->body, "TrailLite is light [doc-1].\n\nSources: [doc-2]");
  // No subject line: the body is the whole answer, the subject is made up.
  auto plain = parse_chat_answer(chat_answer("Ada, TrailLite [doc-1] [doc-2]"), req, "m1");
  ASSERT_TRUE(plain.ok());
  EXPECT_EQ(plain->subject, "Ada: TrailLite");
  EXPECT_EQ(plain->body, "Ada, TrailLite [doc-1] [doc-2]");
}

TEST(OpenAiFormat, malformed_answers_are_errors_naming_the_problem) {
  auto req = sample_request();
  struct bad {
    std::string body;
    std::string says;
  };
  for (const auto& b : std::vector<bad>{
         {"{\"choices\": [", "not JSON"},
         {"{\"error\": {\"message\": \"overloaded\"}}", "no 'choices'"},
         {"{\"choices\": []}", "no 'choices'"},
         {"{\"choices\": [{\"message\": {\"content\": 42}}]}", "content string"},
         {chat_answer("   \n "), "empty message"},
         {chat_answer("Subject: only a subject"), "no body"}}) {
    auto m = parse_chat_answer(b.body, req, "m1");
    ASSERT_FALSE(m.ok()) << b.body;
    EXPECT_NE(m.err().message().find(b.says), std::string::npos) << m.err().message();
  }
}

class http_provider_test : public actor_fixture {};

TEST_F(http_provider_test, the_generator_speaks_chat_completions_to_a_real_server) {
  scripted_http_server server{[](const http_exchange& x) {
    auto body = json::parse(x.body);
    auto user = body["messages"][1]["content"].get<std::string>();
    return scripted_reply{200, chat_answer("Subject: For you\n\nHello from " + user.substr(0, 25)
                                           + " [doc-1] [doc-2]")};
  }};
  auto gen = spawn_openai_generator(*sys, options_for(server));
  caf::scoped_actor self{*sys};
  auto m = call<generated_message>(self, gen, sample_request());
  ASSERT_TRUE(m) << describe(m.error());
  EXPECT_EQ(m->subject, "For you");
  EXPECT_EQ(m->generator, "openai:tiny-llm");
  EXPECT_NE(m->body.find("Customer first name: Ada"), std::string::npos) << m->body;
  auto seen = server.requests();
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].method, "POST");
  EXPECT_EQ(seen[0].path, "/v1/chat/completions");
  EXPECT_EQ(seen[0].headers["authorization"], "Bearer sk-test");
  EXPECT_EQ(seen[0].headers["content-type"], "application/json");
  EXPECT_EQ(json::parse(seen[0].body)["model"], "tiny-llm");
  caf::anon_send_exit(gen, caf::exit_reason::user_shutdown);
}

TEST_F(http_provider_test, http_errors_slow_answers_and_bad_json_fail_the_call) {
  std::atomic<int> mode{0};
  scripted_http_server server{[&](const http_exchange&) {
    switch (mode.load()) {
      case 0: return scripted_reply{500, R"({"error":"model crashed"})"};
      case 1: return scripted_reply{200, chat_answer("Subject: late\n\nbody"), 800ms};
      default: return scripted_reply{200, "<html>gateway</html>"};
    }
  }};
  auto o = options_for(server);
  o.timeout = 300ms;
  auto gen = spawn_openai_generator(*sys, o);
  caf::scoped_actor self{*sys};
  auto failed = call<generated_message>(self, gen, sample_request());
  ASSERT_FALSE(failed);
  EXPECT_TRUE(is(failed.error(), actors_errc::provider_failed));
  EXPECT_NE(describe(failed.error()).find("HTTP 500"), std::string::npos)
    << describe(failed.error());
  mode = 1;
  auto slow = call<generated_message>(self, gen, sample_request());
  ASSERT_FALSE(slow);
  EXPECT_TRUE(is(slow.error(), actors_errc::timeout)) << describe(slow.error());
  mode = 2;
  auto garbage = call<generated_message>(self, gen, sample_request());
  ASSERT_FALSE(garbage);
  EXPECT_NE(describe(garbage.error()).find("not JSON"), std::string::npos)
    << describe(garbage.error());
  caf::anon_send_exit(gen, caf::exit_reason::user_shutdown);
}

TEST_F(http_provider_test, behind_limiter_and_breaker_the_template_serves_while_it_is_down) {
  std::atomic<bool> down{true};
  scripted_http_server server{[&](const http_exchange&) {
    return down ? scripted_reply{503, "{}"} : scripted_reply{200, chat_answer("Subject: s\n\nb")};
  }};
  limiter_options lo;
  lo.default_policy = {1000, 100};
  auto limiter = spawn_limiter(*sys, "limiter", lo, real_clock(), nullptr);
  breaker_config<generation_request, generated_message> b;
  b.name = "breaker:generate";
  b.policy.consecutive_failures = 3;
  b.policy.cool_down = 50ms;
  b.policy.half_open_trials = 1;
  b.policy.call_timeout = 3s;
  b.provider = spawn_limited_provider<generation_request, generated_message>(
    *sys, [limiter] { return limiter; }, "generate", spawn_openai_generator(*sys, options_for(server)));
  b.fallback = spawn_template_generator(*sys);
  auto breaker = spawn_breaker(*sys, std::move(b));
  caf::scoped_actor self{*sys};
  for (int i = 0; i < 3; ++i)
    EXPECT_FALSE(call<generated_message>(self, breaker, sample_request()));
  auto served = call<generated_message>(self, breaker, sample_request());
  ASSERT_TRUE(served);
  EXPECT_EQ(served->generator, "template");
  EXPECT_EQ(server.request_count(), 3u); // the open breaker did not call out
  down = false;
  std::string generator;
  for (int i = 0; i < 200 && generator != "openai:tiny-llm"; ++i) {
    std::this_thread::sleep_for(10ms);
    auto m = call<generated_message>(self, breaker, sample_request());
    ASSERT_TRUE(m);
    generator = m->generator;
  }
  EXPECT_EQ(generator, "openai:tiny-llm"); // closed again after the cool-down
  // With fallback_on_error (the node's choice for the HTTP generator) a
  // failed call is answered by the template instead of the error.
  down = true;
  breaker_config<generation_request, generated_message> lenient;
  lenient.name = "breaker:lenient";
  lenient.policy.consecutive_failures = 0;
  lenient.policy.min_calls = 1000;
  lenient.policy.call_timeout = 3s;
  lenient.provider = spawn_openai_generator(*sys, options_for(server));
  lenient.fallback = spawn_template_generator(*sys);
  lenient.fallback_on_error = true;
  auto served_anyway = spawn_breaker(*sys, std::move(lenient));
  auto before = server.request_count();
  auto m = call<generated_message>(self, served_anyway, sample_request());
  ASSERT_TRUE(m) << describe(m.error());
  EXPECT_EQ(m->generator, "template");
  EXPECT_EQ(server.request_count(), before + 1); // the provider was tried first
  caf::anon_send_exit(served_anyway, caf::exit_reason::user_shutdown);
  caf::anon_send_exit(breaker, caf::exit_reason::user_shutdown);
  caf::anon_send_exit(limiter, caf::exit_reason::user_shutdown);
}

TEST_F(http_provider_test, the_webhook_channel_posts_with_the_idempotency_key) {
  std::atomic<int> status{200};
  scripted_http_server server{[&](const http_exchange& x) {
    if (x.path == "/slow")
      return scripted_reply{200, "{}", 800ms};
    return scripted_reply{status.load(), R"({"ok":false,"why":"unknown recipient"})"};
  }};
  webhook_options o;
  o.timeout = 300ms;
  o.concurrency = 2;
  auto metrics = std::make_shared<webhook_metrics>(registry);
  auto channel = spawn_webhook_channel(*sys, o, metrics);
  caf::scoped_actor self{*sys};
  delivery_request req{server.url("/hook"), "spring:c-7", R"({"customer_id":"c-7"})"};
  auto ok = call<delivery_receipt>(self, channel, req);
  ASSERT_TRUE(ok) << describe(ok.error());
  EXPECT_EQ(ok->status, 200);
  auto seen = server.requests();
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].headers["idempotency-key"], "spring:c-7");
  EXPECT_EQ(seen[0].body, R"({"customer_id":"c-7"})");
  status = 404; // a refusal is an answer, not a provider failure
  auto refused = call<delivery_receipt>(self, channel, req);
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, 404);
  EXPECT_NE(refused->detail.find("unknown recipient"), std::string::npos);
  status = 503;
  auto unavailable = call<delivery_receipt>(self, channel, req);
  ASSERT_FALSE(unavailable);
  EXPECT_NE(describe(unavailable.error()).find("HTTP 503"), std::string::npos);
  status = 429;
  EXPECT_FALSE(call<delivery_receipt>(self, channel, req));
  auto slow = call<delivery_receipt>(self, channel,
                                     delivery_request{server.url("/slow"), "k", "{}"});
  ASSERT_FALSE(slow);
  EXPECT_TRUE(is(slow.error(), actors_errc::timeout));
  auto nobody = call<delivery_receipt>(self, channel,
                                       delivery_request{"http://127.0.0.1:1/hook", "k", "{}"});
  ASSERT_FALSE(nobody);
  EXPECT_TRUE(is(nobody.error(), actors_errc::provider_failed));
  auto text = prometheus::TextSerializer{}.Serialize(registry.Collect());
  for (const char* line : {"troupe_webhook_responses_total{code=\"200\"} 1",
                           "troupe_webhook_responses_total{code=\"404\"} 1",
                           "troupe_webhook_responses_total{code=\"503\"} 1",
                           "troupe_webhook_responses_total{code=\"429\"} 1",
                           "troupe_webhook_responses_total{code=\"timeout\"} 1",
                           "troupe_webhook_responses_total{code=\"transport\"} 1"})
    EXPECT_NE(text.find(line), std::string::npos) << line;
  caf::anon_send_exit(channel, caf::exit_reason::user_shutdown);
}
