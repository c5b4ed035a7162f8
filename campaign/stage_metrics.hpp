#pragma once
/// The metrics of the pipeline stages, registered once per node and shared
/// by every campaign's pipeline:
///
///   troupe_stage_seconds{stage}                 time per customer (histogram)
///   troupe_stage_items_total{stage,outcome}     passed on, skipped, blocked,
///                                               failed, delivered, retried
///   troupe_retrieval_cache_total{result}        hit | miss of the query cache
///   troupe_generated_messages_total{generator}  template, openai:<model>
///
/// `stage_probe` holds one stage's series, looked up once per pipeline, so
/// that counting a customer is an atomic add, not a label lookup.

#include <array>
#include <string>

#include <prometheus/counter.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include "campaign/work_item.hpp"

namespace troupe::campaign {

/// One stage's series. Every pointer may be null (no metrics).
struct stage_probe {
  prometheus::Histogram* seconds = nullptr;
  /// by outcome; index `outcome::pending` counts items passed on
  std::array<prometheus::Counter*, outcome_count> items{};
  prometheus::Counter* retried = nullptr;

  void observe(double secs) const {
    if (seconds != nullptr)
      seconds->Observe(secs);
  }
  void count(outcome o) const {
    if (auto* c = items[static_cast<std::size_t>(o)])
      c->Increment();
  }
  void count_retry() const {
    if (retried != nullptr)
      retried->Increment();
  }
};

class stage_metrics {
public:
  explicit stage_metrics(prometheus::Registry& registry);
  stage_probe probe(const std::string& stage);
  prometheus::Counter& retrieval_cache(bool hit);
  prometheus::Counter& generated(const std::string& generator);

private:
  prometheus::Family<prometheus::Histogram>* seconds_;
  prometheus::Family<prometheus::Counter>* items_;
  prometheus::Family<prometheus::Counter>* cache_;
  prometheus::Family<prometheus::Counter>* generated_;
};

} // namespace troupe::campaign
