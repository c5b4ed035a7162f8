// shell/commands, shell/tokenizer: command-line splitting, dispatch, usage
// errors, and that commands needing a node report a connection failure.

#include <sstream>

#include <gtest/gtest.h>

#include "runtime/runtime_error.hpp"
#include "shell/commands.hpp"

using namespace troupe;
using namespace troupe::runtime;
using namespace troupe::shell;

namespace {

result<shell_client*> unreachable() {
  return make_error(runtime_errc::unreachable, "cannot reach node 127.0.0.1:1: refused");
}

} // namespace

TEST(shell_commands_test, split_keeps_quoted_words_together) {
  auto w = split_command_line(R"(segment count 'region = "CA" AND x > 5')");
  ASSERT_TRUE(w.ok());
  ASSERT_EQ(w->size(), 3u);
  EXPECT_EQ((*w)[2], R"(region = "CA" AND x > 5)");
  w = split_command_line("  health   --json ");
  ASSERT_TRUE(w.ok());
  EXPECT_EQ(*w, (std::vector<std::string>{"health", "--json"}));
}

TEST(shell_commands_test, split_joins_quoted_parts_of_one_word) {
  auto w = split_command_line("a'b c'd \"e 'f'\"\tg");
  ASSERT_TRUE(w.ok());
  EXPECT_EQ(*w, (std::vector<std::string>{"ab cd", "e 'f'", "g"}));
}

TEST(shell_commands_test, split_keeps_an_empty_quoted_word) {
  auto w = split_command_line("customer get ''");
  ASSERT_TRUE(w.ok());
  EXPECT_EQ(*w, (std::vector<std::string>{"customer", "get", ""}));
}

TEST(shell_commands_test, split_of_blank_line_is_empty) {
  auto w = split_command_line(" \t ");
  ASSERT_TRUE(w.ok());
  EXPECT_TRUE(w->empty());
  std::ostringstream out, err;
  EXPECT_EQ(run_command("   ", false, unreachable, out, err), exit_ok);
  EXPECT_EQ(out.str() + err.str(), "");
}

TEST(shell_commands_test, unterminated_quote_names_its_position) {
  auto w = split_command_line("segment count 'open");
  ASSERT_FALSE(w.ok());
  EXPECT_TRUE(w.err().is(runtime_errc::usage));
  EXPECT_NE(w.err().message().find("position 15"), std::string::npos) << w.err().message();
  w = split_command_line("a \"b");
  ASSERT_FALSE(w.ok());
  EXPECT_EQ(w.err().message(), "unterminated quote at position 3");
  std::ostringstream out, err;
  EXPECT_EQ(run_command("segment count 'open", false, unreachable, out, err), exit_usage);
  EXPECT_EQ(err.str(), "error: unterminated quote at position 15\n");
}

// help needs no node; an unknown command is a usage error; an unreachable
// node fails with status 1.
TEST(shell_commands_test, exit_status_and_message_without_a_node) {
  struct outcome {
    const char* line;
    int status;
    bool on_stdout; ///< where `says` is written: stdout, else stderr
    const char* says;
  };
  const outcome cases[] = {
    {"help", exit_ok, true, "health"},
    {"frobnicate now", exit_usage, false, "unknown command 'frobnicate'"},
    {"health", exit_failed, false, "cannot reach node"},
  };
  for (const auto& c : cases) {
    std::ostringstream out, err;
    EXPECT_EQ(run_command(c.line, false, unreachable, out, err), c.status) << c.line;
    auto written = c.on_stdout ? out.str() : err.str();
    EXPECT_NE(written.find(c.says), std::string::npos) << c.line << ": " << written;
  }
}

TEST(shell_commands_test, json_errors_are_json) {
  std::ostringstream out, err;
  EXPECT_EQ(run_command("health --json", false, unreachable, out, err), exit_failed);
  EXPECT_EQ(out.str(), "{\"error\":\"cannot reach node 127.0.0.1:1: refused\"}\n");
}
