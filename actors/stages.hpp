#pragma once
/// The stages of a campaign's pipeline, one actor each, chained:
///
///   segment -> retrieve -> generate -> safety -> assign -> deliver
///
/// segment:  the compiled predicate; customers outside it finish as skipped.
/// retrieve: the top `citations` approved documents by BM25 for the
///           customer's categories plus the brief's keywords (cached by query).
/// generate: asks the generation provider (through its breaker) for the
///           message; retries a failure with backoff, then fails the item.
/// safety:   the blocklist over the message and every cited document's
///           text; a hit finishes the item as blocked, naming term and place.
/// assign:   the experiment arm (arm_assignment.hpp).
/// deliver:  the `store` channel: the item finishes as delivered; its
///           Delivery record is written by the campaign runner in the same
///           write batch as the shard's checkpoint (exactly once).
///
/// Metrics: troupe_stage_seconds{stage} (histogram).

#include <chrono>
#include <memory>
#include <string>

#include <caf/event_based_actor.hpp>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include "actors/content_snapshot.hpp"
#include "actors/work_item.hpp"
#include "troupe.pb.h"

namespace troupe::actors {

/// Time spent per item in each stage.
class stage_metrics {
public:
  explicit stage_metrics(prometheus::Registry& registry);
  prometheus::Histogram& stage(const std::string& name);

private:
  prometheus::Family<prometheus::Histogram>* family_;
};

struct generate_retry_policy {
  unsigned attempts = 3;                          ///< tries before the item fails
  std::chrono::milliseconds first_backoff{50};    ///< doubled after each failure
  std::chrono::milliseconds timeout{10'000};      ///< per call to the provider
};

/// Spawns the pipeline for one campaign and returns its head. The stages
/// are linked to `owner` (the campaign's runner): they live and die with it.
stage_actor spawn_pipeline(caf::event_based_actor* owner, pipeline_inputs inputs,
                           const v1::CampaignSpec& spec, generation_provider generator,
                           generate_retry_policy retry, std::shared_ptr<stage_metrics> metrics);

} // namespace troupe::actors
