// The input limits through a real node and shell: lines, ids and attributes
// over their limits are rejected by line number naming the flag, the other
// lines imported; a chunk over --max-chunk-bytes is refused whole (nothing
// of the file applied); a predicate over --max-predicate-bytes is refused
// for a count and for a campaign's segment.

#include <fstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/node_runner.hpp"
#include "tests/node_shell.hpp"
#include "tests/process.hpp"
#include "tests/temp_dir.hpp"

using namespace troupe::test;
using namespace std::chrono_literals;
using json = nlohmann::json;

TEST(limits_process_test, lines_ids_attributes_and_predicates_over_their_flags_are_refused) {
  temp_dir dir;
  running_node n{dir, "n1", "data",
                 {"--max-line-bytes", "2048", "--max-id-bytes", "32", "--max-attributes", "5",
                  "--max-predicate-bytes", "64", "--max-predicate-depth", "3"}};
  ASSERT_TRUE(n.wait_ready()) << n.proc->err();
  json many = {{"id", "many"}};
  for (int i = 0; i < 6; ++i)
    many["a" + std::to_string(i)] = i;
  std::ofstream{dir / "c.jsonl"} << R"({"id":"ok1","tier":"gold"})" << "\n"
                                 << json{{"id", "long-line"}, {"note", std::string(4000, 'n')}}.dump()
                                 << "\n"
                                 << json{{"id", std::string(33, 'i')}}.dump() << "\n"
                                 << many.dump() << "\n"
                                 << R"({"id":"ok2","tier":"gold"})" << "\n";
  auto r = run(shell_bin, {"--node", n.address(), "-c", "import customers c.jsonl", "--json"},
               dir.path());
  ASSERT_EQ(r.code, 0) << r.err;
  auto answer = json::parse(r.out);
  EXPECT_EQ(answer["imported"], 2);
  EXPECT_EQ(answer["rejected"], 3);
  ASSERT_EQ(answer["errors"].size(), 3u) << answer.dump();
  EXPECT_EQ(answer["errors"][0]["line"], 2);
  EXPECT_EQ(answer["errors"][0]["reason"],
            "the line is 4028 bytes, over the limit of 2048 (--max-line-bytes)");
  EXPECT_EQ(answer["errors"][1]["line"], 3);
  EXPECT_EQ(answer["errors"][1]["reason"],
            "field 'id' is 33 bytes, over the limit of 32 (--max-id-bytes)");
  EXPECT_EQ(answer["errors"][2]["line"], 4);
  EXPECT_EQ(answer["errors"][2]["reason"],
            "the customer has 6 attributes and list items, over the limit of 5 (--max-attributes)");
  EXPECT_EQ(shell_json(dir, n.address(), "segment count \"tier = 'gold'\"")["count"], 2);

  auto long_predicate = "tier = 'gold' OR tier = 'silver' OR tier = 'bronze' OR tier = 'iron'";
  auto count = run(shell_bin, {"--node", n.address(), "-c",
                               std::string{"segment count \""} + long_predicate + "\""},
                   dir.path());
  EXPECT_EQ(count.code, 1) << count.out;
  EXPECT_NE(count.err.find("over the limit of 64 (--max-predicate-bytes)"), std::string::npos)
    << count.err;
  auto deep = run(shell_bin, {"--node", n.address(), "-c",
                              "segment count \"((((tier = 'gold'))))\""},
                  dir.path());
  EXPECT_EQ(deep.code, 1) << deep.out;
  EXPECT_NE(deep.err.find("nested deeper than the limit of 3"), std::string::npos) << deep.err;
  EXPECT_EQ(shell_json(dir, n.address(), "segment count \"(((tier = 'gold')))\"")["count"], 2);
  std::ofstream{dir / "spec.json"}
    << json{{"id", "long"},
            {"brief", {{"product", "TrailLite"}, {"features", {"light"}}}},
            {"segment", long_predicate},
            {"arms", {{{"name", "control"}, {"weight", 1}}}}}
         .dump();
  auto create = run(shell_bin, {"--node", n.address(), "-c", "campaign create spec.json"},
                    dir.path());
  EXPECT_EQ(create.code, 1) << create.out;
  EXPECT_NE(create.err.find("segment: the predicate is 68 bytes, over the limit of 64 "
                            "(--max-predicate-bytes)"),
            std::string::npos)
    << create.err;
}

TEST(limits_process_test, a_chunk_over_max_chunk_bytes_is_refused_and_nothing_applied) {
  temp_dir dir;
  running_node n{dir, "n1", "data", {"--max-chunk-bytes", "65536"}};
  ASSERT_TRUE(n.wait_ready()) << n.proc->err();
  {
    std::ofstream out{dir / "c.jsonl"};
    for (int i = 0; i < 200; ++i)
      out << json{{"id", "c" + std::to_string(i)}, {"note", std::string(1000, 'x')}}.dump() << "\n";
  }
  auto r = run(shell_bin, {"--node", n.address(), "-c", "import customers c.jsonl"}, dir.path());
  EXPECT_EQ(r.code, 1) << r.out;
  EXPECT_NE(r.err.find("the import chunk of lines 1 to "), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("over the limit of 65536 (--max-chunk-bytes)"), std::string::npos) << r.err;
  EXPECT_EQ(shell_json(dir, n.address(), "segment count \"id != ''\"")["count"], 0);
}
