#include "campaign/stage_metrics.hpp"

#include "common/metrics.hpp"

namespace troupe::campaign {

stage_metrics::stage_metrics(prometheus::Registry& registry)
  : seconds_(&metrics::histogram_family(registry, "troupe_stage_seconds",
                                        "Time a pipeline stage spends on one customer")),
    items_(&metrics::counter_family(
      registry, "troupe_stage_items_total",
      "Customers through a pipeline stage, by what the stage did with them")),
    cache_(&metrics::counter_family(
      registry, "troupe_retrieval_cache_total",
      "Retrieval queries answered from the cache (hit) or the index (miss)")),
    generated_(&metrics::counter_family(
      registry, "troupe_generated_messages_total",
      "Messages generated, by the generator that wrote them")) {}

std::vector<outcome> possible_outcomes(const std::string& stage) {
  if (stage == "segment") // not selected, held out, capped; a predicate or count that fails
    return {outcome::pending, outcome::skipped, outcome::held_out, outcome::capped,
            outcome::failed};
  if (stage == "generate") // the provider failed (after its retries)
    return {outcome::pending, outcome::failed};
  if (stage == "safety")
    return {outcome::pending, outcome::blocked};
  if (stage == "deliver") // the last stage delivers rather than passes on
    return {outcome::delivered, outcome::failed};
  return {outcome::pending}; // retrieve, assign
}

bool retries_calls(const std::string& stage) { return stage == "generate" || stage == "deliver"; }

stage_probe stage_metrics::probe(const std::string& stage) {
  stage_probe p;
  // A provider's call takes milliseconds to minutes (timeouts, retries,
  // a breaker's wait); a local stage's microseconds.
  auto buckets = retries_calls(stage)
                   ? prometheus::Histogram::BucketBoundaries{0.001, 0.0025, 0.005, 0.01, 0.025,
                                                             0.05,  0.1,    0.25,  0.5,  1,
                                                             2.5,   5,      10,    30,   60,
                                                             120,   300}
                   : prometheus::Histogram::BucketBoundaries{1e-6,   1e-5, 1e-4, 2.5e-4,
                                                             5e-4,   1e-3, 2.5e-3, 5e-3,
                                                             0.01,   0.1,  1};
  p.seconds = &seconds_->Add({{"stage", stage}}, buckets);
  for (auto o : possible_outcomes(stage))
    p.items[static_cast<std::size_t>(o)] = &items_->Add(
      {{"stage", stage}, {"outcome", o == outcome::pending ? "passed" : to_string(o)}});
  if (retries_calls(stage))
    p.retried = &items_->Add({{"stage", stage}, {"outcome", "retried"}});
  return p;
}

prometheus::Counter& stage_metrics::retrieval_cache(bool hit) {
  return cache_->Add({{"result", hit ? "hit" : "miss"}});
}

prometheus::Counter& stage_metrics::generated(const std::string& generator) {
  return generated_->Add({{"generator", generator}});
}

} // namespace troupe::campaign
