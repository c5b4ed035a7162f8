// Peeking: A/A experiments (both arms at the same conversion rate) read every
// day. A fixed-horizon Welch test read daily finds a "significant" difference
// in far more than alpha of them; the sequential test (sequential.hpp) keeps
// the false positive rate under alpha however often it is read. Then the
// other side: the sequential test still finds a real effect.
//
// Each day's check is arithmetic on the arms' sums, so the simulation is
// 2000 x 30 estimate_effect + welch_test + sequential_test calls.

#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <random>

#include <gtest/gtest.h>

#include "experiment/sample.hpp"
#include "experiment/sequential.hpp"
#include "experiment/welch.hpp"

using namespace troupe::experiment;

namespace {

constexpr int days = 30;
constexpr int daily_per_arm = 300;
constexpr double baseline_rate = 0.05;
constexpr double alpha = 0.05;
constexpr double confidence = 0.95;

sample conversions(double n, double converted) {
  sample s;
  s.n = n;
  s.sum = converted;
  s.sum_sq = converted;
  return s;
}

bool excludes_zero(double low, double high) {
  return low > 0 || high < 0;
}

/// p < alpha and the interval's excluding 0 are one decision; they may
/// disagree only at the boundary, where p rounds across alpha.
bool agrees(double p_value, double low, double high) {
  return (p_value < alpha) == excludes_zero(low, high) ||
         std::abs(p_value / alpha - 1) < 1e-6;
}

struct outcome {
  int fixed = 0;         ///< experiments where a daily Welch read gave p < alpha
  int sequential = 0;    ///< ... the sequential p-value
  int sequential_up = 0; ///< ... the sequential interval was above 0
  int disagreements = 0; ///< days where p and the interval told apart
};

/// `experiments` experiments, each read daily for `days` days.
outcome simulate(int experiments, double treatment_rate, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::binomial_distribution<int> baseline_day(daily_per_arm, baseline_rate);
  std::binomial_distribution<int> treatment_day(daily_per_arm, treatment_rate);
  outcome out;
  for (int experiment = 0; experiment < experiments; ++experiment) {
    double baseline = 0, treatment = 0;
    bool fixed = false, sequential = false, up = false;
    for (int day = 1; day <= days; ++day) {
      baseline += baseline_day(rng);
      treatment += treatment_day(rng);
      double n = double(day) * daily_per_arm;
      effect e = estimate_effect(conversions(n, baseline), conversions(n, treatment));
      welch_result w = welch_test(e, confidence);
      sequential_result s = sequential_test(e, confidence);
      fixed = fixed || w.p_value < alpha;
      sequential = sequential || s.p_value < alpha;
      up = up || s.ci_low > 0;
      out.disagreements += !agrees(w.p_value, w.ci_low, w.ci_high);
      out.disagreements += !agrees(s.p_value, s.ci_low, s.ci_high);
    }
    out.fixed += fixed;
    out.sequential += sequential;
    out.sequential_up += up;
  }
  return out;
}

} // namespace

TEST(SequentialAA, daily_peeks_keep_the_sequential_false_positive_rate) {
  constexpr int experiments = 2000;
  auto start = std::chrono::steady_clock::now();
  outcome out = simulate(experiments, baseline_rate, 20240611);
  double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  double fixed_rate = double(out.fixed) / experiments;
  double sequential_rate = double(out.sequential) / experiments;
  std::printf(
      "A/A %d experiments x %d daily peeks: fixed-horizon false positive rate %.3f, "
      "sequential %.3f (alpha %.2f; %.1f s)\n",
      experiments, days, fixed_rate, sequential_rate, alpha, seconds);

  // Three standard errors of a proportion at alpha over the experiments.
  double allowance = 3 * std::sqrt(alpha * (1 - alpha) / experiments);
  EXPECT_LE(sequential_rate, alpha + allowance);
  // Read 30 times, the fixed-horizon test is far over alpha (about 0.28).
  EXPECT_GT(fixed_rate, 0.10);
  EXPECT_EQ(out.disagreements, 0);
}

TEST(SequentialAA, the_sequential_test_still_finds_a_real_lift) {
  // 5% against 7%: by day 30 (9000 per arm) the difference is about 6
  // standard errors, which the sequential interval excludes 0 at.
  constexpr int experiments = 200;
  outcome out = simulate(experiments, 0.07, 7);
  double found = double(out.sequential_up) / experiments;
  std::printf(
      "A/B %d experiments, 5%% against 7%%, %d daily peeks: sequential found the lift in "
      "%.3f\n",
      experiments, days, found);
  EXPECT_GT(found, 0.9);
  EXPECT_EQ(out.disagreements, 0);
}
