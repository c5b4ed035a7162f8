// shell/node_error: what the shell prints for an error a node answered with
// or for a failed connection is the plain message, never a CAF enum name.

#include <gtest/gtest.h>

#include <caf/sec.hpp>

#include "actors/actor_error.hpp"
#include "runtime/runtime_error.hpp"
#include "shell/node_error.hpp"
#include "storage/storage_error.hpp"

using namespace troupe;
using namespace std::chrono_literals;

TEST(shell_node_error_test, our_error_is_printed_as_its_message) {
  auto e = shell::request_error(
    actors::make_caf_error(actors::actors_errc::not_found, "no customer 'c-17'"),
    "127.0.0.1:7401", 5000ms);
  EXPECT_EQ(e.message(), "node 127.0.0.1:7401: no customer 'c-17'");
  EXPECT_TRUE(e.is(runtime::runtime_errc::request_failed));
}

TEST(shell_node_error_test, another_modules_error_is_printed_as_its_message) {
  auto e = shell::request_error(
    actors::make_caf_error(storage::storage_errc::no_space, "disk full", false), "n1:1", 5000ms);
  EXPECT_EQ(e.message(), "node n1:1: disk full");
}

TEST(shell_node_error_test, caf_system_errors_are_plain_words) {
  auto gone = shell::request_error(caf::make_error(caf::sec::request_receiver_down),
                                   "127.0.0.1:7401", 5000ms);
  EXPECT_EQ(gone.message(), "node 127.0.0.1:7401: the actor that should answer is gone");
  for (const auto* name : {"request_receiver_down", "sec", "system", "caf"})
    EXPECT_EQ(gone.message().find(name), std::string::npos) << name;

  auto refused = shell::connect_error(caf::make_error(caf::sec::cannot_connect_to_node),
                                      "127.0.0.1:1", 5000ms);
  EXPECT_EQ(refused.message(), "cannot reach node 127.0.0.1:1: cannot connect to the node");
  EXPECT_TRUE(refused.is(runtime::runtime_errc::unreachable));
  EXPECT_EQ(refused.message().find("cannot_connect_to_node"), std::string::npos);
}

TEST(shell_node_error_test, a_timeout_names_the_wait) {
  auto late = shell::request_error(caf::make_error(caf::sec::request_timeout), "n1:1", 250ms);
  EXPECT_EQ(late.message(), "node n1:1 did not answer within 250 ms");
  EXPECT_TRUE(late.is(runtime::runtime_errc::unreachable));
  auto silent = shell::connect_error(caf::make_error(caf::sec::request_timeout), "n1:1", 250ms);
  EXPECT_EQ(silent.message(),
            "cannot reach node n1:1: no answer within 250 ms (is it a Troupe node's --cluster-port?)");
}
