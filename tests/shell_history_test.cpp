// shell/history_file: the history saved as typed, capped, 0600, libedit's
// old files read; shell/commands: Ctrl-C's "cancelled" printed plainly.

#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>

#include <gtest/gtest.h>

#include "shell/command_table.hpp"
#include "shell/commands.hpp"
#include "shell/history_file.hpp"
#include "shell/shell_error.hpp"
#include "tests/temp_dir.hpp"

using namespace troupe;
using namespace troupe::shell;

namespace {

std::string slurp(const std::filesystem::path& p) {
  std::ifstream in{p};
  return {std::istreambuf_iterator<char>{in}, std::istreambuf_iterator<char>{}};
}

} // namespace

TEST(shell_history_test, appends_each_command_to_a_private_file) {
  test::temp_dir dir;
  auto path = (dir / ".troupe_history").string();
  ASSERT_TRUE(append_history(path, "health").ok());
  ASSERT_TRUE(append_history(path, "segment count 'a = \"b c\"'").ok());
  EXPECT_EQ(slurp(path), "health\nsegment count 'a = \"b c\"'\n");
  EXPECT_EQ(load_history(path),
            (std::vector<std::string>{"health", "segment count 'a = \"b c\"'"}));
  auto mode = std::filesystem::status(path).permissions() & std::filesystem::perms::all;
  EXPECT_EQ(mode,
            std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
}

TEST(shell_history_test, keeps_the_last_commands_up_to_the_cap) {
  test::temp_dir dir;
  auto path = (dir / "h").string();
  for (int i = 0; i < 12; ++i)
    ASSERT_TRUE(append_history(path, "c" + std::to_string(i), 5).ok());
  EXPECT_EQ(load_history(path),
            (std::vector<std::string>{"c7", "c8", "c9", "c10", "c11"}));
  EXPECT_FALSE(std::filesystem::exists(path + ".tmp"));
}

TEST(shell_history_test, reads_libedit_files_and_rewrites_them_plain) {
  EXPECT_EQ(parse_history("_HiStOrY_V2_\nsegment\\040count\\040'x\\\\y'\n\nhealth\n"),
            (std::vector<std::string>{"segment count 'x\\y'", "health"}));
  test::temp_dir dir;
  auto path = (dir / "h").string();
  std::ofstream{path} << "_HiStOrY_V2_\ncampaign\\040list\n";
  ASSERT_TRUE(append_history(path, "nodes").ok());
  EXPECT_EQ(slurp(path), "campaign list\nnodes\n");
}

TEST(shell_history_test, a_file_that_cannot_be_written_is_an_error_naming_it) {
  test::temp_dir dir;
  auto path = (dir / "missing" / "h").string();
  auto saved = append_history(path, "health");
  ASSERT_FALSE(saved.ok());
  EXPECT_NE(saved.err().message().find(path), std::string::npos) << saved.err().message();
}

TEST(shell_history_test, a_cancelled_command_prints_cancelled_and_exits_130) {
  std::ostringstream out, err;
  EXPECT_EQ(print_error(cancelled(), false, out, err), exit_cancelled);
  EXPECT_EQ(err.str(), "cancelled\n");
  std::ostringstream gone_out, gone_err;
  EXPECT_EQ(print_error(went_away("127.0.0.1:7401"), false, gone_out, gone_err),
            exit_failed);
  EXPECT_EQ(gone_err.str(), "error: node 127.0.0.1:7401 went away\n");
}
