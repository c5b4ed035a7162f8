// POST /v1/events's answers (runtime/http_events): who may post, what is
// refused whole, and what the import router's answer becomes. The router
// is a recording function here; tests/events_process_test.cpp posts to a
// real node.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "runtime/http_events.hpp"

namespace troupe {
namespace {

using json = nlohmann::json;
using runtime::events_endpoint;

const std::string ingest_secret = "ingest-secret-0123456789";
const std::string viewer_secret = "viewer-secret-0123456789";
const std::string operator_secret = "operator-secret-0123456789";

struct recorded {
  std::vector<customers::import_chunk> chunks;
  customers::import_result answer;
  std::optional<error> fail;
};

events_endpoint endpoint_of(recorded& rec, bool authentication = true, bool ready = true,
                            config::input_limits limits = {}) {
  runtime::http_access access;
  access.authentication_on = authentication;
  access.tokens = {{"shop", trust::role::ingest, ingest_secret},
                   {"vic", trust::role::viewer, viewer_secret},
                   {"alice", trust::role::operator_, operator_secret}};
  auto sink = [&rec](customers::import_chunk chunk) -> result<customers::import_result> {
    rec.chunks.push_back(chunk);
    if (rec.fail)
      return *rec.fail;
    auto a = rec.answer;
    if (a.imported == 0 && a.rejected == 0)
      a.imported = chunk.lines.size();
    return a;
  };
  return events_endpoint{limits, access, sink, [ready] { return ready; }, nullptr};
}

std::string event(int i) {
  return R"({"customer_id":"c)" + std::to_string(i) + R"(","type":"view","ts":)"
         + std::to_string(1000 + i) + "}";
}

std::optional<std::string> bearer(const std::string& secret) { return "Bearer " + secret; }

TEST(http_events_test, only_an_ingest_or_operator_token_may_post) {
  recorded rec;
  auto ep = endpoint_of(rec);
  auto body = event(1);
  EXPECT_EQ(ep.post(std::nullopt, body, false).code, 401);
  EXPECT_EQ(ep.post(std::string{"Basic abc"}, body, false).code, 401);
  EXPECT_EQ(ep.post(bearer("not-a-token-at-all-here"), body, false).code, 401);
  auto viewer = ep.post(bearer(viewer_secret), body, false);
  EXPECT_EQ(viewer.code, 403);
  EXPECT_NE(viewer.body.find("token 'vic' has the viewer role"), std::string::npos) << viewer.body;
  EXPECT_TRUE(rec.chunks.empty()); // nothing reached the router
  EXPECT_EQ(ep.post(bearer(ingest_secret), body, false).code, 202);
  EXPECT_EQ(ep.post(bearer(operator_secret), body, false).code, 202);
  EXPECT_EQ(rec.chunks.size(), 2u);
  // Without authentication on the node, anyone may.
  recorded open;
  EXPECT_EQ(endpoint_of(open, false).post(std::nullopt, body, false).code, 202);
}

TEST(http_events_test, an_array_and_json_lines_become_one_chunk_of_event_lines) {
  recorded rec;
  auto ep = endpoint_of(rec);
  auto r = ep.post(bearer(ingest_secret), "[" + event(1) + ",\n" + event(2) + "]", false);
  ASSERT_EQ(r.code, 202) << r.body;
  EXPECT_EQ(json::parse(r.body)["accepted"], 2);
  r = ep.post(bearer(ingest_secret), event(3) + "\n\n  \n" + event(4) + "\n", false);
  ASSERT_EQ(r.code, 202) << r.body;
  ASSERT_EQ(rec.chunks.size(), 2u);
  EXPECT_EQ(rec.chunks[0].kind, customers::import_kind::events);
  EXPECT_EQ(rec.chunks[0].lines.size(), 2u);
  EXPECT_EQ(json::parse(rec.chunks[0].lines[1])["customer_id"], "c2");
  EXPECT_EQ(rec.chunks[1].lines, (std::vector<std::string>{event(3), event(4)}));
}

TEST(http_events_test, bad_items_are_named_by_index_and_nothing_is_written) {
  recorded rec;
  auto ep = endpoint_of(rec);
  auto body = "[" + event(0) + R"(,{"customer_id":"c1","type":"view"},)" + event(2)
              + R"(,{"customer_id":"c3","type":"conversion","ts":1},7])";
  auto r = ep.post(bearer(ingest_secret), body, false);
  ASSERT_EQ(r.code, 400) << r.body;
  auto j = json::parse(r.body);
  EXPECT_EQ(j["bad"], 3);
  ASSERT_EQ(j["errors"].size(), 3u);
  EXPECT_EQ(j["errors"][0]["index"], 1);
  EXPECT_EQ(j["errors"][0]["error"], "missing ts");
  EXPECT_EQ(j["errors"][1]["index"], 3);
  EXPECT_EQ(j["errors"][2]["index"], 4);
  EXPECT_EQ(j["errors"][2]["error"], "not a JSON object");
  EXPECT_TRUE(rec.chunks.empty());
  for (const char* broken : {"", "  ", "[1,", "{\"a\":1}", "[" /* unclosed */})
    EXPECT_EQ(ep.post(bearer(ingest_secret), broken, false).code, 400) << broken;
  // Nested past the bound: refused before anything walks it.
  auto deep = std::string(100000, '[') + std::string(100000, ']');
  auto d = ep.post(bearer(ingest_secret), deep, false);
  EXPECT_EQ(d.code, 400);
  EXPECT_NE(d.body.find("nests deeper than"), std::string::npos) << d.body;
  EXPECT_TRUE(rec.chunks.empty());
}

TEST(http_events_test, over_a_limit_is_413_and_nothing_is_written) {
  recorded rec;
  config::input_limits limits;
  limits.max_events_per_request = 3;
  limits.max_id_bytes = 16;
  auto ep = endpoint_of(rec, true, true, limits);
  std::string four;
  for (int i = 0; i < 4; ++i)
    four += event(i) + "\n";
  auto r = ep.post(bearer(ingest_secret), four, false);
  EXPECT_EQ(r.code, 413);
  EXPECT_NE(r.body.find("--max-events-per-request"), std::string::npos) << r.body;
  EXPECT_EQ(ep.post(bearer(ingest_secret), "[" + event(1) + "," + event(2) + "," + event(3) + ","
                                             + event(4) + "]",
                    false)
              .code,
            413);
  // Refused before the body is read: no token, or a declared length over the limit.
  EXPECT_EQ(ep.before_body(std::nullopt, 100)->code, 401);
  EXPECT_EQ(ep.before_body(bearer(ingest_secret), 5 << 20)->code, 413);
  EXPECT_FALSE(ep.before_body(bearer(ingest_secret), 100));
  EXPECT_FALSE(ep.before_body(bearer(ingest_secret), -1)); // chunked: read up to the limit
  auto cut = ep.post(bearer(ingest_secret), event(1), true);
  EXPECT_EQ(cut.code, 413);
  EXPECT_NE(cut.body.find("--max-events-body-bytes"), std::string::npos) << cut.body;
  auto long_id = ep.post(bearer(ingest_secret),
                         R"({"customer_id":"c-with-a-very-long-id","type":"v","ts":1})", false);
  EXPECT_EQ(long_id.code, 400);
  EXPECT_NE(long_id.body.find("--max-id-bytes"), std::string::npos) << long_id.body;
  EXPECT_TRUE(rec.chunks.empty());
}

TEST(http_events_test, what_the_router_could_not_write_is_503_by_index) {
  recorded rec;
  auto ep = endpoint_of(rec);
  rec.answer.imported = 1;
  rec.answer.rejected = 1;
  rec.answer.errors.push_back({2, "not written: shard 3 is moving"});
  auto r = ep.post(bearer(ingest_secret), event(1) + "\n" + event(2), false);
  ASSERT_EQ(r.code, 503) << r.body;
  auto j = json::parse(r.body);
  EXPECT_EQ(j["accepted"], 1);
  EXPECT_EQ(j["not_written"], 1);
  EXPECT_EQ(j["errors"][0]["index"], 1);
  rec.fail = error{error_domain::runtime, 2, "no answer", true};
  EXPECT_EQ(ep.post(bearer(ingest_secret), event(1), false).code, 503);
  recorded idle;
  EXPECT_EQ(endpoint_of(idle, true, false).post(bearer(ingest_secret), event(1), false).code, 503);
  EXPECT_TRUE(idle.chunks.empty());
}

TEST(http_events_test, counts_duplicates_unknown_customers_and_unmatched) {
  recorded rec;
  rec.answer.imported = 2;
  rec.answer.duplicates = 1;
  rec.answer.unknown_customers = 1;
  auto ep = endpoint_of(rec);
  auto r = ep.post(bearer(ingest_secret), event(1) + "\n" + event(2) + "\n" + event(3), false);
  ASSERT_EQ(r.code, 202) << r.body;
  auto j = json::parse(r.body);
  EXPECT_EQ(j["accepted"], 2);
  EXPECT_EQ(j["duplicates"], 1);
  EXPECT_EQ(j["unknown_customers"], 1);
  EXPECT_EQ(j["unmatched"], 0);
}

} // namespace
} // namespace troupe
