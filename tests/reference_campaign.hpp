#pragma once
/// What the reference campaign over the 100,000-customer reference workload
/// must end with, wherever it ran (one node or several): shared by the
/// process tests that run it.

#include <cstdint>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace troupe::test {

/// Checks `campaign status --json` of a finished reference campaign.
inline void expect_reference_campaign_done(const nlohmann::json& done) {
  EXPECT_EQ(done["state"], "completed");
  EXPECT_EQ(done["processed"], 100000);
  EXPECT_EQ(done["delivered"].get<uint64_t>() + done["blocked"].get<uint64_t>()
              + done["failed"].get<uint64_t>(),
            51117u);
  EXPECT_EQ(done["skipped"], 48883);
}

} // namespace troupe::test
