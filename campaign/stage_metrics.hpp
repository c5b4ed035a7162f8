#pragma once
/// The metrics of the pipeline stages, registered once per node and shared
/// by every campaign's pipeline:
///
///   troupe_stage_seconds{stage}                 time per customer (histogram:
///                                               a provider's stage, generate
///                                               and deliver, 1 ms to 5 min;
///                                               the others 1 us to 1 s)
///   troupe_stage_items_total{stage,outcome}     what a stage did with a
///                                               customer, only the pairs it
///                                               can produce (possible_outcomes)
///   troupe_retrieval_cache_total{result}        hit | miss of the query cache
///   troupe_generated_messages_total{generator}  template, openai:<model>
///
/// `stage_probe` holds one stage's series, looked up once per pipeline, so
/// that counting a customer is an atomic add, not a label lookup.

#include <array>
#include <string>
#include <vector>

#include <prometheus/counter.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include "campaign/work_item.hpp"

namespace troupe::campaign {

/// The outcomes stage `stage` can give a customer (outcome::pending:
/// passed on to the next stage), and whether it retries calls.
std::vector<outcome> possible_outcomes(const std::string& stage);
bool retries_calls(const std::string& stage);

/// One stage's series. Every pointer may be null (no metrics, or an
/// outcome the stage cannot give).
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
