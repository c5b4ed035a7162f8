#pragma once
/// The metrics of every campaign of a node (one instance per node, shared by
/// its manager and runners; prometheus-cpp's families are thread-safe).

#include <memory>
#include <string>

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/registry.h>

#include "campaign/lifecycle.hpp"
#include "campaign/pipeline_metrics.hpp"
#include "campaign/stage_metrics.hpp"
#include "campaign/work_item.hpp"

namespace troupe::campaign {

class campaign_metrics {
public:
  explicit campaign_metrics(prometheus::Registry& registry);
  prometheus::Counter& customers(const std::string& campaign, outcome o);
  prometheus::Gauge& state(const std::string& campaign);
  /// Sets troupe_campaign_state{campaign} to `s` (1 created ... 6 failed).
  void set_state(const std::string& campaign, campaign_state s);
  /// troupe_pipeline_inflight{pipeline="campaign:ID"} and its mailbox probe.
  std::shared_ptr<pipeline_metrics> pipeline(const std::string& campaign);
  const std::shared_ptr<stage_metrics>& stages() const { return stages_; }

private:
  prometheus::Registry& registry_;
  std::shared_ptr<stage_metrics> stages_;
  prometheus::Family<prometheus::Counter>* customers_;
  prometheus::Family<prometheus::Gauge>* state_;
};

} // namespace troupe::campaign
