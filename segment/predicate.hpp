#pragma once
/// A compiled segment predicate. Compile once (`compile`), evaluate per
/// customer (`selects`): no text is parsed per customer. Immutable and
/// cheap to copy; one predicate may be evaluated from many threads.
///
/// The language (DESIGN.md): AND OR NOT, = != <> < <= > >=, IN (...), NOT IN,
/// BETWEEN .. AND .., LIKE with % and _, IS [NOT] NULL, parentheses, string /
/// number / TRUE / FALSE literals, ISO dates compared as strings, CONTAINS for
/// list fields. Typed fields of the reference workload are checked at
/// compile time (`order_count > 'x'` is refused); other names are the
/// customer's extra attributes, typed at run time. A missing field is NULL
/// with SQL's three-valued logic; only TRUE selects.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "troupe.pb.h"

namespace troupe::segment {

/// SQL's three truth values.
enum class tri : uint8_t { no = 0, yes = 1, unknown = 2 };

namespace ast {
struct node;
}

/// The longest predicate text compiled, in bytes.
constexpr std::size_t max_predicate_bytes = 64 * 1024;
/// The deepest nesting of parentheses and NOTs (the parser and the
/// evaluator recurse once per level).
constexpr int max_predicate_depth = 100;

/// The typed fields of the reference workload, sorted.
std::vector<std::string> typed_field_names();

class predicate {
public:
  /// Compiles `text`; a bad predicate gives an error with the position and
  /// what was expected there, or the limit it goes over. `max_depth` may
  /// lower the nesting limit (a node's --max-predicate-depth), not raise it.
  static result<predicate> compile(const std::string& text,
                                   int max_depth = max_predicate_depth);

  tri evaluate(const v1::Customer& c) const;
  /// True only when the predicate is TRUE for `c`.
  bool selects(const v1::Customer& c) const { return evaluate(c) == tri::yes; }

  const std::string& text() const { return text_; }

  /// The extra attributes the predicate names (not the typed fields),
  /// sorted, each once.
  std::vector<std::string> attribute_names() const;

private:
  predicate(std::string text, std::shared_ptr<const ast::node> root)
    : text_(std::move(text)), root_(std::move(root)) {}
  std::string text_;
  std::shared_ptr<const ast::node> root_;
};

} // namespace troupe::segment
