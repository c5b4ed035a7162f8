#pragma once
/// Bayesian reading of an effect (sample.hpp): a Gaussian posterior of the
/// relative lift, from the delta-method estimate rel ~ N(lift, rel_var) and
/// a prior N(0, prior_sd^2) (prior_sd = 0: flat). Pure.
///   precision = 1 / rel_var + 1 / prior_sd^2   (flat: 1 / rel_var)
///   m = (rel / rel_var) / precision,  s = sqrt(1 / precision)
///   chance_to_win  = P(lift > 0)        = Phi(m / s)
///   risk           = E[max(0, -lift)]   = s phi(m / s) - m Phi(-m / s)
///                    (the expected loss of choosing the treatment)
///   risk_baseline  = E[max(0, lift)]    = s phi(m / s) + m Phi(m / s)
///                    (... of keeping the baseline)
///   credible interval m -+ Phi^-1((1 + credibility) / 2) * s

#include "experiment/sample.hpp"

namespace troupe::experiment {

struct bayesian_result {
  double chance_to_win = 0.5;
  double risk = 0;
  double risk_baseline = 0;
  double ci_low = 0;
  double ci_high = 0;
  double mean = 0; ///< posterior mean of the relative lift
  double sd = 0;
};

/// All NaN when rel or rel_var is NaN or rel_var == 0. Throws
/// std::invalid_argument when prior_sd < 0 or credibility not in (0, 1).
bayesian_result bayesian_test(const effect& e, double prior_sd = 0,
                              double credibility = 0.95);

} // namespace troupe::experiment
