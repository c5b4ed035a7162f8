// storage/json_codec: reference-workload JSON Lines <-> Protobuf records.

#include <google/protobuf/util/message_differencer.h>
#include <gtest/gtest.h>

#include "storage/customer_records.hpp"
#include "storage/json_codec.hpp"
#include "storage/storage_error.hpp"
#include "tests/refusal_case.hpp"

using namespace troupe;
using namespace troupe::storage;

TEST(json_codec_test, a_reference_customer_line_fills_every_typed_field) {
  auto c = customer_from_json(
    R"({"id":"c00000001","email":"c00000001@example.com","first_name":"Jonas","region":"AZ",)"
    R"("marketing_opt_in":true,"total_order_value":51.45,"order_count":1,)"
    R"("last_order_date":"2026-08-19","categories":["books","outdoor"],"device":"mobile",)"
    R"("engagement":0.094})");
  ASSERT_TRUE(c.ok()) << c.err().message();
  EXPECT_EQ(c->id(), "c00000001");
  EXPECT_EQ(c->first_name(), "Jonas");
  EXPECT_TRUE(c->marketing_opt_in());
  EXPECT_DOUBLE_EQ(c->total_order_value(), 51.45);
  EXPECT_EQ(c->order_count(), 1);
  ASSERT_EQ(c->categories_size(), 2);
  EXPECT_EQ(c->categories(1), "outdoor");
  EXPECT_DOUBLE_EQ(c->engagement(), 0.094);
  EXPECT_TRUE(c->attributes().empty());
}

TEST(json_codec_test, absent_and_null_fields_stay_null_extra_fields_become_attributes) {
  auto c = customer_from_json(
    R"({"id":"x","region":null,"tier":"gold","visits":3,"vip":false,"tags":["a","b"]})");
  ASSERT_TRUE(c.ok()) << c.err().message();
  EXPECT_FALSE(c->has_region());
  EXPECT_FALSE(c->has_order_count());
  EXPECT_EQ(c->attributes().at("tier").text(), "gold");
  EXPECT_DOUBLE_EQ(c->attributes().at("visits").number(), 3);
  EXPECT_FALSE(c->attributes().at("vip").flag());
  EXPECT_EQ(c->attributes().at("tags").list().items_size(), 2);
  // And back: the export form has the same fields.
  auto again = customer_from_json(customer_to_json(*c));
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(*again, *c))
    << again->DebugString() << "\nvs\n" << c->DebugString();
}

TEST(json_codec_test, bad_lines_are_refused_with_the_reason) {
  const test::refusal_case<storage_errc> cases[] = {
    {"not json", "not valid JSON", storage_errc::bad_json},
    {"[1,2]", "not a JSON object", storage_errc::bad_json},
    // A key twice was silently the last one.
    {R"({"id":"x","email":"a@b","email":"c@d"})", "key 'email' appears twice in one object",
     storage_errc::bad_json},
    {R"({"email":"a@b"})", "missing id", storage_errc::bad_record},
    {R"({"id":7})", "id must be a string", storage_errc::bad_record},
    {R"({"id":""})", "id is empty", storage_errc::bad_record},
    {R"({"id":"a\u0000b"})", "id contains a NUL character", storage_errc::bad_record},
    {R"({"id":"x","order_count":"many"})",
     "field 'order_count' must be a whole number, not string", storage_errc::bad_record},
    {R"({"id":"x","order_count":1.5})", "field 'order_count' must be a whole number, not number",
     storage_errc::bad_record},
    {R"({"id":"x","marketing_opt_in":"yes"})",
     "field 'marketing_opt_in' must be true or false, not string", storage_errc::bad_record},
    {R"({"id":"x","categories":"outdoor"})",
     "field 'categories' must be a list of strings, not string", storage_errc::bad_record},
    {R"({"id":"x","categories":["a",1]})",
     "field 'categories' must be a list of strings, not array", storage_errc::bad_record},
    // Out of range, refused before any conversion (2^64-1 was stored as -1,
    // 2^63, 1e300 and 1.2e29 as INT64_MIN).
    {R"({"id":"x","order_count":18446744073709551615})",
     "field 'order_count' must be a whole number from 0 to 9007199254740992, not "
     "18446744073709551615",
     storage_errc::bad_record},
    {R"({"id":"x","order_count":9223372036854775808})",
     "field 'order_count' must be a whole number from 0 to 9007199254740992, not "
     "9223372036854775808",
     storage_errc::bad_record},
    {R"({"id":"x","order_count":1e300})",
     "field 'order_count' must be a whole number from 0 to 9007199254740992, not 1e+300",
     storage_errc::bad_record},
    {R"({"id":"x","order_count":-42})",
     "field 'order_count' must be a whole number from 0 to 9007199254740992, not -42",
     storage_errc::bad_record},
    {R"({"id":"x","total_order_value":1e300})",
     "field 'total_order_value' must be within ±1e15, not 1e+300", storage_errc::bad_record},
    {R"({"id":"x","address":{"city":"Oslo"}})",
     "field 'address' must be a string, number, boolean or list of strings, not object",
     storage_errc::bad_record},
  };
  for (const auto& b : cases) {
    auto c = customer_from_json(b.input);
    ASSERT_FALSE(c.ok()) << b.input;
    EXPECT_EQ(c.err().message(), b.message) << b.input;
    EXPECT_TRUE(c.err().is(b.code)) << b.input;
  }
}

TEST(json_codec_test, corpus_documents) {
  auto d = document_from_json(
    R"({"id":"d00001","title":"Pack","body":"play family","tags":["kids"],"approved":true})");
  ASSERT_TRUE(d.ok()) << d.err().message();
  EXPECT_EQ(d->title(), "Pack");
  EXPECT_TRUE(d->approved());
  auto bad = document_from_json(R"({"id":"d1","approved":"yes"})");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.err().message(), "field 'approved' must be true or false, not string");
  auto unknown = document_from_json(R"({"id":"d1","colour":"red"})");
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.err().message(), "unknown field 'colour'");
}

TEST(json_codec_test, a_corpus_document_written_as_json_reads_back_the_same) {
  v1::ContentDocument d;
  d.set_id("d\"7");
  d.set_title("Caf\xc3\xa9 \"quoted\"\ttab");
  d.set_body("two\nlines \\ and a backslash");
  d.add_tags("kids");
  d.add_tags("");
  d.set_approved(false);
  d.set_corpus_version(9); // not a field of the line
  auto back = document_from_json(storage::document_to_json(d));
  ASSERT_TRUE(back.ok()) << back.err().message() << ": " << storage::document_to_json(d);
  d.clear_corpus_version();
  EXPECT_EQ(back->SerializeAsString(), d.SerializeAsString()) << back->DebugString();
  d.clear_tags();
  d.set_approved(true);
  back = document_from_json(storage::document_to_json(d));
  ASSERT_TRUE(back.ok()) << back.err().message();
  EXPECT_EQ(back->SerializeAsString(), d.SerializeAsString());
}

TEST(json_codec_test, events_and_their_refusals) {
  auto e = storage::event_from_json(
    R"({"customer_id":"c1","campaign_id":"k","type":"open","ts":"2026-11-22T10:15:00Z","id":"e1"})");
  ASSERT_TRUE(e.ok()) << e.err().message();
  EXPECT_EQ(e->customer_id(), "c1");
  EXPECT_EQ(e->ts_ms(), 1'795'342'500'000);
  // Exported and read back, an event is the same event.
  auto back = storage::event_from_json(storage::event_to_json(*e));
  ASSERT_TRUE(back.ok()) << back.err().message();
  EXPECT_EQ(back->SerializeAsString(), e->SerializeAsString());
  // NUL separates the parts of an event's key: not allowed in the ids.
  auto nul = storage::event_from_json(
    R"({"customer_id":"c1\u0000x","campaign_id":"k","type":"open","ts":1})");
  ASSERT_FALSE(nul.ok());
  EXPECT_EQ(nul.err().message(), "field 'customer_id' contains a NUL character");
  // No such day, and times out of range, are refused (2026-02-31 was taken).
  for (const char* ts : {R"("2026-02-31")", R"("2025-02-29T00:00:00Z")", "18446744073709551615",
                         "9223372036854775808", "-1", "1.2e29"}) {
    auto bad = storage::event_from_json(
      std::string{R"({"customer_id":"c1","campaign_id":"k","type":"open","ts":)"} + ts + "}");
    EXPECT_FALSE(bad.ok()) << ts;
  }
  auto leap = storage::event_from_json(
    R"({"customer_id":"c1","campaign_id":"k","type":"open","ts":"2024-02-29"})");
  EXPECT_TRUE(leap.ok()) << leap.err().message();
}


