// runtime/shell_commands: which shell command each shell-API message is,
// who may send it, and which ones the audit chain records.

#include <algorithm>
#include <string>
#include <vector>

#include <caf/all.hpp>
#include <gtest/gtest.h>

#include "runtime/shell_api.hpp"
#include "runtime/shell_commands.hpp"

using namespace troupe;
using namespace troupe::runtime;
using troupe::trust::role;

namespace {

customers::import_chunk chunk(customers::import_kind kind) {
  customers::import_chunk c;
  c.kind = kind;
  c.lines = {"{}"};
  return c;
}

struct row {
  std::string name;
  caf::message msg;
};

/// Every shell-API message, with the name the table gives it.
std::vector<row> every_command() {
  using namespace troupe::cluster;
  campaign_id camp{"spring"};
  customer_id cust{"c1"};
  return {
      {"health", caf::make_message(health_atom::value)},
      {"actors", caf::make_message(tree_atom::value)},
      {"actors", caf::make_message(actors::info_atom::value)},
      {"breakers", caf::make_message(breakers_atom::value)},
      {"nodes", caf::make_message(nodes_atom::value)},
      {"segment count",
       caf::make_message(count_atom::value, std::string{"region = \"CA\""})},
      {"campaign list", caf::make_message(list_atom::value)},
      {"campaign status", caf::make_message(status_atom::value, camp)},
      {"campaign report",
       caf::make_message(report_atom::value, camp, std::string{"arm"}, std::string{})},
      {"campaign create", caf::make_message(create_atom::value, std::string{"{}"})},
      {"campaign start", caf::make_message(start_atom::value, camp)},
      {"campaign pause", caf::make_message(pause_atom::value, camp)},
      {"campaign resume", caf::make_message(resume_atom::value, camp)},
      {"campaign cancel", caf::make_message(cancel_atom::value, camp)},
      {"campaign export",
       caf::make_message(page_atom::value, customers::record_kind::deliveries, camp,
                         std::string{}, uint32_t{10})},
      {"deadletters list",
       caf::make_message(page_atom::value, customers::record_kind::dead_letters, camp,
                         std::string{}, uint32_t{10})},
      {"deadletters replay", caf::make_message(replay_atom::value, camp)},
      {"audit verify", caf::make_message(verify_atom::value)},
      {"customer get", caf::make_message(customer_atom::value, cust)},
      {"customer export", caf::make_message(export_atom::value, cust)},
      {"customer delete", caf::make_message(erase_atom::value, cust)},
      {"node drain", caf::make_message(drain_atom::value, node_id{"n2"})},
      {"import",
       caf::make_message(import_atom::value, chunk(customers::import_kind::customers))},
      {"import",
       caf::make_message(import_atom::value, chunk(customers::import_kind::corpus))},
      {"event ingest",
       caf::make_message(import_atom::value, chunk(customers::import_kind::events))},
      {"member handshake", caf::make_message(member_atom::value)},
  };
}

const std::vector<std::string> viewer_commands = {
    "health",        "nodes",         "actors",          "breakers",
    "segment count", "campaign list", "campaign status", "campaign report"};

const std::vector<std::string> audited_commands = {
    "import",          "event ingest",    "campaign create", "campaign start",
    "campaign pause",  "campaign resume", "campaign cancel", "deadletters replay",
    "customer delete", "node drain"};

bool among(const std::vector<std::string>& names, const std::string& name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

} // namespace

TEST(shell_command_table_test, names_each_shell_api_message) {
  for (auto& r : every_command()) {
    auto cmd = shell_command_of(r.msg.content());
    ASSERT_TRUE(cmd) << r.name << ": " << caf::to_string(r.msg);
    EXPECT_EQ(cmd->name, r.name) << caf::to_string(r.msg);
  }
}

TEST(shell_command_table_test, a_viewer_may_only_look) {
  for (auto& r : every_command()) {
    auto cmd = shell_command_of(r.msg.content());
    ASSERT_TRUE(cmd) << r.name;
    bool reads = among(viewer_commands, r.name);
    EXPECT_EQ(permitted(*cmd, role::viewer), reads) << r.name;
    EXPECT_EQ(cmd->needs == trust::permission::read, reads) << r.name;
  }
}

TEST(shell_command_table_test, an_operator_may_do_all_but_the_member_handshake) {
  for (auto& r : every_command()) {
    auto cmd = shell_command_of(r.msg.content());
    ASSERT_TRUE(cmd) << r.name;
    EXPECT_EQ(permitted(*cmd, role::operator_), r.name != "member handshake") << r.name;
  }
}

TEST(shell_command_table_test, members_may_do_everything) {
  for (auto& r : every_command()) {
    auto cmd = shell_command_of(r.msg.content());
    ASSERT_TRUE(cmd) << r.name;
    EXPECT_TRUE(permitted(*cmd, role::node)) << r.name;
    EXPECT_TRUE(permitted(*cmd, role::open)) << r.name;
  }
}

TEST(shell_command_table_test, only_the_member_handshake_is_members_only) {
  for (auto& r : every_command()) {
    auto cmd = shell_command_of(r.msg.content());
    ASSERT_TRUE(cmd) << r.name;
    EXPECT_EQ(cmd->members_only, r.name == "member handshake") << r.name;
  }
}

TEST(shell_command_table_test, audits_exactly_the_commands_that_change_state) {
  for (auto& r : every_command()) {
    auto cmd = shell_command_of(r.msg.content());
    ASSERT_TRUE(cmd) << r.name;
    EXPECT_EQ(cmd->audited, among(audited_commands, r.name)) << r.name;
  }
}

TEST(shell_command_table_test, a_message_that_is_no_command_is_nullopt) {
  using namespace troupe::cluster;
  std::vector<caf::message> others = {
      caf::make_message(std::string{"health"}),
      caf::make_message(42),
      caf::make_message(heartbeat_atom::value, std::string{"n1"}),
      caf::make_message(local_atom::value, actors::list_atom::value),
      caf::make_message(handover_atom::value),
      caf::make_message(caf::atom("bogus")),
      // An atom that names a command, but not first.
      caf::make_message(std::string{"x"}, erase_atom::value, customer_id{"c1"}),
  };
  for (auto& m : others)
    EXPECT_FALSE(shell_command_of(m.content())) << caf::to_string(m);
}

TEST(shell_command_table_test, an_import_is_audited_once_at_its_first_chunk) {
  for (auto kind : {customers::import_kind::customers, customers::import_kind::corpus,
                    customers::import_kind::events}) {
    auto later = chunk(kind);
    later.first_line = 1001;
    auto cmd = shell_command_of(caf::make_message(cluster::import_atom::value, later).content());
    ASSERT_TRUE(cmd);
    EXPECT_FALSE(cmd->audited) << customers::to_string(kind);
    EXPECT_FALSE(permitted(*cmd, role::viewer)) << customers::to_string(kind);
  }
  auto begin = chunk(customers::import_kind::corpus_begin);
  begin.lines.clear();
  auto cmd = shell_command_of(caf::make_message(cluster::import_atom::value, begin).content());
  ASSERT_TRUE(cmd);
  EXPECT_FALSE(cmd->audited);
}
