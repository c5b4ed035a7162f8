#pragma once
/// The process tests' data: the project's own sample data, written into the
/// test's temp dir by scripts/sample_data.py (nothing outside the
/// repository), and what a campaign over it must end with, worked out here
/// from the files by a naive evaluation that shares no code with the node
/// (nlohmann-json and plain comparisons, not the segment library).

#include <cstdint>
#include <fstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/process.hpp"
#include "tests/temp_dir.hpp"

namespace troupe::test {

/// The sample campaign's id, as scripts/sample_data.py writes it.
inline const std::string sample_campaign = "sample-spring";

/// The sample data in a test's temp dir, read back.
struct sample_data {
  std::vector<std::string> ids; ///< every customer's id, in the file's order
  std::string segment;          ///< the campaign's predicate, from campaign.json
  uint64_t in_segment = 0;      ///< customers it selects (the naive evaluation)
};

/// Writes customers.jsonl (`customers`), corpus.jsonl (`corpus` documents),
/// campaign.json and blocklist.txt into `dir` with scripts/sample_data.py,
/// then reads them back into `out`: the segment evaluated on each customer
/// by hand. Use it as ASSERT_NO_FATAL_FAILURE(generate_sample_data(...)).
inline void generate_sample_data(const temp_dir& dir, std::size_t customers, std::size_t corpus,
                                 int seed, sample_data& out) {
  auto gen = run("/usr/bin/env",
                 {"python3", TROUPE_SAMPLE_DATA, dir.path().string(), "--customers",
                  std::to_string(customers), "--corpus", std::to_string(corpus), "--seed",
                  std::to_string(seed)},
                 dir.path(), std::chrono::seconds(120));
  ASSERT_EQ(gen.code, 0) << gen.out << gen.err;
  auto spec = nlohmann::json::parse(std::ifstream{dir / "campaign.json"});
  ASSERT_EQ(spec["id"], sample_campaign);
  out.segment = spec["segment"];
  // The evaluation below is of this predicate only: a sample campaign with
  // another segment needs it written again.
  ASSERT_EQ(out.segment,
            "marketing_opt_in AND total_order_value >= 20 AND region NOT IN ('AK', 'HI')");
  std::ifstream file{dir / "customers.jsonl"};
  std::string line;
  while (std::getline(file, line)) {
    auto c = nlohmann::json::parse(line);
    out.ids.push_back(c["id"].get<std::string>());
    auto region = c["region"].get<std::string>();
    if (c["marketing_opt_in"] == true && c["total_order_value"].get<double>() >= 20
        && region != "AK" && region != "HI")
      ++out.in_segment;
  }
  ASSERT_EQ(out.ids.size(), customers);
  ASSERT_GT(out.in_segment, 0u);
  ASSERT_LT(out.in_segment, customers) << "the segment should leave some customers out";
}

/// Checks `campaign status --json` of a finished sample campaign over `data`.
inline void expect_sample_campaign_done(const nlohmann::json& done, const sample_data& data) {
  EXPECT_EQ(done["state"], "completed");
  EXPECT_EQ(done["processed"], data.ids.size());
  EXPECT_EQ(done["delivered"].get<uint64_t>() + done["blocked"].get<uint64_t>()
              + done["failed"].get<uint64_t>(),
            data.in_segment);
  EXPECT_EQ(done["skipped"], data.ids.size() - data.in_segment);
}

} // namespace troupe::test
