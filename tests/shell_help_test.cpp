// shell/command_table, shell/commands: `help`, `help COMMAND [SUBCOMMAND]`
// and every usage error come from the command table.

#include <set>
#include <sstream>

#include <gtest/gtest.h>

#include "runtime/runtime_error.hpp"
#include "shell/command_table.hpp"
#include "shell/commands.hpp"

using namespace troupe;
using namespace troupe::shell;

namespace {

/// A node source that must not be asked: usage errors and help need none.
struct counting_source {
  int calls = 0;
  client_source source() {
    return [this]() -> result<shell_client*> {
      ++calls;
      return runtime::make_error(runtime::runtime_errc::unreachable, "no node in this test");
    };
  }
};

struct outcome {
  int code;
  std::string out;
  std::string err;
  int connects;
};

outcome run(const std::string& line, bool json = false) {
  counting_source node;
  std::ostringstream out, err;
  int code = run_command(line, json, node.source(), out, err);
  return {code, out.str(), err.str(), node.calls};
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

} // namespace

TEST(shell_help_test, every_table_entry_has_a_line_in_help) {
  auto help = shell_help();
  for (const auto& e : command_table()) {
    EXPECT_TRUE(contains(help, "  " + usage_line(e))) << usage_line(e);
    EXPECT_TRUE(contains(help, e.summary)) << e.summary;
  }
  EXPECT_TRUE(contains(help, "quit, exit"));
  EXPECT_TRUE(contains(help, "--json"));
  auto r = run("help");
  EXPECT_EQ(r.code, exit_ok);
  EXPECT_EQ(r.out, help);
  EXPECT_EQ(r.connects, 0);
}

TEST(shell_help_test, entries_are_complete_and_distinct) {
  std::set<std::pair<std::string, std::string>> seen;
  for (const auto& e : command_table()) {
    EXPECT_TRUE(seen.insert({e.name, e.sub}).second) << usage_line(e);
    EXPECT_FALSE(e.summary.empty()) << usage_line(e);
    EXPECT_NE(e.run, nullptr) << usage_line(e);
    EXPECT_EQ(e.summary.find('\n'), std::string::npos) << usage_line(e);
  }
}

TEST(shell_help_test, help_of_each_entry_gives_its_usage_and_details) {
  for (const auto& e : command_table()) {
    auto r = run("help " + e.name + (e.sub.empty() ? "" : " " + e.sub));
    EXPECT_EQ(r.code, exit_ok) << usage_line(e);
    EXPECT_TRUE(contains(r.out, "usage: " + usage_line(e) + "\n  " + e.summary + "\n"))
      << r.out;
    auto first_detail = e.details.substr(0, e.details.find('\n'));
    EXPECT_TRUE(contains(r.out, "  " + first_detail)) << r.out;
    EXPECT_EQ(r.connects, 0);
  }
}

TEST(shell_help_test, help_of_a_command_covers_all_its_subcommands) {
  auto r = run("help campaign");
  EXPECT_EQ(r.code, exit_ok);
  int shown = 0;
  for (const auto& e : command_table())
    if (e.name == "campaign") {
      EXPECT_TRUE(contains(r.out, "usage: " + usage_line(e) + "\n")) << usage_line(e);
      ++shown;
    }
  EXPECT_GE(shown, 9);
  EXPECT_TRUE(contains(r.out, "usage: campaign report ID [--by FIELD] [--cuped FIELD] [--sequential] [--bayesian] [--prior-sd X]\n"));
  EXPECT_TRUE(contains(r.out, "usage: campaign status ID [--watch] [--by-node]\n"));
  r = run("help campaign report");
  EXPECT_TRUE(contains(r.out, "usage: campaign report ID [--by FIELD] [--cuped FIELD] [--sequential] [--bayesian] [--prior-sd X]\n"));
  EXPECT_FALSE(contains(r.out, "campaign status"));
}

TEST(shell_help_test, help_of_an_unknown_topic_is_a_usage_error) {
  auto r = run("help frobnicate");
  EXPECT_EQ(r.code, exit_usage);
  EXPECT_EQ(r.err, "error: unknown command 'frobnicate' (type help for the list)\n");
  r = run("help campaign frobnicate");
  EXPECT_EQ(r.code, exit_usage);
  EXPECT_TRUE(contains(r.err, "error: usage: campaign create FILE | ")) << r.err;
}

TEST(shell_help_test, unknown_command_gives_the_generated_line_and_exit_2) {
  auto r = run("frobnicate now");
  EXPECT_EQ(r.code, exit_usage);
  EXPECT_EQ(r.err, "error: unknown command 'frobnicate' (type help for the list)\n");
  EXPECT_EQ(r.connects, 0);
}

TEST(shell_help_test, a_likely_typo_gets_a_suggestion) {
  auto r = run("campain status c1");
  EXPECT_EQ(r.code, exit_usage);
  EXPECT_EQ(r.err, "error: unknown command 'campain': did you mean 'campaign'? (type help for "
                   "the list)\n");
  r = run("helth");
  EXPECT_TRUE(contains(r.err, "did you mean 'health'?")) << r.err;
  r = run("campaign stauts c1");
  EXPECT_EQ(r.code, exit_usage);
  EXPECT_TRUE(contains(r.err, "error: unknown subcommand 'campaign stauts': did you mean "
                              "'campaign status'? usage: campaign create FILE | "))
    << r.err;
  // Nothing close: no guess.
  EXPECT_FALSE(contains(run("zz").err, "did you mean")) << run("zz").err;
  EXPECT_EQ(r.connects, 0);
}

TEST(shell_help_test, campaign_usage_names_every_subcommand_and_option) {
  auto r = run("campaign");
  EXPECT_EQ(r.code, exit_usage);
  std::string expected = "error: usage: ";
  bool first = true;
  for (const auto& e : command_table())
    if (e.name == "campaign") {
      expected += (first ? "" : " | ") + usage_line(e);
      first = false;
    }
  EXPECT_EQ(r.err, expected + "\n");
  EXPECT_TRUE(contains(r.err, "campaign report ID [--by FIELD] [--cuped FIELD] [--sequential] [--bayesian] [--prior-sd X]"));
  EXPECT_TRUE(contains(r.err, "campaign status ID [--watch] [--by-node]"));
  EXPECT_EQ(run("campaign frobnicate x").err, r.err);
  EXPECT_EQ(r.connects, 0);
}

TEST(shell_help_test, bad_usage_gives_the_entry_usage_line_and_exit_2) {
  const std::pair<const char*, const char*> cases[] = {
    {"campaign report", "usage: campaign report ID [--by FIELD] [--cuped FIELD] [--sequential] [--bayesian] [--prior-sd X]"},
    {"campaign report c1 extra", "usage: campaign report ID [--by FIELD] [--cuped FIELD] [--sequential] [--bayesian] [--prior-sd X]"},
    {"campaign report c1 --by", "usage: campaign report ID [--by FIELD] [--cuped FIELD] [--sequential] [--bayesian] [--prior-sd X]"},
    {"campaign report c1 --by-node", "usage: campaign report ID [--by FIELD] [--cuped FIELD] [--sequential] [--bayesian] [--prior-sd X]"},
    {"campaign status c1 --frobnicate", "usage: campaign status ID [--watch] [--by-node]"},
    {"campaign start", "usage: campaign start ID"},
    {"campaign export c1", "usage: campaign export ID FILE"},
    {"customer export", "usage: customer export ID [FILE]"},
    {"customer export c1 f extra", "usage: customer export ID [FILE]"},
    {"health now", "usage: health"},
    {"node drain", "usage: node drain ID"},
    {"import", "usage: import customers FILE | import corpus FILE"},
    {"import events f", "usage: import customers FILE | import corpus FILE"},
    {"segment count", "usage: segment count 'PREDICATE'"},
    {"audit verify now", "usage: audit verify"},
    {"deadletters", "usage: deadletters list CAMPAIGN | deadletters replay CAMPAIGN"},
    {"help a b c", "usage: help [COMMAND] [SUBCOMMAND]"},
  };
  for (const auto& [line, usage] : cases) {
    auto r = run(line);
    EXPECT_EQ(r.code, exit_usage) << line;
    EXPECT_EQ(r.err, std::string{"error: "} + usage + "\n") << line;
    EXPECT_EQ(r.out, "") << line;
    EXPECT_EQ(r.connects, 0) << line;
  }
}

TEST(shell_help_test, usage_errors_in_json_mode_are_json) {
  auto r = run("campaign report --json");
  EXPECT_EQ(r.code, exit_usage);
  EXPECT_EQ(r.out, "{\"error\":\"usage: campaign report ID [--by FIELD] [--cuped FIELD] [--sequential] [--bayesian] [--prior-sd X]\"}\n");
  EXPECT_EQ(r.err, "");
}

TEST(shell_help_test, options_and_operands_in_any_order_reach_the_node) {
  // Valid lines connect (and fail here with status 1: no node).
  for (auto line : {"campaign report c1 --by region", "campaign report --by region c1",
                    "campaign status c1 --by-node --watch", "customer export c1",
                    "customer export c1 out.json", "help", "--json health"}) {
    auto r = run(line);
    bool local = std::string{line} == "help";
    EXPECT_EQ(r.code, local ? exit_ok : exit_failed) << line << ": " << r.err << r.out;
    EXPECT_EQ(r.connects, local ? 0 : 1) << line;
  }
}
