#pragma once
/// For process tests: troupe-shell commands against a running node, their
/// answers read as JSON.

#include <chrono>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/node_runner.hpp"
#include "tests/process.hpp"
#include "tests/temp_dir.hpp"

namespace troupe::test {

/// Runs `command` with --json against the node at `address`, in `dir`: the
/// parsed answer, or null (and a test failure naming the command) when the
/// shell fails.
inline nlohmann::json shell_json(const temp_dir& dir, const std::string& address,
                                 const std::string& command) {
  auto r = run(shell_bin, {"--node", address, "-c", command, "--json"}, dir.path(),
               std::chrono::seconds(120));
  EXPECT_EQ(r.code, 0) << command << ": " << r.err << r.out;
  return r.code == 0 ? nlohmann::json::parse(r.out) : nlohmann::json{};
}

/// Asks `campaign status <id>` until the campaign no longer runs; false if
/// it still runs after `limit`. `status` holds the last answer.
inline bool wait_until_not_running(const temp_dir& dir, const std::string& address,
                                   const std::string& id, std::chrono::seconds limit,
                                   nlohmann::json& status) {
  return eventually(
    [&] {
      status = shell_json(dir, address, "campaign status " + id);
      return status.is_object() && status["state"] != "running";
    },
    limit);
}

} // namespace troupe::test
