#include "segment/predicate.hpp"
#include "segment/segment_error.hpp"

#include "segment/ast.hpp"

#include <set>

namespace troupe::segment {

namespace ast {

const char* to_string(type t) {
  switch (t) {
    case type::null: return "NULL";
    case type::boolean: return "a boolean";
    case type::number: return "a number";
    case type::text: return "a string";
    case type::list: return "a list";
    case type::dynamic: return "an attribute";
  }
  return "?";
}

namespace {

value text_value(const std::string& s) {
  value v;
  v.kind = type::text;
  v.text = s;
  return v;
}

value number_value(double d) {
  value v;
  v.kind = type::number;
  v.number = d;
  return v;
}

value attribute_value(const v1::AttributeValue& a) {
  value v;
  switch (a.kind_case()) {
    case v1::AttributeValue::kText: v = text_value(a.text()); break;
    case v1::AttributeValue::kNumber: v = number_value(a.number()); break;
    case v1::AttributeValue::kFlag:
      v.kind = type::boolean;
      v.flag = a.flag();
      break;
    case v1::AttributeValue::kList:
      if (a.list().items_size() > 0) {
        v.kind = type::list;
        v.list = &a.list().items();
      }
      break;
    default: break;
  }
  return v;
}

tri of(bool b) { return b ? tri::yes : tri::no; }

/// Compares two values: unknown if either is NULL or their types differ.
tri compare(compare_op op, const value& a, const value& b) {
  if (a.kind == type::null || b.kind == type::null || a.kind != b.kind
      || a.kind == type::list)
    return tri::unknown;
  int c = 0;
  switch (a.kind) {
    case type::number: c = a.number < b.number ? -1 : (a.number > b.number ? 1 : 0); break;
    case type::text: c = a.text.compare(b.text); c = c < 0 ? -1 : (c > 0 ? 1 : 0); break;
    case type::boolean: c = static_cast<int>(a.flag) - static_cast<int>(b.flag); break;
    default: return tri::unknown;
  }
  switch (op) {
    case compare_op::eq: return of(c == 0);
    case compare_op::ne: return of(c != 0);
    case compare_op::lt: return of(c < 0);
    case compare_op::le: return of(c <= 0);
    case compare_op::gt: return of(c > 0);
    case compare_op::ge: return of(c >= 0);
  }
  return tri::unknown;
}

tri negate(tri t) {
  return t == tri::unknown ? tri::unknown : of(t == tri::no);
}

} // namespace

value operand::read(const v1::Customer& c) const {
  if (!is_field) {
    if (literal.kind == type::text)
      return text_value(literal_text);
    return literal;
  }
  value v;
  switch (which) {
    case field::id: return text_value(c.id());
    case field::email: return c.has_email() ? text_value(c.email()) : v;
    case field::first_name: return c.has_first_name() ? text_value(c.first_name()) : v;
    case field::region: return c.has_region() ? text_value(c.region()) : v;
    case field::last_order_date:
      return c.has_last_order_date() ? text_value(c.last_order_date()) : v;
    case field::device: return c.has_device() ? text_value(c.device()) : v;
    case field::total_order_value:
      return c.has_total_order_value() ? number_value(c.total_order_value()) : v;
    case field::order_count:
      return c.has_order_count() ? number_value(static_cast<double>(c.order_count())) : v;
    case field::engagement: return c.has_engagement() ? number_value(c.engagement()) : v;
    case field::marketing_opt_in:
      if (c.has_marketing_opt_in()) {
        v.kind = type::boolean;
        v.flag = c.marketing_opt_in();
      }
      return v;
    case field::categories:
      if (c.categories_size() > 0) {
        v.kind = type::list;
        v.list = &c.categories();
      }
      return v;
    case field::attribute: {
      auto it = c.attributes().find(attribute);
      return it == c.attributes().end() ? v : attribute_value(it->second);
    }
  }
  return v;
}

tri node::junction(const v1::Customer& c, tri decisive, tri otherwise) const {
  // SQL's three-valued AND (decisive: no) and OR (decisive: yes): one
  // decisive child decides; else an unknown child makes the whole unknown.
  tri out = otherwise;
  for (const auto& child : children) {
    auto t = child->eval(c);
    if (t == decisive)
      return decisive;
    if (t == tri::unknown)
      out = tri::unknown;
  }
  return out;
}

tri node::eval(const v1::Customer& c) const {
  switch (what) {
    case kind::and_:
      return junction(c, tri::no, tri::yes);
    case kind::or_:
      return junction(c, tri::yes, tri::no);
    case kind::not_:
      return negate(children.front()->eval(c));
    case kind::compare:
      return compare(op, subject.read(c), others.front().read(c));
    case kind::in_list: { // the list hashed at compile time (literal_set.hpp)
      auto out = set->find(subject.read(c));
      return negated ? negate(out) : out;
    }
    case kind::between: {
      auto v = subject.read(c);
      auto lo = compare(compare_op::ge, v, others[0].read(c));
      auto hi = compare(compare_op::le, v, others[1].read(c));
      tri out = lo == tri::no || hi == tri::no
                  ? tri::no
                  : (lo == tri::unknown || hi == tri::unknown ? tri::unknown : tri::yes);
      return negated ? negate(out) : out;
    }
    case kind::like: {
      auto v = subject.read(c);
      if (v.kind != type::text)
        return tri::unknown;
      auto out = of(pattern->matches(v.text));
      return negated ? negate(out) : out;
    }
    case kind::is_null: {
      bool null = subject.read(c).kind == type::null;
      return of(negated ? !null : null);
    }
    case kind::contains: {
      auto list = subject.read(c);
      auto item = others.front().read(c);
      if (list.kind != type::list || item.kind != type::text)
        return tri::unknown;
      for (const auto& s : *list.list)
        if (s == item.text)
          return tri::yes;
      return tri::no;
    }
    case kind::truth: {
      auto v = subject.read(c);
      if (v.kind != type::boolean)
        return tri::unknown;
      return of(v.flag);
    }
  }
  return tri::unknown;
}

} // namespace ast

result<predicate> predicate::compile(const std::string& text, int max_depth) {
  if (text.size() > max_predicate_bytes)
    return make_error(segment_errc::syntax,
                      "the predicate is " + std::to_string(text.size()) +
                        " bytes, more than the limit of " +
                        std::to_string(max_predicate_bytes));
  auto root = ast::parse(text, max_depth);
  if (!root)
    return root.err();
  return predicate{text, std::shared_ptr<const ast::node>{std::move(*root)}};
}

tri predicate::evaluate(const v1::Customer& c) const { return root_->eval(c); }

std::vector<std::string> predicate::attribute_names() const {
  std::set<std::string> names;
  auto note = [&](const ast::operand& o) {
    if (o.is_field && o.which == ast::field::attribute)
      names.insert(o.attribute);
  };
  // An explicit stack: the tree is as deep as compile allowed.
  std::vector<const ast::node*> todo{root_.get()};
  while (!todo.empty()) {
    const auto* n = todo.back();
    todo.pop_back();
    if (n == nullptr)
      continue;
    note(n->subject);
    for (const auto& o : n->others)
      note(o);
    for (const auto& child : n->children)
      todo.push_back(child.get());
  }
  return {names.begin(), names.end()};
}

} // namespace troupe::segment
