#include "shell/text_table.hpp"

#include <iomanip>
#include <ostream>

namespace troupe::shell {

void text_table::row(std::ostream& out, const std::vector<std::string>& cells) const {
  out << std::left;
  for (std::size_t i = 0; i < cells.size(); ++i) {
    if (i < widths_.size() && i + 1 < cells.size())
      out << std::setw(static_cast<int>(widths_[i]));
    out << cells[i];
  }
  out << "\n";
}

} // namespace troupe::shell
