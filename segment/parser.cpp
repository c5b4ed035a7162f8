// Recursive-descent parser of the segment language, with type checks.
//
//   expr      := and_expr (OR and_expr)*
//   and_expr  := not_expr (AND not_expr)*
//   not_expr  := NOT not_expr | primary
//   primary   := '(' expr ')' | operand [suffix]
//   suffix    := cmp operand | [NOT] IN '(' literal (',' literal)* ')'
//              | [NOT] BETWEEN operand AND operand | [NOT] LIKE string
//              | IS [NOT] NULL | CONTAINS operand

#include <algorithm>
#include <cstdlib>
#include <map>

#include "segment/ast.hpp"
#include "segment/lexer.hpp"
#include "segment/predicate.hpp"
#include "segment/segment_error.hpp"

namespace troupe::segment::ast {

namespace {

struct field_info {
  field which;
  type t;
};

const std::map<std::string, field_info>& typed_fields() {
  static const std::map<std::string, field_info> f{
    {"id", {field::id, type::text}},
    {"email", {field::email, type::text}},
    {"first_name", {field::first_name, type::text}},
    {"region", {field::region, type::text}},
    {"marketing_opt_in", {field::marketing_opt_in, type::boolean}},
    {"total_order_value", {field::total_order_value, type::number}},
    {"order_count", {field::order_count, type::number}},
    {"last_order_date", {field::last_order_date, type::text}},
    {"categories", {field::categories, type::list}},
    {"device", {field::device, type::text}},
    {"engagement", {field::engagement, type::number}},
  };
  return f;
}

class parser {
public:
  parser(std::vector<token> tokens, int max_depth)
    : tokens_(std::move(tokens)), max_depth_(std::min(max_depth, max_predicate_depth)) {}
  parser(const parser&) = delete;
  parser& operator=(const parser&) = delete;

  result<std::unique_ptr<node>> run() {
    auto root = expr();
    if (!root)
      return root;
    if (peek().kind != token_kind::end)
      return fail("expected AND, OR or the end of the predicate");
    return root;
  }

private:
  const token& peek() const { return tokens_[at_]; }
  const token& next() { return tokens_[at_ < tokens_.size() - 1 ? at_++ : at_]; }
  bool accept(token_kind k) {
    if (peek().kind != k)
      return false;
    next();
    return true;
  }

  error fail(const std::string& expected) const {
    return make_error(segment_errc::syntax, "at position " + std::to_string(peek().pos)
                                              + ": " + expected + ", found "
                                              + describe(peek()));
  }
  static error type_error(std::size_t pos, const std::string& what) {
    return make_error(segment_errc::type, "at position " + std::to_string(pos) + ": " + what);
  }

  result<std::unique_ptr<node>> expr() { return binary(node::kind::or_); }

  result<std::unique_ptr<node>> binary(node::kind k) {
    bool is_or = k == node::kind::or_;
    auto left = is_or ? binary(node::kind::and_) : not_expr();
    if (!left)
      return left;
    auto op = is_or ? token_kind::kw_or : token_kind::kw_and;
    if (peek().kind != op)
      return left;
    auto n = std::make_unique<node>();
    n->what = k;
    n->children.push_back(std::move(*left));
    while (accept(op)) {
      auto right = is_or ? binary(node::kind::and_) : not_expr();
      if (!right)
        return right;
      n->children.push_back(std::move(*right));
    }
    return n;
  }

  /// One level deeper for as long as it lives; `over` once past the limit.
  struct level {
    level(int& depth, int max) : depth_(depth), max_(max) { ++depth_; }
    ~level() { --depth_; }
    bool over() const { return depth_ > max_; }
    int& depth_;
    int max_;
  };

  error too_deep() const {
    return make_error(segment_errc::syntax,
                      "at position " + std::to_string(peek().pos) +
                        ": parentheses and NOTs nested deeper than the limit of " +
                        std::to_string(max_depth_));
  }

  result<std::unique_ptr<node>> not_expr() {
    if (accept(token_kind::kw_not)) {
      level deeper{depth_, max_depth_};
      if (deeper.over())
        return too_deep();
      auto inner = not_expr();
      if (!inner)
        return inner;
      auto n = std::make_unique<node>();
      n->what = node::kind::not_;
      n->children.push_back(std::move(*inner));
      return n;
    }
    return primary();
  }

  result<operand> parse_operand() {
    const auto& t = peek();
    operand o;
    o.pos = t.pos;
    switch (t.kind) {
      case token_kind::identifier: {
        o.is_field = true;
        auto f = typed_fields().find(t.text);
        if (f != typed_fields().end()) {
          o.which = f->second.which;
          o.static_type = f->second.t;
        } else {
          o.which = field::attribute;
          o.attribute = t.text;
          o.static_type = type::dynamic;
        }
        break;
      }
      case token_kind::string:
        o.literal_text = t.text;
        o.literal.kind = o.static_type = type::text;
        break;
      case token_kind::number: {
        char* end = nullptr;
        o.literal.number = std::strtod(t.text.c_str(), &end);
        if (end == nullptr || *end != '\0')
          return fail("expected a number");
        o.literal.kind = o.static_type = type::number;
        break;
      }
      case token_kind::kw_true:
      case token_kind::kw_false:
        o.literal.flag = t.kind == token_kind::kw_true;
        o.literal.kind = o.static_type = type::boolean;
        break;
      case token_kind::kw_null:
        o.literal.kind = o.static_type = type::null;
        break;
      default:
        return fail("expected a field name or a value");
    }
    next();
    return o;
  }

  result<operand> parse_literal() {
    auto k = peek().kind;
    if (k != token_kind::string && k != token_kind::number && k != token_kind::kw_true
        && k != token_kind::kw_false)
      return fail("expected a value (a string, a number, TRUE or FALSE)");
    return parse_operand();
  }

  /// Two operands may be compared if their types agree or one is only known
  /// at run time.
  static bool comparable(type a, type b) {
    return a == type::dynamic || b == type::dynamic || a == b;
  }

  status check_pair(const operand& a, const operand& b) {
    if (a.static_type == type::null || b.static_type == type::null)
      return type_error(b.static_type == type::null ? b.pos : a.pos,
                        "NULL compares as unknown: use IS NULL or IS NOT NULL");
    if (a.static_type == type::list || b.static_type == type::list)
      return type_error(a.static_type == type::list ? a.pos : b.pos,
                        "a list field is tested with CONTAINS");
    if (!comparable(a.static_type, b.static_type))
      return type_error(b.pos, std::string{"cannot compare "} + to_string(a.static_type)
                                 + " with " + to_string(b.static_type));
    return status::success();
  }

  result<std::unique_ptr<node>> primary() {
    if (accept(token_kind::lparen)) {
      level deeper{depth_, max_depth_};
      if (deeper.over())
        return too_deep();
      auto inner = expr();
      if (!inner)
        return inner;
      if (!accept(token_kind::rparen))
        return fail("expected ')'");
      return inner;
    }
    auto subject = parse_operand();
    if (!subject)
      return subject.err();
    auto n = std::make_unique<node>();
    n->subject = std::move(*subject);
    auto& s = n->subject;
    bool negated = false;
    if (peek().kind == token_kind::kw_not) {
      auto k = tokens_[at_ + 1].kind;
      if (k == token_kind::kw_in || k == token_kind::kw_between || k == token_kind::kw_like) {
        next();
        negated = true;
      }
    }
    n->negated = negated;
    switch (peek().kind) {
      case token_kind::eq: case token_kind::ne: case token_kind::lt:
      case token_kind::le: case token_kind::gt: case token_kind::ge: {
        static const std::map<token_kind, compare_op> ops{
          {token_kind::eq, compare_op::eq}, {token_kind::ne, compare_op::ne},
          {token_kind::lt, compare_op::lt}, {token_kind::le, compare_op::le},
          {token_kind::gt, compare_op::gt}, {token_kind::ge, compare_op::ge}};
        n->what = node::kind::compare;
        n->op = ops.at(next().kind);
        auto rhs = parse_operand();
        if (!rhs)
          return rhs.err();
        if (auto st = check_pair(s, *rhs); !st)
          return st.err();
        n->others.push_back(std::move(*rhs));
        return n;
      }
      case token_kind::kw_in: {
        next();
        n->what = node::kind::in_list;
        if (!accept(token_kind::lparen))
          return fail("expected '(' after IN");
        do {
          auto v = parse_literal();
          if (!v)
            return v.err();
          if (auto st = check_pair(s, *v); !st)
            return st.err();
          n->others.push_back(std::move(*v));
        } while (accept(token_kind::comma));
        if (!accept(token_kind::rparen))
          return fail("expected ',' or ')' in the IN list");
        n->set = std::make_unique<literal_set>(n->others);
        return n;
      }
      case token_kind::kw_between: {
        next();
        n->what = node::kind::between;
        auto lo = parse_operand();
        if (!lo)
          return lo.err();
        if (!accept(token_kind::kw_and))
          return fail("expected AND in BETWEEN .. AND ..");
        auto hi = parse_operand();
        if (!hi)
          return hi.err();
        for (auto* bound : {&*lo, &*hi})
          if (auto st = check_pair(s, *bound); !st)
            return st.err();
        n->others.push_back(std::move(*lo));
        n->others.push_back(std::move(*hi));
        return n;
      }
      case token_kind::kw_like: {
        next();
        n->what = node::kind::like;
        if (peek().kind != token_kind::string)
          return fail("expected a pattern string after LIKE");
        if (s.static_type != type::text && s.static_type != type::dynamic)
          return type_error(s.pos, std::string{"LIKE needs text, not "} + to_string(s.static_type));
        n->pattern = std::make_unique<like_pattern>(next().text);
        return n;
      }
      case token_kind::kw_is: {
        next();
        n->what = node::kind::is_null;
        n->negated = accept(token_kind::kw_not);
        if (!accept(token_kind::kw_null))
          return fail("expected NULL after IS");
        return n;
      }
      case token_kind::kw_contains: {
        next();
        n->what = node::kind::contains;
        if (s.static_type != type::list && s.static_type != type::dynamic)
          return type_error(s.pos, std::string{"CONTAINS needs a list field, not "}
                                     + to_string(s.static_type));
        auto item = parse_operand();
        if (!item)
          return item.err();
        if (item->static_type != type::text && item->static_type != type::dynamic)
          return type_error(item->pos, "CONTAINS looks for a string");
        n->others.push_back(std::move(*item));
        return n;
      }
      default:
        if (negated)
          return fail("expected IN, BETWEEN or LIKE after NOT");
        // A bare operand: a boolean field or TRUE/FALSE.
        if (s.static_type != type::boolean && s.static_type != type::dynamic)
          return fail("expected a comparison (=, <>, <, IN, LIKE, IS NULL, CONTAINS, ...)");
        n->what = node::kind::truth;
        return n;
    }
  }

  std::vector<token> tokens_;
  std::size_t at_ = 0;
  int depth_ = 0; ///< parentheses and NOTs open around the parser's place
  int max_depth_;  ///< deepest allowed (at most max_predicate_depth)
};

} // namespace

result<std::unique_ptr<node>> parse(const std::string& text, int max_depth) {
  auto tokens = tokenize(text);
  if (!tokens)
    return tokens.err();
  if (tokens->size() == 1)
    return make_error(segment_errc::syntax, "at position 1: the predicate is empty");
  return parser{std::move(*tokens), max_depth}.run();
}

} // namespace troupe::segment::ast

namespace troupe::segment {

std::vector<std::string> typed_field_names() {
  std::vector<std::string> out;
  for (const auto& [name, info] : ast::typed_fields())
    out.push_back(name);
  return out;
}

} // namespace troupe::segment
