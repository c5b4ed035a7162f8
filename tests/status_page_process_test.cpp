// The status page (`/`) and its JSON API (`/api/v1/`) on a real node:
// headless Chromium (Debian's chromium-headless-shell) loads the page while
// a campaign runs and the test reads what it shows from the DOM it ends
// with; the API answers what the shell does, names its paths, and with
// authentication on wants a token of the viewer role or above.

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <thread>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/http_get.hpp"
#include "tests/node_runner.hpp"
#include "tests/node_shell.hpp"
#include "tests/process.hpp"
#include "tests/sample_workload.hpp"
#include "tests/security_fixture.hpp"
#include "tests/temp_dir.hpp"

using namespace troupe::test;
using namespace std::chrono_literals;
using json = nlohmann::json;

namespace {

const std::string browser = "/usr/bin/chromium-headless-shell";

/// The DOM of `url` once its scripts have run for `budget_ms` of virtual
/// time (network waits do not count), as headless Chromium dumps it.
run_result dump_dom(const temp_dir& dir, const std::string& url, int budget_ms,
                    const std::string& screenshot = "") {
  std::vector<std::string> args{"--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                                "--user-data-dir=" + (dir / "chromium").string(),
                                "--virtual-time-budget=" + std::to_string(budget_ms)};
  if (screenshot.empty()) {
    args.push_back("--dump-dom");
  } else {
    args.push_back("--screenshot=" + screenshot);
    args.push_back("--window-size=1400,1100");
  }
  args.push_back(url);
  return run(browser, args, dir.path(), 60s);
}

/// The text of the first element whose opening tag matches `open` (a
/// regex), up to its closing `close`.
std::string element(const std::string& dom, const std::string& open, const std::string& close) {
  std::smatch m;
  if (!std::regex_search(dom, m, std::regex{open}))
    return {};
  auto from = static_cast<std::size_t>(m.position(0));
  auto to = dom.find(close, from);
  return dom.substr(from, to == std::string::npos ? std::string::npos : to - from);
}

std::vector<std::string> cells(const std::string& row) {
  std::vector<std::string> out;
  std::regex td{"<td[^>]*>([^<]*)"};
  for (auto it = std::sregex_iterator(row.begin(), row.end(), td); it != std::sregex_iterator();
       ++it)
    out.push_back((*it)[1]);
  return out;
}

class status_page_process_test : public ::testing::Test {
protected:
  temp_dir dir;
};

} // namespace

TEST_F(status_page_process_test, a_browser_shows_the_running_campaign_members_and_breakers) {
  if (!std::filesystem::exists(browser))
    GTEST_SKIP() << browser << " is not installed (scripts/setup installs it)";
  running_node n{dir};
  ASSERT_TRUE(n.wait_ready()) << n.proc->err();
  sample_data data;
  ASSERT_NO_FATAL_FAILURE(generate_sample_data(dir, 2000, 200, 5, data));
  auto spec = json::parse(std::ifstream{dir / "campaign.json"});
  spec["rate_limit"] = 25; // a minute and more: running while the page looks
  std::ofstream{dir / "campaign.json"} << spec.dump();
  EXPECT_EQ(shell_json(dir, n.address(), "import customers customers.jsonl")["imported"], 2000);
  shell_json(dir, n.address(), "import corpus corpus.jsonl");
  shell_json(dir, n.address(), "campaign create campaign.json");
  EXPECT_EQ(shell_json(dir, n.address(), "campaign start " + sample_campaign)["state"],
            "running");
  // Some progress first, so that the numbers are not all zero.
  ASSERT_TRUE(eventually(
    [&] { return shell_json(dir, n.address(), "campaign status " + sample_campaign)["processed"]
                   .get<uint64_t>() >= 25; },
    30s));

  auto page = dump_dom(dir, n.url("/"), 6000);
  ASSERT_EQ(page.code, 0) << page.err;
  const auto& dom = page.out;
  // The campaign's row, running, with its progress and counts.
  auto row = element(dom, "<tr data-campaign=\"" + sample_campaign + "\"[^>]*>", "</tr>");
  ASSERT_FALSE(row.empty()) << dom;
  EXPECT_NE(row.find("data-state=\"running\""), std::string::npos) << row;
  auto c = cells(row);
  ASSERT_GE(c.size(), 12u) << row;
  EXPECT_EQ(c[0], sample_campaign);
  EXPECT_EQ(c[1], "batch");
  EXPECT_EQ(c[2], "running");
  auto processed = std::stoull(std::regex_replace(c[4], std::regex{","}, ""));
  auto total = std::stoull(std::regex_replace(c[5], std::regex{","}, ""));
  EXPECT_GE(processed, 25u) << row;
  EXPECT_EQ(total, 2000u) << row;
  std::smatch share;
  ASSERT_TRUE(std::regex_search(row, share, std::regex{"data-share=\"([0-9.]+)\""})) << row;
  EXPECT_NEAR(std::stod(share[1]), static_cast<double>(processed) / 2000, 0.05);
  // The member, the breakers, the node's id and version; nothing failed.
  EXPECT_NE(dom.find("data-member=\"n1\""), std::string::npos) << dom;
  EXPECT_NE(dom.find("data-breaker=\"breaker:generate\""), std::string::npos) << dom;
  EXPECT_NE(element(dom, "<span id=\"node-id\">", "</span>").find("n1"), std::string::npos);
  EXPECT_NE(dom.find("version " TROUPE_VERSION), std::string::npos) << dom;
  EXPECT_NE(dom.find("<span id=\"problem\"></span>"), std::string::npos)
    << element(dom, "<span id=\"problem\">", "</span>");
  std::smatch refreshes;
  ASSERT_TRUE(std::regex_search(dom, refreshes, std::regex{"data-refreshes=\"([0-9]+)\""}));
  EXPECT_GE(std::stoi(refreshes[1]), 2) << "it refreshes itself";
  // A screenshot for the README, when asked (TROUPE_SCREENSHOT=path.png).
  if (const char* shot = std::getenv("TROUPE_SCREENSHOT"))
    EXPECT_EQ(dump_dom(dir, n.url("/"), 8000, shot).code, 0);
}

TEST_F(status_page_process_test, the_api_answers_as_the_shell_and_names_its_paths) {
  running_node n{dir};
  ASSERT_TRUE(n.wait_ready()) << n.proc->err();
  auto health = http_get(n.url("/api/v1/health"));
  ASSERT_EQ(health.code, 200) << health.body;
  auto h = json::parse(health.body);
  EXPECT_EQ(h, [&] {
    auto shell = shell_json(dir, n.address(), "health");
    shell["uptime_ms"] = h["uptime_ms"]; // the only field that moves
    shell["caller"] = h["caller"];       // the shell asks as itself
    return shell;
  }());
  EXPECT_EQ(json::parse(http_get(n.url("/api/v1/campaigns")).body), json::array());
  auto members = json::parse(http_get(n.url("/api/v1/members")).body);
  ASSERT_EQ(members.size(), 1u) << members;
  EXPECT_EQ(members[0]["node_id"], "n1");
  EXPECT_EQ(json::parse(http_get(n.url("/api/v1/shards")).body).size(), 64u);
  auto breakers = json::parse(http_get(n.url("/api/v1/breakers")).body);
  EXPECT_EQ(breakers.size(), 2u) << breakers;
  // The history fills every 2 s.
  ASSERT_TRUE(eventually(
    [&] { return json::parse(http_get(n.url("/api/v1/history")).body)["samples"].size() >= 2; },
    15s));
  auto history = json::parse(http_get(n.url("/api/v1/history")).body);
  EXPECT_EQ(history["interval_ms"], 2000);
  EXPECT_EQ(history["samples"][0]["customers_per_s"], 0.0);
  EXPECT_TRUE(history["samples"][0]["generate_ms"].is_null()) << "no customer: no latency";
  EXPECT_TRUE(json::parse(http_get(n.url("/api/v1/errors")).body).is_array());
  auto unknown = http_get(n.url("/api/v1/nope"));
  EXPECT_EQ(unknown.code, 404);
  EXPECT_EQ(json::parse(unknown.body)["paths"].size(), 8u) << unknown.body;
  // The page itself: self-contained, no request to anywhere else.
  auto page = http_get(n.url("/"));
  ASSERT_EQ(page.code, 200);
  EXPECT_NE(page.body.find("<title>Troupe node</title>"), std::string::npos);
  EXPECT_EQ(page.body.find("http://"), std::string::npos) << "no external asset";
  EXPECT_EQ(page.body.find("https://"), std::string::npos) << "no external asset";
  EXPECT_EQ(http_get(n.url("/nope")).code, 404);
}

namespace {
class status_api_security_test : public security_fixture {};
} // namespace

TEST_F(status_api_security_test, with_tokens_the_api_wants_the_viewer_role_or_above) {
  auto& n = start("n1", std::nullopt, with_tokens());
  ASSERT_TRUE(n.wait_ready()) << n.proc->err();
  EXPECT_EQ(http_get(n.url("/api/v1/health")).code, 401);
  EXPECT_EQ(http_get(n.url("/api/v1/health"), {"Authorization: Bearer wrong"}).code, 401);
  auto viewer = http_get(n.url("/api/v1/campaigns"), {"Authorization: Bearer " + viewer_secret});
  EXPECT_EQ(viewer.code, 200) << viewer.body;
  auto op = http_get(n.url("/api/v1/health"), {"Authorization: Bearer " + operator_secret});
  EXPECT_EQ(op.code, 200) << op.body;
  // The page has no data of its own: it loads, and asks for a token.
  auto page = http_get(n.url("/"));
  EXPECT_EQ(page.code, 200);
  EXPECT_NE(page.body.find("needs a token with the viewer role"), std::string::npos);
}
