// shell/text_table: the fixed-width columns of the shell's listings.

#include <gtest/gtest.h>

#include <sstream>

#include "shell/text_table.hpp"

using troupe::shell::text_table;

TEST(shell_text_table_test, pads_every_column_but_the_last) {
  std::ostringstream out;
  text_table table{{6, 4}};
  table.row(out, {"NAME", "N", "NOTE"});
  table.row(out, {"ab", "12", "a longer note"});
  EXPECT_EQ(out.str(), "NAME  N   NOTE\nab    12  a longer note\n");
}

TEST(shell_text_table_test, a_wide_cell_pushes_the_rest_right) {
  std::ostringstream out;
  text_table{{3}}.row(out, {"abcdef", "x"});
  EXPECT_EQ(out.str(), "abcdefx\n");
}

TEST(shell_text_table_test, the_last_cell_is_never_padded) {
  std::ostringstream out;
  text_table{{8, 8}}.row(out, {"a", "b"});
  EXPECT_EQ(out.str(), "a       b\n");
}
