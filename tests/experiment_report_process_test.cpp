// `campaign report` of an experiment on one real node with a global holdout
// of 10%: a holdout arm (assigned, sent nothing, held), the attribution
// window (outside_window), revenue, each sent arm against the control, the
// holdout arm and the global holdout, --sequential, --bayesian, --cuped, the
// sample-ratio check in report and status; what is refused. Arms and the global
// holdout come from README's rules (no code shared); the export gives times.

#include <cmath>
#include <cstdio>
#include <fstream>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/node_runner.hpp"
#include "tests/process.hpp"
#include "tests/temp_dir.hpp"

using namespace troupe::test;
using namespace std::chrono_literals;
using json = nlohmann::json;

namespace {

constexpr int customer_count = 3000;
constexpr int64_t minute_ms = 60'000, hour_ms = 60 * minute_ms, day_ms = 24 * hour_ms;
const std::string campaign = "exp";
const std::vector<std::string> arm_names{"control", "variant", "holdout"};
constexpr std::size_t global = 3; ///< the global holdout's index beside the arms'

std::string customer_id(int i) {
  char id[16];
  std::snprintf(id, sizeof(id), "c%04d", i);
  return id;
}

uint64_t fnv1a(const std::string& text) {
  uint64_t h = 14695981039346656037ull;
  for (unsigned char c : text) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}

/// README, "Arms": the first arm whose cumulative weight exceeds u * sum.
std::size_t arm_of(const std::string& customer) {
  std::string key = campaign;
  key.push_back('\0');
  key += customer;
  uint64_t h = fnv1a(key);
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdull;
  h ^= h >> 33;
  h *= 0xc4ceb9fe1a85ec53ull;
  h ^= h >> 33;
  double target =
      static_cast<double>(h >> 11) / 9007199254740992.0 * 3; // weights 1, 1, 1
  for (std::size_t i = 0; i < 3; ++i)
    if (target < static_cast<double>(i + 1))
      return i;
  return 2;
}

/// README, "The global holdout", at 10% (1,000 basis points).
bool globally_held(const std::string& customer) {
  std::string key = "troupe.holdout";
  key.push_back('\0');
  key += customer;
  return (fnv1a(key) >> 32) % 10'000 < 1'000;
}

/// marketing_opt_in: every customer but each tenth.
bool in_segment(int i) {
  return i % 10 != 0;
}

/// A conversion's value: exact in binary, so sums are exact in any order.
double value_of(int i) {
  return i % 50 + 1.25;
}

/// What the report must say of an arm (or the global holdout).
struct tally {
  uint64_t audience = 0;                 ///< delivered, or held
  uint64_t conversions = 0, outside = 0; ///< converted customers, events outside
  double revenue = 0;
};

double num(const json& j, const std::string& key) {
  auto it = j.find(key);
  return it != j.end() && it->is_number() ? it->get<double>() : std::nan("");
}

json named(const json& list, const std::string& key, const std::string& name) {
  if (list.is_array())
    for (const auto& x : list)
      if (x.value(key, "") == name)
        return x;
  return json{};
}

std::vector<std::string> baselines(const json& arm) {
  std::vector<std::string> out;
  for (const auto& c : arm.value("comparisons", json::array()))
    out.push_back(c.value("against", ""));
  return out;
}

/// A tested metric of a comparison: finite numbers, p in [0, 1], the
/// estimates inside their intervals.
void expect_tested(const json& m) {
  ASSERT_TRUE(m.is_object()) << m;
  EXPECT_EQ(m.value("tested", false), true) << m;
  for (const char* k : {"baseline_mean", "mean", "lift_abs", "lift_rel", "t", "df",
                        "p_value", "ci_low", "ci_high", "rel_ci_low", "rel_ci_high"})
    EXPECT_TRUE(std::isfinite(num(m, k))) << k << " in " << m;
  EXPECT_GE(num(m, "p_value"), 0.0) << m;
  EXPECT_LE(num(m, "p_value"), 1.0) << m;
  EXPECT_LE(num(m, "ci_low"), num(m, "lift_abs")) << m;
  EXPECT_LE(num(m, "lift_abs"), num(m, "ci_high")) << m;
  EXPECT_LE(num(m, "rel_ci_low"), num(m, "lift_rel")) << m;
  EXPECT_LE(num(m, "lift_rel"), num(m, "rel_ci_high")) << m;
  EXPECT_NEAR(num(m, "lift_abs"), num(m, "mean") - num(m, "baseline_mean"), 1e-9) << m;
}

class experiment_report_process_test : public ::testing::Test {
protected:
  temp_dir dir;
  std::unique_ptr<running_node> node;

  void start_node(std::vector<std::string> options = {}) {
    node = std::make_unique<running_node>(dir, "n1", "data", std::move(options));
    ASSERT_TRUE(node->wait_ready()) << node->proc->err();
  }

  void write_file(const std::string& name, const std::string& text) {
    std::ofstream{dir / name} << text;
  }

  run_result shell(const std::string& command, std::chrono::milliseconds limit = 60s) {
    return run(shell_bin, {"--node", node->address(), "-c", command, "--json"},
               dir.path(), limit);
  }

  /// The command's JSON answer; null (and a failure) when it fails.
  json answer(const std::string& command) {
    auto r = shell(command, 120s);
    EXPECT_EQ(r.code, 0) << command << ": " << r.out << r.err;
    return r.code == 0 ? json::parse(r.out) : json{};
  }

  void import_customers() {
    std::string text;
    for (int i = 1; i <= customer_count; ++i) {
      json c{{"id", customer_id(i)}, {"marketing_opt_in", in_segment(i)}};
      c["total_order_value"] = 10.0 * (i % 50) + i % 7; // the --cuped covariate
      c["region"] = i % 2 ? "CA" : "NY", c["tier"] = i % 3 ? "gold" : "silver";
      text += c.dump() + "\n";
    }
    write_file("customers.jsonl", text);
    EXPECT_EQ(answer("import customers customers.jsonl").value("imported", 0),
              customer_count);
  }
};

} // namespace

TEST_F(
    experiment_report_process_test,
    holdouts_the_attribution_window_and_revenue_are_reported_per_arm_with_their_tests) {
  ASSERT_NO_FATAL_FAILURE(start_node({"--holdout-percent", "10"}));
  ASSERT_NO_FATAL_FAILURE(import_customers());
  write_file(
      "exp.json",
      R"({"id":"exp","brief":{"product":"Trail Shoes"},"segment":"marketing_opt_in = TRUE",)"
      R"("arms":[{"name":"control","weight":1},{"name":"variant","weight":1},)"
      R"({"name":"holdout","weight":1,"holdout":true}],"attribution_window":"1d"})");
  ASSERT_EQ(answer("campaign create exp.json").value("state", ""), "created");
  ASSERT_FALSE(answer("campaign start exp").is_null());
  auto watched = shell("campaign status exp --watch", 120s);
  ASSERT_EQ(watched.code, 0) << watched.out << watched.err;
  auto status = json::parse(last_line(watched.out));
  ASSERT_EQ(status.value("state", ""), "completed") << status;
  const int64_t started = status.at("started_at_ms"),
                finished = status.at("finished_at_ms");

  // Who is where, by README's rules.
  std::vector<std::size_t> group(customer_count + 1, 0);
  std::vector<tally> want(4);
  uint64_t in = 0;
  for (int i = 1; i <= customer_count; ++i) {
    if (!in_segment(i))
      continue;
    ++in;
    group[i] = globally_held(customer_id(i)) ? global : arm_of(customer_id(i));
    ++want[group[i]].audience;
  }
  EXPECT_EQ(status.value("in_segment", 0u), in) << status;
  EXPECT_EQ(status.value("skipped", 0u), customer_count - in) << status;
  EXPECT_EQ(status.value("delivered", 0u), want[0].audience + want[1].audience) << status;

  // The export: every delivered customer once, in its arm; none of the holdout arm.
  auto exported = answer("campaign export exp deliveries.jsonl");
  EXPECT_EQ(exported.value("exported", 0u), want[0].audience + want[1].audience)
      << exported;
  std::map<std::string, int64_t> delivered_at;
  std::ifstream file{dir / "deliveries.jsonl"};
  for (std::string line; std::getline(file, line);) {
    auto d = json::parse(line);
    auto id = d.at("customer_id").get<std::string>();
    EXPECT_TRUE(delivered_at.emplace(id, d.at("delivered_at_ms").get<int64_t>()).second)
        << id;
    int i = std::stoi(id.substr(1));
    ASSERT_TRUE(i >= 1 && i <= customer_count && in_segment(i) && group[i] < 2) << line;
    EXPECT_EQ(d.value("arm", ""), arm_names[group[i]]) << line; // never "holdout"
  }
  ASSERT_EQ(delivered_at.size(), want[0].audience + want[1].audience);

  // Conversions: of delivered customers in the window (1 h after, at the
  // delivery itself, a second one the same customer), before it and after
  // it (outside); of held customers a minute after the run (inside: each
  // was held during it) and an hour before it (outside); of customers
  // outside the segment (unmatched); an open event. Some lines again after.
  std::string events, again;
  uint64_t lines = 0, duplicates = 0, conversion_events = 0, unmatched = 0;
  auto conversion = [&](int i, int k, int64_t ts, double value) {
    auto line = R"({"customer_id":")" + customer_id(i) +
                R"(","campaign_id":"exp","type":"conversion","ts":)" +
                std::to_string(ts) + R"(,"value":)" + json(value).dump() + R"(,"id":"e)" +
                std::to_string(i) + "-" + std::to_string(k) + "\"}\n";
    events += line;
    ++lines;
    ++conversion_events;
    return line;
  };
  for (int i = 1; i <= customer_count; ++i) {
    if (!in_segment(i)) {
      if (i % 20 == 0) {
        conversion(i, 1, finished + minute_ms, 5);
        ++unmatched;
      }
      continue;
    }
    auto& t = want[group[i]];
    if (group[i] == 2 || group[i] == global) {
      if (i % 2 == 0) {
        conversion(i, 1, finished + minute_ms, value_of(i));
        ++t.conversions;
        t.revenue += value_of(i);
      }
      if (i % 7 == 0) {
        conversion(i, 4, started - hour_ms, 100);
        ++t.outside;
      }
      continue;
    }
    auto d = delivered_at.at(customer_id(i));
    bool converted = false;
    if (i % 3 == 0) {
      auto line = conversion(i, 1, d + hour_ms, value_of(i));
      t.revenue += value_of(i);
      converted = true;
      if (i % 13 == 0) {
        again += line;
        ++duplicates;
      }
      if (i % 5 == 0) {
        conversion(i, 2, d + 2 * hour_ms, 2);
        t.revenue += 2;
      }
    } else if (i % 17 == 0) {
      conversion(i, 3, d, 1); // at the delivery's instant: in the window
      t.revenue += 1;
      converted = true;
    }
    if (i % 7 == 0) {
      conversion(i, 4, d - hour_ms, 100);
      ++t.outside;
    }
    if (i % 11 == 0) {
      conversion(i, 5, d + 2 * day_ms, 100);
      ++t.outside;
    }
    t.conversions += converted ? 1 : 0;
  }
  events +=
      R"({"customer_id":"c0001","campaign_id":"exp","type":"open","ts":1000,"id":"o1"})"
      "\n";
  ++lines;
  write_file("events.jsonl", events);
  auto ingested = answer("event ingest events.jsonl");
  EXPECT_EQ(ingested.value("imported", 0u), lines) << ingested;
  EXPECT_EQ(ingested.value("rejected", 1u), 0u) << ingested;
  write_file("again.jsonl", again); // stored once: not counted twice
  auto twice = answer("event ingest again.jsonl");
  EXPECT_EQ(twice.value("imported", 1u), 0u) << twice;
  EXPECT_EQ(twice.value("duplicates", 0u), duplicates) << twice;

  auto report = answer("campaign report exp");
  ASSERT_TRUE(report.is_object());
  EXPECT_EQ(report.value("campaign_id", ""), campaign);
  EXPECT_EQ(report.value("state", ""), "completed");
  EXPECT_EQ(num(report, "attribution_window_ms"), static_cast<double>(day_ms));
  EXPECT_TRUE(report.at("cuped").is_null());
  EXPECT_EQ(report.value("conversion_events", 0u), conversion_events);
  EXPECT_EQ(report.value("unmatched_converters", 0u), unmatched);
  ASSERT_EQ(report.at("arms").size(), 3u) << report;
  uint64_t audiences = 0;
  for (std::size_t k = 0; k <= global; ++k) {
    SCOPED_TRACE(k < global ? arm_names[k] : "global holdout");
    auto a = k < global ? report["arms"][k] : report.at("global_holdout");
    ASSERT_TRUE(a.is_object()) << report;
    bool holdout = k >= 2;
    if (k < global) {
      EXPECT_EQ(a.value("name", ""), arm_names[k]);
      EXPECT_EQ(a.value("control", true), k == 0);
    }
    EXPECT_EQ(a.value("holdout", !holdout), holdout);
    EXPECT_EQ(a.value("audience", 0u), want[k].audience) << a;
    EXPECT_EQ(a.value("delivered", 1u), holdout ? 0 : want[k].audience) << a;
    EXPECT_EQ(a.value("held", 1u), holdout ? want[k].audience : 0) << a;
    EXPECT_EQ(a.value("blocked", 1u), 0u) << a;
    EXPECT_EQ(a.value("failed", 1u), 0u) << a;
    EXPECT_EQ(a.value("delivered", 0u) + a.value("blocked", 0u) + a.value("failed", 0u) +
                  a.value("held", 0u),
              a.value("audience", 1u));
    EXPECT_EQ(a.value("conversions", 0u), want[k].conversions) << a;
    EXPECT_EQ(a.value("outside_window", 0u), want[k].outside) << a;
    EXPECT_NEAR(num(a, "revenue"), want[k].revenue, 1e-6) << a;
    double n = static_cast<double>(want[k].audience);
    EXPECT_NEAR(num(a, "rate"), want[k].conversions / n, 1e-12) << a;
    EXPECT_NEAR(num(a, "revenue_per_customer"), want[k].revenue / n, 1e-9) << a;
    audiences += a.value("audience", 0u);
    EXPECT_TRUE(want[k].conversions > 0 && want[k].outside > 0); // the design's
  }
  EXPECT_EQ(audiences, status.value("in_segment", 0u));
  double srm = num(report, "srm_p_value");
  EXPECT_GT(srm, 0.001) << report.at("srm_p_value");
  EXPECT_EQ(report.value("srm_mismatch", true), false);

  // Against the control (z test), and the comparisons of each sent arm.
  auto control = report["arms"][0], variant = report["arms"][1],
       holdout = report["arms"][2];
  EXPECT_TRUE(control.at("p_value").is_null()) << control;
  EXPECT_EQ(control.value("tested", true), false);
  for (const auto& a : {variant, holdout}) {
    EXPECT_EQ(a.value("tested", false), true) << a;
    EXPECT_GE(num(a, "p_value"), 0.0) << a;
    EXPECT_LE(num(a, "p_value"), 1.0) << a;
    EXPECT_NEAR(num(a, "lift_abs"), num(a, "rate") - num(control, "rate"), 1e-12) << a;
    EXPECT_LE(num(a, "ci_low"), num(a, "lift_abs")) << a;
    EXPECT_LE(num(a, "lift_abs"), num(a, "ci_high")) << a;
  }
  EXPECT_EQ(baselines(control), (std::vector<std::string>{"holdout", "global holdout"}));
  EXPECT_EQ(baselines(variant),
            (std::vector<std::string>{"control", "holdout", "global holdout"}));
  EXPECT_TRUE(baselines(holdout).empty()) << holdout; // a baseline, not a treatment
  auto of = [&](const std::string& name) {
    return name == "global holdout" ? report.at("global_holdout")
                                    : named(report["arms"], "name", name);
  };
  for (const auto& arm : {control, variant})
    for (const auto& c : arm.at("comparisons")) {
      SCOPED_TRACE(arm.value("name", "") + " vs " + c.value("against", ""));
      auto base = of(c.value("against", ""));
      for (const char* metric : {"conversion", "revenue"}) {
        const auto& m = c.at(metric);
        expect_tested(m);
        EXPECT_FALSE(m.contains("sequential") || m.contains("bayesian") ||
                     m.contains("cuped"));
      }
      EXPECT_NEAR(num(c.at("conversion"), "mean"), num(arm, "rate"), 1e-12);
      EXPECT_NEAR(num(c.at("conversion"), "baseline_mean"), num(base, "rate"), 1e-12);
      EXPECT_NEAR(num(c.at("revenue"), "mean"), num(arm, "revenue_per_customer"), 1e-9);
      EXPECT_NEAR(num(c.at("revenue"), "baseline_mean"),
                  num(base, "revenue_per_customer"), 1e-9);
    }

  // --sequential, --bayesian: the sequence holds the fixed interval, p no smaller.
  auto both = answer("campaign report exp --sequential --bayesian");
  auto with_prior = answer("campaign report exp --bayesian --prior-sd 0.1");
  ASSERT_TRUE(both.is_object() && with_prior.is_object());
  for (const auto& name : {"control", "variant"}) {
    auto arm = named(both.at("arms"), "name", name); // kept: the loop reads into it
    for (const auto& c : arm.at("comparisons"))
      for (const char* metric : {"conversion", "revenue"}) {
        SCOPED_TRACE(std::string{name} + " vs " + c.value("against", "") + ": " + metric);
        const auto& m = c.at(metric);
        ASSERT_TRUE(m.contains("sequential") && m.contains("bayesian")) << m;
        const auto &s = m.at("sequential"), &b = m.at("bayesian");
        EXPECT_LE(num(s, "ci_low"), num(m, "ci_low")) << m;
        EXPECT_GE(num(s, "ci_high"), num(m, "ci_high")) << m;
        EXPECT_LE(num(s, "rel_ci_low"), num(m, "rel_ci_low")) << m;
        EXPECT_GE(num(s, "rel_ci_high"), num(m, "rel_ci_high")) << m;
        EXPECT_GE(num(s, "p_value"), num(m, "p_value")) << m;
        EXPECT_GE(num(b, "chance_to_win"), 0.0) << m;
        EXPECT_LE(num(b, "chance_to_win"), 1.0) << m;
        EXPECT_GE(num(b, "expected_loss"), 0.0) << m;
        EXPECT_GE(num(b, "expected_loss_baseline"), 0.0) << m;
        EXPECT_LT(num(b, "ci_low"), num(b, "ci_high")) << m;
        // A prior N(0, 0.1^2) narrows the credible interval.
        auto p = named(named(with_prior.at("arms"), "name", name).at("comparisons"),
                       "against", c.value("against", ""))[metric]["bayesian"];
        EXPECT_LT(num(p, "ci_high") - num(p, "ci_low"),
                  num(b, "ci_high") - num(b, "ci_low"))
            << p;
      }
  }

  // --cuped by a number field from before the campaign.
  auto cuped = answer("campaign report exp --cuped total_order_value");
  ASSERT_TRUE(cuped.is_object());
  EXPECT_EQ(cuped.value("cuped", ""), "total_order_value");
  EXPECT_EQ(cuped["arms"][1].value("covariate_missing", 1u), 0u) << cuped["arms"][1];
  EXPECT_EQ(cuped["arms"][1].value("conversions", 0u), want[1].conversions);
  for (const auto& c : cuped["arms"][1].at("comparisons"))
    for (const char* metric : {"conversion", "revenue"}) {
      SCOPED_TRACE("variant vs " + c.value("against", "") + ": " + metric);
      expect_tested(c.at(metric));
      auto adjusted = c.at(metric).value("cuped", json{});
      EXPECT_TRUE(std::isfinite(num(adjusted, "theta"))) << adjusted;
      EXPECT_TRUE(std::isfinite(num(adjusted, "variance_reduction"))) << adjusted;
      if (c.value("against", "") == "control" && std::string{metric} == "revenue") {
        EXPECT_GT(num(adjusted, "variance_reduction"), 0.0) << adjusted; // correlated
      }
    }

  // Refused: a text field for --cuped; --prior-sd without --bayesian.
  for (const char* field : {"region", "tier"}) {
    auto r = shell(std::string{"campaign report exp --cuped "} + field);
    EXPECT_EQ(r.code, 1) << r.out << r.err;
    EXPECT_TRUE(contains(r.out + r.err, std::string{"--cuped "} + field))
        << r.out << r.err;
  }
  auto prior = shell("campaign report exp --prior-sd 0.1");
  EXPECT_EQ(prior.code, 2) << prior.out << prior.err;
  EXPECT_TRUE(contains(prior.out + prior.err, "--bayesian")) << prior.out << prior.err;

  // The status: the arms' audiences as the report's, and the same sample-ratio check.
  auto now = answer("campaign status exp");
  ASSERT_TRUE(now.is_object());
  ASSERT_EQ(now.at("arms").size(), 3u) << now;
  for (std::size_t k = 0; k < 3; ++k) {
    EXPECT_EQ(now["arms"][k].value("name", ""), arm_names[k]) << now["arms"];
    EXPECT_EQ(num(now["arms"][k], "weight"), 1.0) << now["arms"];
    EXPECT_EQ(now["arms"][k].value("audience", 0u),
              report["arms"][k].value("audience", 1u))
        << now["arms"];
  }
  EXPECT_NEAR(num(now, "srm_p_value"), srm, 1e-12) << now.at("srm_p_value");
  EXPECT_EQ(now.value("srm_mismatch", true), false);
}

TEST_F(experiment_report_process_test,
       a_value_that_is_not_a_number_and_an_all_holdout_spec_are_refused) {
  ASSERT_NO_FATAL_FAILURE(start_node());
  ASSERT_NO_FATAL_FAILURE(import_customers());
  write_file(
      "bad.jsonl",
      R"({"customer_id":"c0001","campaign_id":"x","type":"conversion","ts":1000,"value":3.5})"
      "\n"
      R"({"customer_id":"c0002","campaign_id":"x","type":"conversion","ts":1000,"value":"12"})"
      "\n"
      R"({"customer_id":"c0003","campaign_id":"x","type":"conversion","ts":1000,"value":1e16})"
      "\n");
  auto ingested = answer("event ingest bad.jsonl");
  EXPECT_EQ(ingested.value("imported", 0), 1) << ingested;
  EXPECT_EQ(ingested.value("rejected", 0), 2) << ingested;
  ASSERT_EQ(ingested.at("errors").size(), 2u) << ingested;
  EXPECT_EQ(ingested["errors"][0].value("line", 0), 2) << ingested;
  EXPECT_TRUE(contains(ingested["errors"][0].value("reason", ""), "field 'value'"))
      << ingested;
  EXPECT_EQ(ingested["errors"][1].value("line", 0), 3) << ingested;
  EXPECT_TRUE(contains(ingested["errors"][1].value("reason", ""), "1e15")) << ingested;

  write_file(
      "all-held.json",
      R"({"id":"all-held","brief":{"product":"P"},"segment":"marketing_opt_in","arms":[)"
      R"({"name":"a","weight":1,"holdout":true},{"name":"b","weight":1,"holdout":true}]})");
  auto refused = shell("campaign create all-held.json");
  EXPECT_EQ(refused.code, 1) << refused.out << refused.err;
  EXPECT_TRUE(contains(refused.out + refused.err, "at least one arm"))
      << refused.out << refused.err;
  write_file("soon.json",
             R"({"id":"soon","brief":{"product":"P"},"segment":"marketing_opt_in",)"
             R"("arms":[{"name":"a","weight":1}],)"
             R"("attribution_window":"soon"})");
  auto soon = shell("campaign create soon.json");
  EXPECT_EQ(soon.code, 1) << soon.out << soon.err;
  EXPECT_TRUE(contains(soon.out + soon.err, "attribution_window"))
      << soon.out << soon.err;
  auto list = shell("campaign list");
  EXPECT_FALSE(contains(list.out, "all-held") || contains(list.out, "soon")) << list.out;
}
