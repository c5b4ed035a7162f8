// Fuzz target: the segment predicate parser (segment::predicate::compile),
// which a shell's `segment count` and `campaign create` reach with any text.
//
// Invariants: compile never crashes or hangs, however deep the nesting (the
// depth limit); an error is a value of the segment domain whose message
// names a position or a limit (and is UTF-8 when the text is); a compiled
// predicate evaluates the same as itself in parentheses, and its NOT is its
// three-valued negation, on a few fixed customers.

#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz/check.hpp"
#include "segment/predicate.hpp"

using namespace troupe;
using segment::tri;

namespace {

std::vector<v1::Customer> sample_customers() {
  std::vector<v1::Customer> out(4);
  out[0].set_id("c-1"); // every field NULL
  out[1].set_id("c-2");
  out[1].set_email("ann@example.com");
  out[1].set_first_name("Ann");
  out[1].set_region("CA");
  out[1].set_marketing_opt_in(true);
  out[1].set_total_order_value(120.5);
  out[1].set_order_count(3);
  out[1].set_last_order_date("2026-01-31");
  out[1].add_categories("shoes");
  out[1].add_categories("outdoor");
  out[1].set_device("ios");
  out[1].set_engagement(0.7);
  (*out[1].mutable_attributes())["tier"].set_text("gold");
  (*out[1].mutable_attributes())["score"].set_number(42);
  (*out[1].mutable_attributes())["vip"].set_flag(true);
  out[2].set_id("c-3");
  out[2].set_region("NY");
  out[2].set_marketing_opt_in(false);
  out[2].set_order_count(0);
  out[2].set_total_order_value(-1e300);
  (*out[2].mutable_attributes())["tier"].set_number(1);
  (*out[2].mutable_attributes())["tags"].mutable_list()->add_items("a%b");
  out[3].set_id("c-4");
  out[3].set_email("");
  out[3].set_engagement(0);
  (*out[3].mutable_attributes())["vip"].set_flag(false);
  return out;
}

tri negate(tri t) { return t == tri::yes ? tri::no : t == tri::no ? tri::yes : tri::unknown; }

bool is_depth_or_size_error(const std::string& m) { return m.find("limit of") != std::string::npos; }

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const auto customers = sample_customers();
  std::string text(reinterpret_cast<const char*>(data), size);
  auto p = segment::predicate::compile(text);
  if (!p) {
    const auto& e = p.err();
    FUZZ_CHECK(e.domain() == error_domain::segment, "a parse error is of the segment domain");
    FUZZ_CHECK(e.message().rfind("at position ", 0) == 0 || is_depth_or_size_error(e.message()),
               "an error names its position or its limit");
    FUZZ_CHECK(!fuzz::is_utf8(text) || fuzz::is_utf8(e.message()),
               "an error about UTF-8 text is UTF-8");
    FUZZ_CHECK(size <= segment::max_predicate_bytes || is_depth_or_size_error(e.message()),
               "a text over the size limit is refused for its size");
    return 0;
  }
  FUZZ_CHECK(size <= segment::max_predicate_bytes, "a text over the size limit is refused");
  FUZZ_CHECK(p->text() == text, "a predicate keeps its text");
  // The language has no comments: wrapping the text keeps its meaning.
  auto wrapped = segment::predicate::compile("(" + text + ")");
  auto negated = segment::predicate::compile("NOT (" + text + ")");
  for (const auto& c : customers) {
    auto v = p->evaluate(c);
    FUZZ_CHECK(v == tri::yes || v == tri::no || v == tri::unknown, "a truth value");
    FUZZ_CHECK(p->evaluate(c) == v, "evaluation is deterministic");
    FUZZ_CHECK(p->selects(c) == (v == tri::yes), "only TRUE selects");
    if (wrapped)
      FUZZ_CHECK(wrapped->evaluate(c) == v, "(p) evaluates as p");
    if (negated)
      FUZZ_CHECK(negated->evaluate(c) == negate(v), "NOT (p) is the negation of p");
  }
  // Only the limits may refuse a wrapped predicate that compiled bare.
  if (!wrapped)
    FUZZ_CHECK(is_depth_or_size_error(wrapped.err().message()), "(p) compiles when p does");
  if (!negated)
    FUZZ_CHECK(is_depth_or_size_error(negated.err().message()), "NOT (p) compiles when p does");
  return 0;
}
