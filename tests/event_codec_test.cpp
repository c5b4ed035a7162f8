// Events as JSON (storage/event_codec) and the profile they count into
// (storage/profile_records).
#include <gtest/gtest.h>

#include "storage/event_codec.hpp"
#include "storage/keys.hpp"
#include "storage/profile_records.hpp"

namespace troupe {
namespace {

TEST(event_codec_test, a_conversion_carries_its_value_and_nothing_else_does) {
  auto e = storage::event_from_json(
    R"({"customer_id":"c1","campaign_id":"k","type":"conversion","ts":5,"value":19.5})");
  ASSERT_TRUE(e.ok()) << e.err().message();
  ASSERT_TRUE(e->has_value());
  EXPECT_EQ(e->value(), 19.5);
  auto back = storage::event_from_json(storage::event_to_json(*e));
  ASSERT_TRUE(back.ok()) << back.err().message();
  EXPECT_EQ(back->value(), 19.5);
  auto none = storage::event_from_json(
    R"({"customer_id":"c1","campaign_id":"k","type":"conversion","ts":5})");
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->has_value());
  EXPECT_EQ(storage::event_to_json(*none).find("value"), std::string::npos);
  for (auto bad : {R"("value":"12")", R"("value":1e16)", R"("value":null)"}) {
    auto r = storage::event_from_json(
      std::string{R"({"customer_id":"c1","campaign_id":"k","type":"conversion","ts":5,)"} + bad
      + "}");
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_NE(r.err().message().find("'value'"), std::string::npos) << r.err().message();
  }
  auto click = storage::event_from_json(
    R"({"customer_id":"c1","campaign_id":"k","type":"click","ts":5,"value":3})");
  ASSERT_FALSE(click.ok());
  EXPECT_NE(click.err().message().find("is for a conversion"), std::string::npos);
}

TEST(event_codec_test, a_behaviour_with_properties_and_a_dedup_key_reads_and_writes_back) {
  auto e = storage::event_from_json(
    R"({"customer_id":"c1","type":"cart_abandoned","ts":1000,"dedup_key":"cart-9",)"
    R"("properties":{"cart_value":42.5,"sku":"A1","gift":true,"tags":["x","y"],"gone":null}})");
  ASSERT_TRUE(e.ok()) << e.err().message();
  EXPECT_EQ(e->campaign_id(), "");
  EXPECT_EQ(e->dedup_key(), "cart-9");
  ASSERT_EQ(e->properties().size(), 4u); // null is absent
  EXPECT_EQ(e->properties().at("cart_value").number(), 42.5);
  EXPECT_EQ(e->properties().at("sku").text(), "A1");
  EXPECT_TRUE(e->properties().at("gift").flag());
  EXPECT_EQ(e->properties().at("tags").list().items_size(), 2);
  auto back = storage::event_from_json(storage::event_to_json(*e));
  ASSERT_TRUE(back.ok()) << back.err().message();
  // (a map's order on the wire is not fixed: compared as JSON, keys sorted)
  EXPECT_EQ(storage::event_to_json(*back), storage::event_to_json(*e));
  EXPECT_EQ(back->properties().size(), 4u);
}

TEST(event_codec_test, refusals_name_the_field) {
  auto refused = [](const std::string& line) {
    auto e = storage::event_from_json(line);
    return e.ok() ? std::string{"accepted"} : e.err().message();
  };
  EXPECT_EQ(refused(R"({"customer_id":"c1","type":"conversion","ts":1})"),
            "missing campaign_id (a 'conversion' is a response to a campaign)");
  EXPECT_NE(refused(R"({"customer_id":"c1","type":"Cart","ts":1})").find("field 'type' must be"),
            std::string::npos);
  EXPECT_NE(refused(R"({"customer_id":"c1","type":"9lives","ts":1})").find("field 'type'"),
            std::string::npos);
  EXPECT_NE(refused(R"({"customer_id":"c1","type":")" + std::string(65, 'a') + R"(","ts":1})")
              .find("longer than 64 bytes"),
            std::string::npos);
  EXPECT_EQ(refused(R"({"customer_id":"c1","type":"view","ts":1,"properties":[1]})"),
            "field 'properties' must be an object, not array");
  EXPECT_EQ(refused(R"({"customer_id":"c1","type":"view","ts":1,"properties":{"a":{"b":1}}})"),
            "field 'properties.a' must be a string, number, boolean or list of strings, not object");
  EXPECT_EQ(refused(R"({"customer_id":"c1","type":"view","ts":1,"dedup_key":7})"),
            "field 'dedup_key' must be a string, not number");
  EXPECT_EQ(refused(R"({"type":"view","ts":1})"), "missing customer_id");
  EXPECT_EQ(refused(R"({"customer_id":"c1","ts":1})"), "missing type");
  EXPECT_EQ(refused(R"({"customer_id":"c1","type":"view"})"), "missing ts");
  EXPECT_EQ(refused(R"({"customer_id":"c1","type":"view","ts":1,"extra":1})"),
            "unknown field 'extra'");
  EXPECT_EQ(refused(R"({"customer_id":"c1","type":"view","ts":1})"), "accepted");
}

TEST(event_codec_test, the_dedup_key_is_the_identity_before_the_id_and_the_time) {
  auto a = *storage::event_from_json(R"({"customer_id":"c","type":"v","ts":1,"dedup_key":"k"})");
  auto b = *storage::event_from_json(R"({"customer_id":"c","type":"v","ts":2,"dedup_key":"k","id":"i"})");
  auto c = *storage::event_from_json(R"({"customer_id":"c","type":"v","ts":1,"dedup_key":"k2"})");
  auto d = *storage::event_from_json(R"({"customer_id":"c","type":"w","ts":1,"dedup_key":"k"})");
  EXPECT_EQ(storage::keys::event(a), storage::keys::event(b));
  EXPECT_NE(storage::keys::event(a), storage::keys::event(c));
  EXPECT_NE(storage::keys::event(a), storage::keys::event(d)); // per type
  auto t1 = *storage::event_from_json(R"({"customer_id":"c","type":"v","ts":1})");
  auto t2 = *storage::event_from_json(R"({"customer_id":"c","type":"v","ts":2})");
  EXPECT_NE(storage::keys::event(t1), storage::keys::event(t2));
}

TEST(event_codec_test, a_profile_counts_first_last_and_the_latest_properties) {
  v1::Profile p;
  auto at = [](int64_t ts, const char* sku) {
    return *storage::event_from_json(R"({"customer_id":"c1","type":"view","ts":)"
                                     + std::to_string(ts) + R"(,"properties":{"sku":")" + sku
                                     + R"("}})");
  };
  storage::count_event(p, at(200, "b"));
  storage::count_event(p, at(100, "a")); // earlier, arriving late: not the latest
  storage::count_event(p, at(300, "c"));
  storage::count_event(p, *storage::event_from_json(
                            R"({"customer_id":"c1","type":"purchase","ts":50})"));
  EXPECT_EQ(p.customer_id(), "c1");
  const auto& view = p.events().at("view");
  EXPECT_EQ(view.count(), 3u);
  EXPECT_EQ(view.first_ms(), 100);
  EXPECT_EQ(view.last_ms(), 300);
  EXPECT_EQ(view.last_properties().at("sku").text(), "c");
  EXPECT_EQ(p.events().at("purchase").count(), 1u);
  auto json = storage::profile_to_json(p);
  EXPECT_NE(json.find(R"("view":{"count":3,"first_at":"1970-01-01T00:00:00.100Z","first_at_ms":100,)"
                      R"("last_at":"1970-01-01T00:00:00.300Z","last_at_ms":300,)"
                      R"("properties":{"sku":"c"}})"),
            std::string::npos)
    << json;
}

} // namespace
} // namespace troupe
