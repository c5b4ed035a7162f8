// segment/: the predicate language, table-driven.

#include <gtest/gtest.h>

#include "segment/predicate.hpp"
#include "segment/segment_error.hpp"
#include "tests/refusal_case.hpp"

using namespace troupe;
using namespace troupe::segment;

namespace {

/// A customer with every typed field, plus attributes.
v1::Customer full() {
  v1::Customer c;
  c.set_id("c-7");
  c.set_email("ada@example.com");
  c.set_first_name("Ada");
  c.set_region("CA");
  c.set_marketing_opt_in(true);
  c.set_total_order_value(250.5);
  c.set_order_count(7);
  c.set_last_order_date("2024-03-15");
  c.add_categories("outdoor");
  c.add_categories("fitness");
  c.set_device("mobile");
  c.set_engagement(0.42);
  (*c.mutable_attributes())["tier"].set_text("gold");
  (*c.mutable_attributes())["visits"].set_number(12);
  (*c.mutable_attributes())["vip"].set_flag(false);
  return c;
}

/// A customer with only an id: every other field is NULL.
v1::Customer bare() {
  v1::Customer c;
  c.set_id("c-0");
  return c;
}

struct row {
  const char* text;
  tri on_full;
  tri on_bare;
};

const tri Y = tri::yes, N = tri::no, U = tri::unknown;

const row rows[] = {
  // comparisons: numbers, strings, booleans
  {"order_count > 5", Y, U},
  {"order_count >= 7 AND order_count <= 7", Y, U},
  {"order_count = 7.0", Y, U},
  {"total_order_value < 250.5", N, U},
  {"engagement <> 0.42", N, U},
  {"engagement != 0.5", Y, U},
  {"region = 'CA'", Y, U},
  {"region = \"CA\"", Y, U},
  {"region < 'CB'", Y, U},
  {"first_name = 'ada'", N, U},                  // case-sensitive
  {"marketing_opt_in = TRUE", Y, U},
  {"marketing_opt_in", Y, U},
  {"NOT marketing_opt_in", N, U},
  {"id = 'c-7'", Y, N},
  // dates compare as strings
  {"last_order_date >= '2024-01-01'", Y, U},
  {"last_order_date BETWEEN '2024-03-01' AND '2024-03-31'", Y, U},
  // NULL logic
  {"NOT (order_count > 5)", N, U},
  {"order_count > 5 OR region = 'CA'", Y, U},
  {"order_count > 5 OR TRUE", Y, Y},             // NULL OR TRUE = TRUE
  {"order_count > 5 AND FALSE", N, N},           // NULL AND FALSE = FALSE
  {"order_count IS NULL", N, Y},
  {"order_count IS NOT NULL", Y, N},
  {"tier IS NULL", N, Y},
  {"categories IS NULL", N, Y},
  // IN / NOT IN
  {"region IN ('NY', 'CA', 'TX')", Y, U},
  {"region NOT IN ('NY', 'TX')", Y, U},
  {"region NOT IN ('CA')", N, U},
  {"order_count IN (1, 2, 7)", Y, U},
  // BETWEEN / NOT BETWEEN (inclusive)
  {"order_count BETWEEN 7 AND 10", Y, U},
  {"order_count NOT BETWEEN 1 AND 6", Y, U},
  {"engagement BETWEEN 0.5 AND 1", N, U},
  // LIKE with % and _
  {"email LIKE '%@example.com'", Y, U},
  {"email LIKE 'ada@%'", Y, U},
  {"first_name LIKE 'A_a'", Y, U},
  {"first_name LIKE 'A_'", N, U},
  {"first_name LIKE '%'", Y, U},
  {"first_name NOT LIKE 'B%'", Y, U},
  {"email LIKE '%exam%com'", Y, U},
  // CONTAINS for lists
  {"categories CONTAINS 'outdoor'", Y, U},
  {"categories CONTAINS 'books'", N, U},
  {"NOT categories CONTAINS 'books'", Y, U},
  // precedence: NOT > AND > OR
  {"region = 'NY' OR region = 'CA' AND order_count > 100", N, U},
  {"(region = 'NY' OR region = 'CA') AND order_count > 1", Y, U},
  {"NOT region = 'NY' AND order_count = 7", Y, U},
  {"region = 'CA' OR order_count > 100 AND FALSE", Y, U},
  // extra attributes, typed at run time
  {"tier = 'gold'", Y, U},
  {"visits >= 10", Y, U},
  {"vip = FALSE", Y, U},
  {"visits = 'twelve'", U, U},                   // type mismatch at run time: NULL
  {"tier LIKE 'g%'", Y, U},
  // the reference workload's campaign predicate shape
  {"marketing_opt_in = TRUE AND engagement >= 0.3 AND (categories CONTAINS 'outdoor' OR "
   "categories CONTAINS 'travel') AND region NOT IN ('AK', 'HI')", Y, U},
};

} // namespace

TEST(segment_test, table) {
  auto f = full();
  auto b = bare();
  for (const auto& r : rows) {
    auto p = predicate::compile(r.text);
    ASSERT_TRUE(p.ok()) << r.text << ": " << p.err().message();
    EXPECT_EQ(p->evaluate(f), r.on_full) << r.text << " (full customer)";
    EXPECT_EQ(p->evaluate(b), r.on_bare) << r.text << " (bare customer)";
    EXPECT_EQ(p->selects(f), r.on_full == tri::yes) << r.text;
  }
}

TEST(segment_test, bad_predicates_name_position_and_expectation) {
  const test::refusal_case<segment_errc> cases[] = {
    {"",
     "at position 1: the predicate is empty", segment_errc::syntax},
    {"region = ",
     "at position 10: expected a field name or a value, found the end of the predicate",
     segment_errc::syntax},
    {"region = 'CA' AND",
     "at position 18: expected a field name or a value, found the end", segment_errc::syntax},
    {"region == 'CA'",
     "at position 9: expected a field name or a value, found '='", segment_errc::syntax},
    {"(region = 'CA'",
     "at position 15: expected ')', found the end", segment_errc::syntax},
    {"region = 'CA",
     "at position 10: the string that starts here is not closed", segment_errc::syntax},
    {"region IN 'CA'",
     "at position 11: expected '(' after IN", segment_errc::syntax},
    {"region IN ('CA' 'NY')",
     "at position 17: expected ',' or ')' in the IN list", segment_errc::syntax},
    {"order_count BETWEEN 1 OR 5",
     "at position 23: expected AND in BETWEEN", segment_errc::syntax},
    {"region = 'CA' region",
     "at position 15: expected AND, OR or the end of the predicate", segment_errc::syntax},
    {"region # 'CA'",
     "at position 8: unexpected character '#'", segment_errc::syntax},
    {"region",
     "at position 7: expected a comparison", segment_errc::syntax},
    {"email LIKE 5",
     "at position 12: expected a pattern string after LIKE", segment_errc::syntax},
    {"region IS 'CA'",
     "at position 11: expected NULL after IS", segment_errc::syntax},
    {"order_count > 'five'",
     "at position 15: cannot compare a number with a string", segment_errc::type},
    {"region = 5",
     "at position 10: cannot compare a string with a number", segment_errc::type},
    {"marketing_opt_in = 'yes'",
     "at position 20: cannot compare a boolean with a string", segment_errc::type},
    {"categories = 'outdoor'",
     "at position 1: a list field is tested with CONTAINS", segment_errc::type},
    {"region CONTAINS 'C'",
     "at position 1: CONTAINS needs a list field, not a string", segment_errc::type},
    {"order_count LIKE '1%'",
     "at position 1: LIKE needs text, not a number", segment_errc::type},
    {"order_count = NULL",
     "at position 15: NULL compares as unknown: use IS NULL", segment_errc::type},
    {"region IN ('CA', 5)",
     "at position 18: cannot compare a string with a number", segment_errc::type},
  };
  for (const auto& c : cases) {
    auto p = predicate::compile(c.input);
    ASSERT_FALSE(p.ok()) << c.input;
    EXPECT_TRUE(p.err().is(c.code)) << c.input << ": " << p.err().message();
    EXPECT_EQ(p.err().message().rfind(c.message, 0), 0u)
      << c.input << "\n  got:      " << p.err().message() << "\n  expected: " << c.message;
  }
}

TEST(segment_test, keywords_are_case_insensitive_fields_are_not) {
  auto p = predicate::compile("region in ('CA') and not (order_count is null)");
  ASSERT_TRUE(p.ok()) << p.err().message();
  EXPECT_TRUE(p->selects(full()));
  auto q = predicate::compile("Region = 'CA'"); // an attribute named Region
  ASSERT_TRUE(q.ok());
  EXPECT_EQ(q->evaluate(full()), tri::unknown);
}

TEST(segment_test, strings_may_hold_doubled_quotes) {
  auto c = full();
  c.set_first_name("O'Neil");
  auto p = predicate::compile("first_name = 'O''Neil'");
  ASSERT_TRUE(p.ok()) << p.err().message();
  EXPECT_TRUE(p->selects(c));
}

// Deep nesting used to crash the node (the parser recursed per level without
// a bound); now it is an error naming the limit, and the limit itself parses.
TEST(segment_test, nesting_and_length_have_limits_named_in_the_error) {
  auto nested = [](int depth) {
    return std::string(static_cast<size_t>(depth), '(') + "order_count > 1" +
           std::string(static_cast<size_t>(depth), ')');
  };
  auto nots = [](int depth) {
    std::string text;
    for (int i = 0; i < depth; ++i)
      text += "NOT ";
    return text + "marketing_opt_in";
  };
  EXPECT_TRUE(troupe::segment::predicate::compile(nested(troupe::segment::max_predicate_depth)));
  EXPECT_TRUE(troupe::segment::predicate::compile(nots(troupe::segment::max_predicate_depth)));
  for (const auto& text : {nested(10'000), nots(10'000),
                           nested(troupe::segment::max_predicate_depth + 1)}) {
    auto p = troupe::segment::predicate::compile(text);
    ASSERT_FALSE(p);
    EXPECT_NE(p.err().message().find("nested deeper than the limit of 100"), std::string::npos)
      << p.err().message();
  }
  // 100,000 NOTs (the finding) are over the length limit before any parsing.
  std::string longest = "region IN ('a'";
  while (longest.size() < troupe::segment::max_predicate_bytes)
    longest += ",'a'";
  longest += ")";
  for (const auto& text : {longest, nots(100'000)}) {
    auto p = troupe::segment::predicate::compile(text);
    ASSERT_FALSE(p);
    EXPECT_NE(p.err().message().find("more than the limit of 65536"), std::string::npos);
  }
}

// A non-ASCII character is named whole (one byte of it printed half a
// UTF-8 character).
TEST(segment_test, an_unexpected_character_is_named_whole) {
  auto p = troupe::segment::predicate::compile("region = 1 \u00e9");
  ASSERT_FALSE(p);
  EXPECT_EQ(p.err().message(), "at position 12: unexpected character '\u00e9'");
}

// An IN list is hashed at compile time: it answers as the OR of its
// equalities would (three-valued, across the types an attribute may hold),
// and a list of 100,000 items compiles and decides by lookup.
TEST(segment_test, in_lists_answer_as_the_or_of_their_equalities) {
  std::vector<v1::Customer> customers(6);
  (*customers[0].mutable_attributes())["x"].set_text("b");
  (*customers[1].mutable_attributes())["x"].set_text("z");
  (*customers[2].mutable_attributes())["x"].set_number(2);
  (*customers[3].mutable_attributes())["x"].set_flag(true);
  (*customers[4].mutable_attributes())["x"].mutable_list()->add_items("b");
  // customers[5]: no x (NULL)
  for (std::string items : {"'a', 'b'", "'a', 2", "1, 2, 3", "true", "'b', true, 2", "'q'",
                            "0.5, 'z'"}) {
    std::string ored;
    std::size_t from = 0;
    while (from <= items.size()) {
      auto comma = items.find(", ", from);
      auto item = items.substr(from, comma == std::string::npos ? std::string::npos
                                                                : comma - from);
      ored += (ored.empty() ? "" : " OR ") + std::string{"x = "} + item;
      if (comma == std::string::npos)
        break;
      from = comma + 2;
    }
    auto in = predicate::compile("x IN (" + items + ")");
    auto not_in = predicate::compile("x NOT IN (" + items + ")");
    auto equalities = predicate::compile("(" + ored + ")");
    auto not_equalities = predicate::compile("NOT (" + ored + ")");
    ASSERT_TRUE(in.ok() && not_in.ok() && equalities.ok() && not_equalities.ok()) << items;
    for (std::size_t i = 0; i < customers.size(); ++i) {
      EXPECT_EQ(in->evaluate(customers[i]), equalities->evaluate(customers[i]))
        << "x IN (" << items << "), customer " << i;
      EXPECT_EQ(not_in->evaluate(customers[i]), not_equalities->evaluate(customers[i]))
        << "x NOT IN (" << items << "), customer " << i;
    }
  }
  std::string big = "region IN (";
  for (int i = 0; i < 100'000; ++i)
    big += (i ? ",'" : "'") + std::to_string(i) + "'";
  big += ")";
  auto p = predicate::compile(big);
  ASSERT_FALSE(p.ok()); // over 64 KiB: the limit holds
  auto within = std::string{"region IN ('CA'"};
  for (int i = 0; within.size() < max_predicate_bytes - 16; ++i)
    within += ",'" + std::to_string(i) + "'";
  within += ",'NY')";
  auto q = predicate::compile(within);
  ASSERT_TRUE(q.ok()) << q.err().message();
  v1::Customer ny;
  ny.set_region("NY");
  v1::Customer wa;
  wa.set_region("WA");
  EXPECT_EQ(q->evaluate(ny), tri::yes);
  EXPECT_EQ(q->evaluate(wa), tri::no);
  EXPECT_EQ(q->evaluate(v1::Customer{}), tri::unknown);
}

// A node may lower the nesting limit (--max-predicate-depth), never raise it.
TEST(segment_test, the_nesting_limit_may_be_lowered_not_raised) {
  auto nested = [](int depth) {
    return std::string(static_cast<std::size_t>(depth), '(') + "region = 'CA'"
           + std::string(static_cast<std::size_t>(depth), ')');
  };
  EXPECT_TRUE(predicate::compile(nested(10), 10).ok());
  auto deep = predicate::compile(nested(11), 10);
  ASSERT_FALSE(deep.ok());
  EXPECT_NE(deep.err().message().find("deeper than the limit of 10"), std::string::npos)
    << deep.err().message();
  auto raised = predicate::compile(nested(101), 500);
  ASSERT_FALSE(raised.ok());
  EXPECT_NE(raised.err().message().find("deeper than the limit of 100"), std::string::npos)
    << raised.err().message();
}

TEST(segment_test, a_predicate_lists_the_attributes_it_names_not_the_typed_fields) {
  auto p = predicate::compile("(tier = 'gold' OR region = 'CA') AND NOT (score BETWEEN 1 AND "
                              "10) AND lo IS NULL AND tier IS NOT NULL AND email LIKE '%@x.com'");
  ASSERT_TRUE(p) << p.err().message();
  EXPECT_EQ(p->attribute_names(), (std::vector<std::string>{"lo", "score", "tier"}));
  EXPECT_TRUE(predicate::compile("order_count > 2")->attribute_names().empty());
  auto typed = troupe::segment::typed_field_names();
  EXPECT_EQ(typed.front(), "categories");
  EXPECT_EQ(typed.size(), 11u);
}
