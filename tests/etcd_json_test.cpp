// coord/'s pure pieces: base64, prefix ends, the gateway's JSON both ways,
// endpoint parsing and option checks, error codes.

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "coord/base64.hpp"
#include "coord/coord_error.hpp"
#include "coord/etcd_json.hpp"
#include "coord/etcd_options.hpp"

namespace troupe::coord {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

const std::string header = R"("header":{"cluster_id":"1","member_id":"2","revision":"7","raft_term":"2"})";

TEST(base64, encodes_the_rfc_4648_vectors_and_decodes_them_back) {
  const std::pair<std::string, std::string> vectors[] = {
    {"", ""}, {"f", "Zg=="}, {"fo", "Zm8="}, {"foo", "Zm9v"}, {"foob", "Zm9vYg=="},
    {"fooba", "Zm9vYmE="}, {"foobar", "Zm9vYmFy"}};
  for (const auto& [plain, encoded] : vectors) {
    EXPECT_EQ(base64_encode(plain), encoded);
    EXPECT_EQ(base64_decode(encoded), plain);
  }
  std::string bytes;
  for (int i = 0; i < 256; ++i)
    bytes += static_cast<char>(i);
  EXPECT_EQ(base64_encode(bytes).substr(0, 8), "AAECAwQF");
  EXPECT_EQ(base64_decode(base64_encode(bytes)), bytes);
}

TEST(base64, refuses_what_is_not_padded_standard_base64) {
  EXPECT_FALSE(base64_decode("Zg"));     // unpadded
  EXPECT_FALSE(base64_decode("Zm9v!A==")); // outside the alphabet
  EXPECT_FALSE(base64_decode("Z==="));
  EXPECT_FALSE(base64_decode("Zg==Zg==")); // padding before the end
  EXPECT_FALSE(base64_decode("Zm9-"));     // base64url is not etcd's
}

TEST(prefix_end, increments_the_last_byte_below_0xff_and_drops_the_rest) {
  EXPECT_EQ(prefix_end("abc"), "abd");
  EXPECT_EQ(prefix_end("a/"), "a0");
  EXPECT_EQ(prefix_end(std::string("a\xff", 2)), "b");
  EXPECT_EQ(prefix_end(std::string("a\xfe\xff\xff", 4)), std::string("a\xff", 2));
  EXPECT_EQ(prefix_end(std::string("\xff\xff", 2)), std::string(1, '\0'));
  EXPECT_EQ(prefix_end(""), std::string(1, '\0'));
  auto all = txn_op::prefix("");
  EXPECT_EQ(all.key, std::string(1, '\0'));
  EXPECT_EQ(all.range_end, std::string(1, '\0'));
}

TEST(etcd_json, requests_carry_base64_keys_and_int64_as_strings) {
  EXPECT_EQ(json::parse(encode_range("a", "")), json::parse(R"({"key":"YQ=="})"));
  EXPECT_EQ(json::parse(encode_range("a", "b")),
            json::parse(R"({"key":"YQ==","range_end":"Yg=="})"));
  EXPECT_EQ(json::parse(encode_put("a", "b", 0)), json::parse(R"({"key":"YQ==","value":"Yg=="})"));
  EXPECT_EQ(json::parse(encode_put("a", "", 9223372036854775807)),
            json::parse(R"({"key":"YQ==","value":"","lease":"9223372036854775807"})"));
  EXPECT_EQ(json::parse(encode_grant(5s)), json::parse(R"({"TTL":"5"})"));
  EXPECT_EQ(json::parse(encode_lease_id(42)), json::parse(R"({"ID":"42"})"));
  EXPECT_EQ(json::parse(encode_authenticate("root", "p\"w")),
            json::parse(R"({"name":"root","password":"p\"w"})"));
}

TEST(etcd_json, a_txn_names_targets_relations_and_branches) {
  auto body = json::parse(encode_txn(
    {compare::mod_revision_is("a", 5), compare::absent("b"), compare::value_is("c", "x"),
     compare::lease_is("d", 3),
     compare{compare::target::version, compare::relation::greater, "e", 2, {}}},
    {txn_op::put("a", "v", 7), txn_op::erase_prefix("p")}, {txn_op::get("a")}));
  EXPECT_EQ(body["compare"][0],
            json::parse(R"({"target":"MOD","key":"YQ==","mod_revision":"5","result":"EQUAL"})"));
  EXPECT_EQ(body["compare"][1], json::parse(
    R"({"target":"CREATE","key":"Yg==","create_revision":"0","result":"EQUAL"})"));
  EXPECT_EQ(body["compare"][2],
            json::parse(R"({"target":"VALUE","key":"Yw==","value":"eA==","result":"EQUAL"})"));
  EXPECT_EQ(body["compare"][3],
            json::parse(R"({"target":"LEASE","key":"ZA==","lease":"3","result":"EQUAL"})"));
  EXPECT_EQ(body["compare"][4],
            json::parse(R"({"target":"VERSION","key":"ZQ==","version":"2","result":"GREATER"})"));
  EXPECT_EQ(body["success"][0],
            json::parse(R"({"request_put":{"key":"YQ==","value":"dg==","lease":"7"}})"));
  EXPECT_EQ(body["success"][1],
            json::parse(R"({"request_delete_range":{"key":"cA==","range_end":"cQ=="}})"));
  EXPECT_EQ(body["failure"][0], json::parse(R"({"request_range":{"key":"YQ=="}})"));
}

TEST(etcd_json, a_range_answer_decodes_with_strings_numbers_and_absent_fields) {
  auto r = decode_range("{" + header + R"(,"kvs":[
    {"key":"YQ==","value":"Yg==","create_revision":"3","mod_revision":4,"version":"2","lease":"9"},
    {"key":"Yw=="}],"count":"2"})");
  ASSERT_TRUE(r.ok()) << r.err().message();
  EXPECT_EQ(r->revision, 7);
  ASSERT_EQ(r->kvs.size(), 2u);
  EXPECT_EQ(r->kvs[0].key, "a");
  EXPECT_EQ(r->kvs[0].value, "b");
  EXPECT_EQ(r->kvs[0].create_revision, 3);
  EXPECT_EQ(r->kvs[0].mod_revision, 4);
  EXPECT_EQ(r->kvs[0].version, 2);
  EXPECT_EQ(r->kvs[0].lease, 9);
  EXPECT_EQ(r->kvs[1].value, ""); // absent: empty, zero
  EXPECT_EQ(r->kvs[1].mod_revision, 0);
  auto none = decode_range("{" + header + "}");
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->kvs.empty());
  auto bare_header = decode_range(R"({"header":{}})");
  ASSERT_TRUE(bare_header.ok());
  EXPECT_EQ(bare_header->revision, 0);
}

TEST(etcd_json, odd_answers_are_bad_responses_not_exceptions) {
  for (const std::string& body : std::vector<std::string>{"Not Found", "", "[]", "{}", R"({"kvs":[]})", R"({"header":"x"})",
        "{" + header + R"(,"kvs":{}})", "{" + header + R"(,"kvs":[{"key":"not base64!"}]})",
        "{" + header + R"(,"kvs":[{"key":"YQ==","version":"12x"}]})",
        "{" + header + R"(,"kvs":[{"key":"YQ==","version":true}]})",
        "{" + header + R"(,"kvs":[{"key":"YQ==","version":"99999999999999999999"}]})",
        "{" + header + R"(,"kvs":[1]})"}) {
    auto r = decode_range(body);
    ASSERT_FALSE(r.ok()) << body;
    EXPECT_TRUE(r.err().is(coord_errc::bad_response)) << body;
  }
  auto plain = decode_put("Not Found");
  ASSERT_FALSE(plain.ok());
  EXPECT_NE(plain.err().message().find("'Not Found'"), std::string::npos);
  EXPECT_FALSE(decode_txn("{" + header + R"(,"succeeded":"yes"})").ok());
  EXPECT_FALSE(decode_grant("{" + header + R"(,"TTL":"5"})").ok()); // no ID
  EXPECT_FALSE(decode_token("{" + header + "}").ok());
  EXPECT_FALSE(decode_keepalive("{" + header + R"(,"TTL":"5"})").ok()); // no result
}

TEST(etcd_json, error_answers_are_recognised_in_both_shapes) {
  auto unary = decode_error_answer(
    R"({"error":"etcdserver: requested lease not found","message":"etcdserver: requested lease not found","code":5})");
  ASSERT_TRUE(unary);
  EXPECT_EQ(unary->code, 5);
  EXPECT_EQ(unary->message, "etcdserver: requested lease not found");
  auto streamed = decode_error_answer(
    R"({"error":{"grpc_code":16,"http_code":401,"message":"etcdserver: invalid auth token","http_status":"Unauthorized"}})");
  ASSERT_TRUE(streamed);
  EXPECT_EQ(streamed->code, 16);
  EXPECT_EQ(streamed->message, "etcdserver: invalid auth token");
  EXPECT_FALSE(decode_error_answer("{" + header + "}"));
  EXPECT_FALSE(decode_error_answer(R"({"result":{)" + header + "}}"));
  EXPECT_FALSE(decode_error_answer("Not Found"));
  EXPECT_FALSE(decode_error_answer(""));
}

TEST(etcd_json, puts_deletes_and_txns_decode) {
  EXPECT_EQ(*decode_put("{" + header + "}"), 7);
  EXPECT_EQ(*decode_erase("{" + header + R"(,"deleted":"3"})"), 3);
  EXPECT_EQ(*decode_erase("{" + header + "}"), 0);
  auto t = decode_txn("{" + header + R"(,"succeeded":true,"responses":[
    {"response_put":{"header":{"revision":"7"}}},
    {"response_range":{"header":{"revision":"7"},"kvs":[{"key":"YQ==","value":"Yg=="}],"count":"1"}},
    {"response_delete_range":{"header":{}}},
    {"response_range":{"header":{}}}]})");
  ASSERT_TRUE(t.ok()) << t.err().message();
  EXPECT_TRUE(t->succeeded);
  EXPECT_EQ(t->revision, 7);
  ASSERT_EQ(t->ranges.size(), 2u);
  EXPECT_EQ(t->ranges[0].kvs.at(0).value, "b");
  EXPECT_TRUE(t->ranges[1].kvs.empty());
  auto failed = decode_txn("{" + header + "}"); // "succeeded" absent: false
  ASSERT_TRUE(failed.ok());
  EXPECT_FALSE(failed->succeeded);
  EXPECT_TRUE(failed->ranges.empty());
}

TEST(etcd_json, leases_and_tokens_decode) {
  auto g = decode_grant("{" + header + R"(,"ID":"2324035716514328851","TTL":"5"})");
  ASSERT_TRUE(g.ok()) << g.err().message();
  EXPECT_EQ(g->id, 2324035716514328851);
  EXPECT_EQ(g->ttl, 5s);
  auto refused = decode_grant("{" + header + R"(,"ID":"1","error":"lessor: no space"})");
  ASSERT_FALSE(refused.ok());
  EXPECT_TRUE(refused.err().is(coord_errc::rejected));
  auto alive = decode_keepalive(R"({"result":{)" + header + R"(,"ID":"12","TTL":"3"}})");
  ASSERT_TRUE(alive.ok());
  EXPECT_EQ(*alive, 3s);
  auto gone = decode_keepalive(R"({"result":{)" + header + R"(,"ID":"12"}})" "\n");
  ASSERT_FALSE(gone.ok());
  EXPECT_TRUE(gone.err().is(coord_errc::lease_gone));
  EXPECT_NE(gone.err().message().find("12"), std::string::npos);
  EXPECT_EQ(*decode_token("{" + header + R"(,"token":"abc.9"})"), "abc.9");
}

TEST(etcd_options, validate_checks_what_the_client_relies_on) {
  etcd_options o;
  EXPECT_FALSE(validate(o).ok()); // no endpoint
  o.endpoints = {"http://127.0.0.1:2379"};
  EXPECT_TRUE(validate(o).ok());
  EXPECT_EQ(o.timeout, 2000ms);
  EXPECT_EQ(o.max_response_bytes, 64u << 20);
  auto with = [&](auto change) {
    auto copy = o;
    change(copy);
    return validate(copy).ok();
  };
  EXPECT_FALSE(with([](etcd_options& x) { x.timeout = 0ms; }));
  EXPECT_FALSE(with([](etcd_options& x) { x.max_response_bytes = 0; }));
  EXPECT_FALSE(with([](etcd_options& x) { x.key_file = "k.pem"; }));
  EXPECT_FALSE(with([](etcd_options& x) { x.password = "p"; }));
  EXPECT_FALSE(with([](etcd_options& x) { x.endpoints = {"tcp://a:1"}; }));
  EXPECT_FALSE(with([](etcd_options& x) { x.endpoints = {"http://a:1/v3"}; }));
}

TEST(coord_error, retryable_as_documented) {
  EXPECT_TRUE(make_error(coord_errc::unreachable, "").retryable());
  EXPECT_TRUE(make_error(coord_errc::timeout, "").retryable());
  for (auto c : {coord_errc::rejected, coord_errc::bad_response, coord_errc::auth_failed,
                 coord_errc::lease_gone, coord_errc::invalid})
    EXPECT_FALSE(make_error(c, "").retryable());
  EXPECT_TRUE(rejected_error("put", 14, "etcdserver: no leader").retryable());
  EXPECT_TRUE(rejected_error("put", 4, "etcdserver: request timed out").retryable());
  EXPECT_FALSE(rejected_error("put", 5, "etcdserver: requested lease not found").retryable());
  auto e = rejected_error("put", 5, "etcdserver: requested lease not found");
  EXPECT_TRUE(e.is(coord_errc::rejected));
  EXPECT_EQ(e.message(), "put: etcdserver: requested lease not found (gRPC code 5 NotFound)");
  EXPECT_EQ(grpc_code_name(99), "code 99");
  EXPECT_STREQ(to_string(domain_of(coord_errc::invalid)), "coord");
}

} // namespace
} // namespace troupe::coord
