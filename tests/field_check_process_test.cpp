// Predicates check their fields on real nodes: a field no imported customer
// has is refused by `segment count` and `campaign create`, listing the
// fields there are; an attribute some member imported is taken, also when
// the member asked holds none of those customers, and after a restart.

#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/security_fixture.hpp"

using namespace troupe::test;
using namespace std::chrono_literals;
using json = nlohmann::json;

namespace {

class field_check_process_test : public security_fixture {
protected:
  /// Customers c0001..c00NN, the first `tiered` with a `tier` attribute.
  void import_tiered(const running_node& n, int count, int tiered) {
    std::string text;
    for (int i = 1; i <= count; ++i) {
      json c{{"id", customer_id(i)},
             {"email", customer_id(i) + "@example.com"},
             {"region", i % 2 ? "CA" : "NY"}};
      if (i <= tiered)
        c["tier"] = i % 3 ? "gold" : "silver";
      text += c.dump() + "\n";
    }
    write_file("tiered.jsonl", text);
    auto r = shell(n, "import customers tiered.jsonl", 120s);
    ASSERT_EQ(r.code, 0) << r.out << r.err;
  }
};

} // namespace

TEST_F(field_check_process_test, a_misspelled_field_is_refused_listing_the_known_ones) {
  ASSERT_NO_FATAL_FAILURE(start_three());
  auto& n1 = *nodes["n1"];
  auto& n3 = *nodes["n3"];
  // Before any import, no attribute is known.
  auto before = shell(n1, "segment count \"tier = 'gold'\"");
  EXPECT_EQ(before.code, 1) << before.out << before.err;
  EXPECT_TRUE(contains(before.out + before.err,
                       "field 'tier' is not a field of any imported customer"))
      << before.err;
  // One tiered customer: its shard lives on one member; every member takes it.
  ASSERT_NO_FATAL_FAILURE(import_tiered(n1, 40, 1));
  for (auto* n : {&n1, &n3}) {
    auto r = shell(*n, "segment count \"tier = 'gold' OR region = 'NY'\"");
    ASSERT_EQ(r.code, 0) << r.out << r.err;
    EXPECT_EQ(nlohmann::json::parse(r.out)["count"], 21) << r.out;
  }
  auto typo = shell(n3, "segment count \"regoin = 'CA'\"");
  EXPECT_EQ(typo.code, 1) << typo.out << typo.err;
  EXPECT_TRUE(contains(typo.out + typo.err, "field 'regoin'")) << typo.out << typo.err;
  EXPECT_TRUE(contains(typo.out + typo.err, "typed fields: categories, device, email"))
      << typo.out << typo.err;
  EXPECT_TRUE(contains(typo.out + typo.err, "imported attributes: tier"))
      << typo.out << typo.err;

  write_file("typo.json",
             R"({"id":"typo","brief":{"product":"P"},"segment":"regoin = 'CA'",)"
             R"("arms":[{"name":"a","weight":1}]})");
  auto create = shell(n1, "campaign create typo.json");
  EXPECT_EQ(create.code, 1) << create.out << create.err;
  EXPECT_TRUE(contains(create.out + create.err, "field 'regoin'"))
      << create.out << create.err;
  auto list = shell(n1, "campaign list");
  EXPECT_FALSE(contains(list.out, "typo")) << list.out; // nothing was created anywhere
  write_file("ok.json", R"({"id":"ok","brief":{"product":"P"},"segment":"tier = 'gold'",)"
                        R"("arms":[{"name":"a","weight":1}]})");
  auto made = shell(n1, "campaign create ok.json");
  EXPECT_EQ(made.code, 0) << made.out << made.err;

  // Known after a restart of every member (kept in each member's store).
  for (const auto* id : {"n1", "n2", "n3"}) {
    auto port = nodes[id]->cluster_port;
    EXPECT_EQ(stop(*nodes[id]), 0);
    nodes.erase(id);
    ASSERT_TRUE(start(id, port).wait_ready());
  }
  ASSERT_TRUE(sees(*nodes["n1"], three_up, 60s));
  run_result again;
  EXPECT_TRUE(eventually(
      [&] {
        again = shell(*nodes["n2"], "segment count \"tier = 'silver'\"");
        return again.code == 0; // once every member answers again
      },
      60s))
      << again.out << again.err;
  EXPECT_FALSE(contains(again.out, "is not a field")) << again.out;
}
