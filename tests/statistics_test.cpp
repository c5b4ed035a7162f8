// experiment/statistics: checked against scipy (tests/statistics_reference.py
// prints the cases and their values), plus the documented degenerate inputs
// and errors.

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <map>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include <sys/wait.h>

#include <gtest/gtest.h>

#include "tests/reference_script.hpp"

#include "experiment/statistics.hpp"

using namespace troupe::experiment;

namespace {

/// Runs the reference script; its output, or "" with *error set.
std::string run_reference(std::string* error) {
  return troupe::test::run_reference_script(TROUPE_STATISTICS_REFERENCE, "python3 with scipy (python3-scipy)", error);
}

std::vector<std::string> split(const std::string& text, char separator) {
  return troupe::test::split_fields(text, separator);
}

double number(const std::string& text) { return troupe::test::reference_number(text); }

constexpr double tolerance = 1e-6;

/// Absolute tolerance 1e-6; a probability below 1e-3 must also be within
/// 1e-6 relative, since the far tail is what a report reads.
void expect_close(const char* what, double actual, double expected, bool probability = false) {
  if (std::isnan(expected)) {
    EXPECT_TRUE(std::isnan(actual)) << what << " = " << actual << ", expected NaN";
    return;
  }
  EXPECT_NEAR(actual, expected, tolerance) << what;
  if (probability && expected < 1e-3) {
    EXPECT_NEAR(actual, expected, tolerance * expected) << what << " (relative)";
  }
}

const double not_a_number = std::numeric_limits<double>::quiet_NaN();

}  // namespace

TEST(StatisticsReference, matches_scipy) {
  std::string error;
  std::string output = run_reference(&error);
  ASSERT_TRUE(error.empty()) << error;

  std::map<std::string, int> cases;
  for (const auto& line : split(output, '\n')) {
    SCOPED_TRACE(line);
    auto f = split(line, ' ');
    ASSERT_FALSE(f.empty());
    const std::string& kind = f[0];
    if (kind == "norm" && f.size() == 4) {
      double x = number(f[1]);
      expect_close("normal_cdf", normal_cdf(x), number(f[2]), true);
      expect_close("normal_sf", normal_sf(x), number(f[3]), true);
    } else if (kind == "normq" && f.size() == 3) {
      expect_close("normal_quantile", normal_quantile(number(f[1])), number(f[2]));
    } else if (kind == "chi2" && f.size() == 4) {
      expect_close("chi_square_sf", chi_square_sf(number(f[1]), number(f[2])), number(f[3]), true);
    } else if (kind == "compare" && f.size() == 12) {
      auto c = compare_proportions(std::stoull(f[1]), std::stoull(f[2]), std::stoull(f[3]),
                                   std::stoull(f[4]), number(f[5]));
      expect_close("z", c.z, number(f[6]));
      expect_close("p_value", c.p_value, number(f[7]), true);
      expect_close("ci_low", c.ci_low, number(f[8]));
      expect_close("ci_high", c.ci_high, number(f[9]));
      expect_close("lift_abs", c.lift_abs, number(f[10]));
      expect_close("lift_rel", c.lift_rel, number(f[11]));
      expect_close("control_rate", c.control_rate, std::stod(f[1]) / std::stod(f[2]));
      expect_close("rate", c.rate, std::stod(f[3]) / std::stod(f[4]));
    } else if (kind == "srm" && f.size() == 4) {
      std::vector<uint64_t> observed;
      for (const auto& count : split(f[1], ','))
        observed.push_back(std::stoull(count));
      std::vector<double> weights;
      for (const auto& weight : split(f[2], ','))
        weights.push_back(number(weight));
      expect_close("sample_ratio_p_value", sample_ratio_p_value(observed, weights), number(f[3]), true);
    } else {
      ADD_FAILURE() << "unexpected line from the reference script";
      continue;
    }
    ++cases[kind];
  }
  // An empty or truncated output must not pass.
  EXPECT_GE(cases["norm"], 10);
  EXPECT_GE(cases["normq"], 15);
  EXPECT_GE(cases["chi2"], 24);
  EXPECT_GE(cases["compare"], 10);
  EXPECT_GE(cases["srm"], 8);
}

namespace {

/// NaN expected: NaN; a whole number (the degenerate answers 0, 1, -1):
/// exactly; anything else to within 4 ULPs.
void expect_value(const char* field, double actual, double expected) {
  if (std::isnan(expected))
    EXPECT_TRUE(std::isnan(actual)) << field << " = " << actual;
  else if (expected == std::floor(expected))
    EXPECT_EQ(actual, expected) << field;
  else
    EXPECT_DOUBLE_EQ(actual, expected) << field;
}

} // namespace

TEST(StatisticsDegenerate, empty_arm_has_no_test_and_no_interval) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  struct degenerate {
    const char* what;
    uint64_t control_conversions, control_n, conversions, n;
    double control_rate, rate, lift_abs, lift_rel, z, p_value, ci_low, ci_high;
  };
  const degenerate cases[] = {
    {"empty treatment", 10, 100, 0, 0, 0.1, 0, -0.1, -1, 0, 1, nan, nan},
    {"empty control", 0, 0, 5, 50, 0, 0.1, 0.1, nan, 0, 1, nan, nan},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.what);
    auto r = compare_proportions(c.control_conversions, c.control_n, c.conversions, c.n);
    expect_value("control_rate", r.control_rate, c.control_rate);
    expect_value("rate", r.rate, c.rate);
    expect_value("lift_abs", r.lift_abs, c.lift_abs);
    expect_value("lift_rel", r.lift_rel, c.lift_rel);
    expect_value("z", r.z, c.z);
    expect_value("p_value", r.p_value, c.p_value);
    expect_value("ci_low", r.ci_low, c.ci_low);
    expect_value("ci_high", r.ci_high, c.ci_high);
  }

  auto both_empty = compare_proportions(0, 0, 0, 0);
  EXPECT_EQ(both_empty.lift_abs, 0);
  EXPECT_EQ(both_empty.p_value, 1);
  EXPECT_TRUE(std::isnan(both_empty.ci_low));
}

TEST(StatisticsDegenerate, no_pooled_variance_gives_no_difference) {
  for (auto c : {compare_proportions(0, 100, 0, 200), compare_proportions(100, 100, 50, 50)}) {
    EXPECT_EQ(c.lift_abs, 0);
    EXPECT_EQ(c.z, 0);
    EXPECT_EQ(c.p_value, 1);
    EXPECT_EQ(c.ci_low, 0);
    EXPECT_EQ(c.ci_high, 0);
  }
  EXPECT_TRUE(std::isnan(compare_proportions(0, 100, 0, 200).lift_rel));
  EXPECT_EQ(compare_proportions(100, 100, 50, 50).lift_rel, 0);
}

TEST(StatisticsDegenerate, sample_ratio_without_a_comparison_is_one) {
  EXPECT_EQ(sample_ratio_p_value({}, {}), 1);
  EXPECT_EQ(sample_ratio_p_value({12345}, {1}), 1);
  EXPECT_EQ(sample_ratio_p_value({0, 0, 0}, {1, 2, 3}), 1);
}

TEST(StatisticsDegenerate, chi_square_edges) {
  EXPECT_EQ(chi_square_sf(0, 1), 1);
  EXPECT_EQ(chi_square_sf(-3, 2), 1);
  EXPECT_EQ(chi_square_sf(std::numeric_limits<double>::infinity(), 3), 0);
  EXPECT_TRUE(std::isnan(chi_square_sf(not_a_number, 3)));
  EXPECT_EQ(normal_quantile(0.5), 0);
}

TEST(StatisticsErrors, conversions_exceeding_the_arm) {
  EXPECT_THROW(compare_proportions(11, 10, 5, 10), std::invalid_argument);
  EXPECT_THROW(compare_proportions(5, 10, 11, 10), std::invalid_argument);
  EXPECT_THROW(compare_proportions(1, 0, 0, 10), std::invalid_argument);
}

TEST(StatisticsErrors, confidence_outside_the_unit_interval) {
  for (double confidence : {0.0, 1.0, -0.5, 1.5, not_a_number})
    EXPECT_THROW(compare_proportions(5, 10, 5, 10, confidence), std::invalid_argument) << confidence;
}

TEST(StatisticsErrors, bad_weights_and_mismatched_sizes) {
  double inf = std::numeric_limits<double>::infinity();
  EXPECT_THROW(sample_ratio_p_value({10, 10}, {1, 0}), std::invalid_argument);
  EXPECT_THROW(sample_ratio_p_value({10, 10}, {1, -1}), std::invalid_argument);
  EXPECT_THROW(sample_ratio_p_value({10, 10}, {1, inf}), std::invalid_argument);
  EXPECT_THROW(sample_ratio_p_value({10, 10}, {1, not_a_number}), std::invalid_argument);
  EXPECT_THROW(sample_ratio_p_value({10}, {0}), std::invalid_argument);
  EXPECT_THROW(sample_ratio_p_value({10, 10}, {1e308, 1e308}), std::invalid_argument);
  EXPECT_THROW(sample_ratio_p_value({10, 10}, {1}), std::invalid_argument);
  EXPECT_THROW(sample_ratio_p_value({10}, {1, 1}), std::invalid_argument);
}

TEST(StatisticsErrors, quantile_and_chi_square_domains) {
  for (double p : {0.0, 1.0, -0.1, 1.1, not_a_number})
    EXPECT_THROW(normal_quantile(p), std::domain_error) << p;
  EXPECT_THROW(chi_square_sf(1, 0), std::domain_error);
  EXPECT_THROW(chi_square_sf(1, -1), std::domain_error);
  EXPECT_THROW(chi_square_sf(1, not_a_number), std::domain_error);
}
