#pragma once
/// Text tables of the shell's listings: left-aligned columns of fixed
/// widths, the last column unpadded, e.g.
///   NODE          ADDRESS               STATE     ...
/// A cell wider than its column pushes the rest of its row right.

#include <cstddef>
#include <iosfwd>
#include <string>
#include <vector>

namespace troupe::shell {

class text_table {
public:
  /// The widths of every column but the last.
  explicit text_table(std::vector<std::size_t> widths) : widths_(std::move(widths)) {}

  /// Prints one row (the heading is a row too): a cell per column, the last
  /// one as it is, then a newline.
  void row(std::ostream& out, const std::vector<std::string>& cells) const;

private:
  std::vector<std::size_t> widths_;
};

} // namespace troupe::shell
