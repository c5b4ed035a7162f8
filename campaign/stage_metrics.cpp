#include "campaign/stage_metrics.hpp"

namespace troupe::campaign {

stage_metrics::stage_metrics(prometheus::Registry& registry)
  : seconds_(&prometheus::BuildHistogram()
                .Name("troupe_stage_seconds")
                .Help("Time a pipeline stage spends on one customer")
                .Register(registry)),
    items_(&prometheus::BuildCounter()
              .Name("troupe_stage_items_total")
              .Help("Customers through a pipeline stage, by what the stage did with them")
              .Register(registry)),
    cache_(&prometheus::BuildCounter()
              .Name("troupe_retrieval_cache_total")
              .Help("Retrieval queries answered from the cache (hit) or the index (miss)")
              .Register(registry)),
    generated_(&prometheus::BuildCounter()
                  .Name("troupe_generated_messages_total")
                  .Help("Messages generated, by the generator that wrote them")
                  .Register(registry)) {}

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
