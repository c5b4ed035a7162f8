#include "segment/literal_set.hpp"

#include "segment/ast.hpp"

namespace troupe::segment::ast {

literal_set::literal_set(const std::vector<operand>& items) : total_(items.size()) {
  for (const auto& item : items) {
    switch (item.literal.kind) {
      case type::text:
        texts_.insert(std::string_view{item.literal_text});
        ++text_items_;
        break;
      case type::number:
        numbers_.insert(item.literal.number);
        ++number_items_;
        break;
      case type::boolean:
        (item.literal.flag ? has_true_ : has_false_) = true;
        ++boolean_items_;
        break;
      default: // NULL (or a list, which no literal is): never equal to anything
        break;
    }
  }
}

tri literal_set::find(const value& v) const {
  if (total_ == 0)
    return tri::no;
  std::size_t same_type = 0;
  bool found = false;
  switch (v.kind) {
    case type::text:
      same_type = text_items_;
      found = texts_.count(v.text) > 0;
      break;
    case type::number:
      same_type = number_items_;
      found = numbers_.count(v.number) > 0;
      break;
    case type::boolean:
      same_type = boolean_items_;
      found = v.flag ? has_true_ : has_false_;
      break;
    default: // NULL, or a list: every comparison is unknown
      return tri::unknown;
  }
  if (found)
    return tri::yes;
  return same_type == total_ ? tri::no : tri::unknown;
}

} // namespace troupe::segment::ast
