#pragma once
/// Internal to segment/: the literals of an IN list, hashed by type, so that
/// `x IN (...)` costs one lookup however long the list (a 100,000-item list
/// was a linear scan per customer). Same three-valued answer as comparing
/// `x = item` for each item in turn.

#include <cstddef>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "segment/predicate.hpp"

namespace troupe::segment::ast {

struct operand;
struct value;

class literal_set {
public:
  /// `items` are literals; the set views their text, so they must outlive
  /// it and stay where they are (the node's `others`).
  explicit literal_set(const std::vector<operand>& items);

  /// yes: an item of v's type equals v. Otherwise unknown when v is NULL
  /// or some item is of another type (a comparison across types, or with
  /// NULL, is unknown); else no. An empty list answers no.
  tri find(const value& v) const;

private:
  std::unordered_set<std::string_view> texts_;
  std::unordered_set<double> numbers_;
  bool has_true_ = false;
  bool has_false_ = false;
  std::size_t total_ = 0;
  std::size_t text_items_ = 0;
  std::size_t number_items_ = 0;
  std::size_t boolean_items_ = 0;
};

} // namespace troupe::segment::ast
