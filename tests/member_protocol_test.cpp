// The member protocol's payloads cross processes as CAF serializes them:
// each one comes back equal, and the strong ids keep their values.

#include <gtest/gtest.h>

#include <caf/all.hpp>
#include <caf/binary_deserializer.hpp>
#include <caf/binary_serializer.hpp>

#include "cluster/member_protocol.hpp"
#include "cluster/wire_types.hpp"
#include "storage/customer_records.hpp"

using namespace troupe;

namespace {

template <class T>
T round_trip(T x) {
  std::vector<char> buf;
  caf::binary_serializer sink{nullptr, buf};
  EXPECT_FALSE(sink(x));
  T back;
  caf::binary_deserializer source{nullptr, buf};
  EXPECT_FALSE(source(back));
  return back;
}

} // namespace

TEST(member_protocol_test, a_campaign_command_crosses_with_its_verb_id_and_spec) {
  cluster::campaign_command cmd;
  cmd.verb = cluster::campaign_verb::pause;
  cmd.campaign = campaign_id{"spring"};
  cmd.spec = "{\"id\":\"spring\"}";
  auto back = round_trip(cmd);
  EXPECT_EQ(back.verb, cluster::campaign_verb::pause);
  EXPECT_EQ(back.campaign, campaign_id{"spring"});
  EXPECT_EQ(back.spec, cmd.spec);
  EXPECT_TRUE(cluster::is_verb(back.verb));
  EXPECT_FALSE(cluster::is_verb(static_cast<cluster::campaign_verb>(200)));
}

TEST(member_protocol_test, a_customer_snapshot_and_an_erasure_cross_unchanged) {
  cluster::customer_snapshot s;
  s.id = customer_id{"c-7"};
  s.found = true;
  s.record = std::string{"\x0a\x03" "c-7", 5};
  auto back = round_trip(s);
  EXPECT_EQ(back.id.str(), "c-7");
  EXPECT_TRUE(back.found);
  EXPECT_EQ(back.record, s.record);

  storage::erased_records e;
  e.customer = true;
  e.deliveries = 2;
  e.events = 5;
  auto erased = round_trip(e);
  EXPECT_TRUE(erased.customer);
  EXPECT_EQ(erased.deliveries, 2u);
  EXPECT_EQ(erased.dead_letters, 0u);
  EXPECT_EQ(erased.events, 5u);
  storage::erased_records sum;
  sum.dead_letters = 1;
  sum += erased;
  EXPECT_TRUE(sum.customer);
  EXPECT_EQ(sum.total(), 9u);
}

TEST(member_protocol_test, ids_of_different_kinds_are_different_types_and_order_like_strings) {
  static_assert(!std::is_same<customer_id, campaign_id>::value, "distinct id types");
  static_assert(!std::is_convertible<std::string, customer_id>::value, "no implicit id");
  EXPECT_LT(node_id{"n1"}, node_id{"n2"});
  EXPECT_NE(customer_id{"a"}, customer_id{"b"});
  EXPECT_EQ(round_trip(node_id{"n3"}).str(), "n3");
}

TEST(member_protocol_test, an_import_chunk_crosses_with_its_kind_and_kinds_parse_from_the_shell) {
  customers::import_chunk chunk;
  chunk.kind = customers::import_kind::corpus_begin;
  chunk.version = 7;
  chunk.lines = {"{\"id\":\"d1\"}"};
  auto back = round_trip(chunk);
  EXPECT_EQ(back.kind, customers::import_kind::corpus_begin);
  EXPECT_EQ(back.version, 7u);
  EXPECT_EQ(back.lines, chunk.lines);
  for (auto k : {customers::import_kind::customers, customers::import_kind::corpus,
                 customers::import_kind::events})
    EXPECT_EQ(customers::parse_import_kind(customers::to_string(k)), k);
  // The steps of a corpus version are not kinds a file may hold.
  EXPECT_FALSE(customers::parse_import_kind("corpus-begin").has_value());
  EXPECT_FALSE(customers::parse_import_kind("orders").has_value());
}

// A peer's chunk may list fewer line numbers than lines; line_of read past
// the list (found by fuzz/import_chunk: a heap-buffer-overflow under ASan).
TEST(member_protocol_test, a_chunk_with_fewer_line_numbers_than_lines_numbers_the_rest_itself) {
  customers::import_chunk chunk;
  chunk.first_line = 100;
  chunk.lines = {"a", "b", "c"};
  chunk.line_numbers = {7};
  auto back = round_trip(chunk);
  EXPECT_EQ(back.line_of(0), 7u);
  EXPECT_EQ(back.line_of(1), 101u);
  EXPECT_EQ(back.line_of(2), 102u);
}
