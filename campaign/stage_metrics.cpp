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

stage_probe stage_metrics::probe(const std::string& stage) {
  stage_probe p;
  p.seconds = &seconds_->Add({{"stage", stage}},
                             prometheus::Histogram::BucketBoundaries{1e-6, 1e-5, 1e-4, 1e-3,
                                                                     0.01, 0.1, 1, 10});
  auto item = [&](const char* what) { return &items_->Add({{"stage", stage}, {"outcome", what}}); };
  p.items[static_cast<std::size_t>(outcome::pending)] = item("passed");
  p.items[static_cast<std::size_t>(outcome::delivered)] = item("delivered");
  p.items[static_cast<std::size_t>(outcome::blocked)] = item("blocked");
  p.items[static_cast<std::size_t>(outcome::skipped)] = item("skipped");
  p.items[static_cast<std::size_t>(outcome::failed)] = item("failed");
  p.items[static_cast<std::size_t>(outcome::held_out)] = item("held_out");
  p.retried = item("retried");
  return p;
}

prometheus::Counter& stage_metrics::retrieval_cache(bool hit) {
  return cache_->Add({{"result", hit ? "hit" : "miss"}});
}

prometheus::Counter& stage_metrics::generated(const std::string& generator) {
  return generated_->Add({{"generator", generator}});
}

} // namespace troupe::campaign
