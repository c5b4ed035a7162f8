// The node's input limits: each check refuses what is over its limit with a
// reason naming the flag, lets what is at the limit through; import_lines
// rejects such lines by number and keeps the others; the flags parse and
// are range-checked.

#include <gtest/gtest.h>

#include "config/node_config.hpp"
#include "customers/import_limits.hpp"
#include "customers/storage_actor.hpp"
#include "storage/customer_records.hpp"
#include "tests/temp_dir.hpp"
#include "tests/test_store.hpp"

using namespace troupe;
using namespace troupe::customers;

namespace {

config::input_limits small() {
  config::input_limits l;
  l.max_line_bytes = 200;
  l.max_id_bytes = 8;
  l.max_attributes = 3;
  l.max_chunk_bytes = 1000;
  l.max_chunk_lines = 4;
  l.max_predicate_bytes = 20;
  return l;
}

} // namespace

TEST(import_limits_test, a_chunk_over_its_lines_or_bytes_is_refused_naming_the_flag) {
  import_chunk c;
  c.lines.assign(4, std::string(100, 'x'));
  EXPECT_FALSE(chunk_over_limit(c, small()));
  c.lines.push_back("{}");
  EXPECT_EQ(chunk_over_limit(c, small()),
            "the import chunk of lines 1 to 5 has 5 lines, over the limit of 4 "
            "(--max-chunk-lines); nothing of it was applied");
  c.lines.assign(3, std::string(400, 'x'));
  c.first_line = 7;
  EXPECT_EQ(chunk_over_limit(c, small()),
            "the import chunk of lines 7 to 9 is 1203 bytes, over the limit of 1000 "
            "(--max-chunk-bytes); nothing of it was applied");
}

TEST(import_limits_test, lines_ids_and_attributes_at_the_limit_pass_and_over_it_do_not) {
  EXPECT_FALSE(line_over_limit(std::string(200, 'x'), small()));
  EXPECT_EQ(line_over_limit(std::string(201, 'x'), small()),
            "the line is 201 bytes, over the limit of 200 (--max-line-bytes)");
  v1::Customer c;
  c.set_id("12345678");
  c.add_categories("a");
  (*c.mutable_attributes())["tier"].set_text("gold");
  (*c.mutable_attributes())["n"].set_number(1);
  EXPECT_FALSE(customer_over_limit(c, small()));
  c.set_id("123456789");
  EXPECT_EQ(customer_over_limit(c, small()),
            "field 'id' is 9 bytes, over the limit of 8 (--max-id-bytes)");
  c.set_id("1");
  (*c.mutable_attributes())["tags"].mutable_list()->add_items("x"); // a list counts its items
  (*c.mutable_attributes())["tags"].mutable_list()->add_items("y");
  EXPECT_EQ(customer_over_limit(c, small()),
            "the customer has 5 attributes and list items, over the limit of 3 (--max-attributes)");
  v1::ContentDocument d;
  d.set_id(std::string(9, 'd'));
  EXPECT_TRUE(document_over_limit(d, small()));
  v1::Event e;
  e.set_customer_id("c1");
  e.set_campaign_id("spring");
  e.set_id(std::string(9, 'e'));
  EXPECT_EQ(event_over_limit(e, small()),
            "field 'id' is 9 bytes, over the limit of 8 (--max-id-bytes)");
  e.set_id("");
  e.set_campaign_id("a-long-campaign");
  EXPECT_EQ(event_over_limit(e, small()),
            "field 'campaign_id' is 15 bytes, over the limit of 8 (--max-id-bytes)");
  EXPECT_FALSE(config::predicate_over_limit("tier = 'gold'", small()));
  EXPECT_EQ(config::predicate_over_limit("tier = 'gold' OR tier = 'x'", small()),
            "the predicate is 27 bytes, over the limit of 20 (--max-predicate-bytes)");
}

TEST(import_limits_test, import_lines_rejects_what_is_over_a_limit_by_number_and_keeps_the_rest) {
  test::temp_dir dir;
  auto db = test::open_test_store(dir, 4);
  ASSERT_TRUE(db);
  import_chunk chunk;
  chunk.first_line = 10;
  chunk.lines = {R"({"id":"ok1","tier":"gold"})",
                 R"({"id":"much-too-long"})",
                 R"({"id":"x","a":1,"b":2,"c":3,"d":4})",
                 R"({"id":"pad","note":")" + std::string(300, 'p') + R"("})",
                 R"({"id":"ok2"})"};
  auto r = import_lines(*db, *storage::local_writer_of(db), chunk, nullptr, small());
  EXPECT_EQ(r.imported, 2u);
  EXPECT_EQ(r.rejected, 3u);
  ASSERT_EQ(r.errors.size(), 3u);
  EXPECT_EQ(r.errors[0].line, 11u);
  EXPECT_EQ(r.errors[0].reason, "field 'id' is 13 bytes, over the limit of 8 (--max-id-bytes)");
  EXPECT_EQ(r.errors[1].line, 12u);
  EXPECT_NE(r.errors[1].reason.find("(--max-attributes)"), std::string::npos);
  EXPECT_EQ(r.errors[2].line, 13u);
  EXPECT_EQ(r.errors[2].reason, "the line is 322 bytes, over the limit of 200 (--max-line-bytes)");
  auto ok2 = storage::read_customer(*db, "ok2");
  ASSERT_TRUE(ok2.ok());
  EXPECT_TRUE(ok2->has_value());
  auto none = storage::read_customer(*db, "x");
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->has_value());
}

TEST(import_limits_test, the_flags_set_the_limits_and_are_range_checked) {
  test::temp_dir dir;
  auto parse = [&](std::vector<std::string> words) {
    std::vector<const char*> argv{"troupe-node"};
    words.push_back("--data-dir=" + (dir / "data").string());
    for (auto& w : words)
      argv.push_back(w.c_str());
    return config::parse_node_options(static_cast<int>(argv.size()), argv.data(), {});
  };
  auto d = parse({});
  ASSERT_TRUE(d.ok()) << d.err().message();
  EXPECT_EQ(d->config.input.max_line_bytes, 1u << 20);
  EXPECT_EQ(d->config.input.max_id_bytes, 256u);
  auto r = parse({"--max-line-bytes", "4096", "--max-id-bytes", "64", "--max-attributes", "10",
                  "--max-chunk-bytes", "1048576", "--max-chunk-lines", "2000",
                  "--max-predicate-bytes", "128", "--max-predicate-depth", "7",
                  "--max-events-body-bytes", "65536", "--max-events-per-request", "50"});
  ASSERT_TRUE(r.ok()) << r.err().message();
  EXPECT_EQ(r->config.input.max_line_bytes, 4096u);
  EXPECT_EQ(r->config.input.max_id_bytes, 64u);
  EXPECT_EQ(r->config.input.max_attributes, 10u);
  EXPECT_EQ(r->config.input.max_chunk_bytes, 1u << 20);
  EXPECT_EQ(r->config.input.max_chunk_lines, 2000u);
  EXPECT_EQ(r->config.input.max_predicate_bytes, 128u);
  EXPECT_EQ(r->config.input.max_predicate_depth, 7u);
  EXPECT_EQ(r->config.input.max_events_body_bytes, 65536u);
  EXPECT_EQ(r->config.input.max_events_per_request, 50u);
  EXPECT_EQ(d->config.input.max_events_per_request, 1000u);
  for (auto [flag, value] : {std::pair{"--max-events-per-request", "10001"},
                             std::pair{"--max-events-per-request", "0"},
                             std::pair{"--max-events-body-bytes", "1000"}}) {
    auto refused = parse({flag, value});
    ASSERT_FALSE(refused.ok()) << flag << " " << value;
    EXPECT_NE(refused.err().message().find(std::string{flag}.substr(2)), std::string::npos)
      << refused.err().message();
  }
  auto too_deep = parse({"--max-predicate-depth", "101"});
  ASSERT_FALSE(too_deep.ok());
  EXPECT_NE(too_deep.err().message().find("max-predicate-depth"), std::string::npos);
  auto bad = parse({"--max-predicate-bytes", "100000"});
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.err().message().find("max-predicate-bytes"), std::string::npos)
    << bad.err().message();
}
