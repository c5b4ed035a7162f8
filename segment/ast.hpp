#pragma once
/// Internal to segment/: the compiled form of a predicate, and the values it
/// works on during evaluation (views into the customer record, no copies).

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "segment/like_pattern.hpp"
#include "segment/literal_set.hpp"
#include "segment/predicate.hpp"

namespace troupe::segment::ast {

/// The type of an operand as known at compile time.
enum class type { null, boolean, number, text, list, dynamic };

const char* to_string(type t);

/// A value during evaluation.
struct value {
  type kind = type::null; // never `dynamic`
  bool flag = false;
  double number = 0;
  std::string_view text;
  const google::protobuf::RepeatedPtrField<std::string>* list = nullptr;
};

/// The typed fields of v1::Customer, or an extra attribute.
enum class field {
  id, email, first_name, region, marketing_opt_in, total_order_value, order_count,
  last_order_date, categories, device, engagement, attribute,
};

/// A field reference or a literal.
struct operand {
  bool is_field = false;
  field which = field::attribute;
  std::string attribute;  ///< name, for field::attribute
  std::string literal_text;
  value literal;          ///< for literals (text views literal_text)
  type static_type = type::null;
  std::size_t pos = 0;

  value read(const v1::Customer& c) const;
};

enum class compare_op { eq, ne, lt, le, gt, ge };

struct node {
  enum class kind { and_, or_, not_, compare, in_list, between, like, is_null, contains, truth };
  kind what;
  bool negated = false;
  compare_op op = compare_op::eq;
  std::vector<std::unique_ptr<node>> children; ///< and/or/not
  operand subject;                             ///< left side
  std::vector<operand> others;                 ///< right side(s), IN list, bounds
  std::unique_ptr<like_pattern> pattern;
  std::unique_ptr<literal_set> set;             ///< in_list: `others` hashed

  tri eval(const v1::Customer& c) const;

private:
  /// AND or OR over the children (see predicate.cpp).
  tri junction(const v1::Customer& c, tri decisive, tri otherwise) const;
};

/// Parses tokens into a tree, checking types. Defined in parser.cpp.
/// Nesting deeper than `max_depth` (at most max_predicate_depth) is refused.
result<std::unique_ptr<node>> parse(const std::string& text, int max_depth);

} // namespace troupe::segment::ast
