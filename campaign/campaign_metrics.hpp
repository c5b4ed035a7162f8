#pragma once
/// The metrics of every campaign of a node (one instance per node, shared by
/// its manager and runners; thread-safe).
///
///   troupe_campaign_customers_total{campaign,outcome}   counter
///   troupe_campaign_state{campaign,state}               gauge: 1 for the state it is in,
///                                                       0 for the 5 others
///   troupe_campaign_journeys_total{campaign,event}      counter (triggered: entered,
///                                                       cancelled, held)
///   troupe_campaign_pending_sends{campaign}             gauge (triggered)
///   troupe_pipeline_inflight{campaign}                  gauge (pipeline_metrics.hpp)
///   troupe_mailbox_depth_max{actor="runner",campaign}   gauge
///
/// Campaign ids are label values, so a node running campaigns for months
/// would keep a series per campaign it ever ran: the series of a finished
/// campaign are kept for `retention` (long enough for every scrape and
/// alert to see its final values) and for the newest `keep_finished` at
/// most, then removed, unless a runner or a replay still holds them (they
/// go once it lets go). `sweep` (before each scrape) removes the expired.

#include <array>
#include <chrono>
#include <functional>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
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

/// A triggered campaign's journeys.
struct journey_series {
  prometheus::Counter* entered = nullptr;
  prometheus::Counter* cancelled = nullptr;
  prometheus::Counter* held = nullptr; ///< sends settled after quiet hours held them
  prometheus::Gauge* pending = nullptr; ///< sends waiting for their time or in flight
};

/// One campaign's series, held by its runner while it runs.
struct campaign_series {
  std::array<prometheus::Counter*, outcome_count> outcomes{}; ///< by `outcome` (pending: none)
  std::shared_ptr<pipeline_metrics> pipeline;      ///< in flight, mailbox depth
  std::optional<journey_series> journeys;          ///< a triggered campaign's only

  /// Counts a send settled as `o`; `held`: quiet hours held it first.
  void settled(outcome o, bool held) const;
  /// Counts the entries and cancels of a chunk of events.
  void news(std::size_t entered, std::size_t cancelled) const;
  void pending(std::size_t n) const;
};

class campaign_metrics {
public:
  /// `clock`: seconds of a monotonic clock (null: steady_clock's).
  explicit campaign_metrics(prometheus::Registry& registry, std::size_t keep_finished = 100,
                            std::chrono::seconds retention = std::chrono::minutes{15},
                            std::function<int64_t()> clock = nullptr);
  /// The campaign's series (made on first use); `triggered`: with its journeys.
  std::shared_ptr<campaign_series> series(const std::string& campaign, bool triggered = false);
  /// Sets troupe_campaign_state{campaign} to `s`; a final state makes the
  /// campaign one of the finished whose series are kept for a while.
  void set_state(const std::string& campaign, campaign_state s);
  /// Removes the series of the campaigns finished longer than `retention` ago.
  void sweep();
  const std::shared_ptr<stage_metrics>& stages() const { return stages_; }

private:
  void forget_finished();                  ///< with mutex_ held
  void remove_series(const std::string& campaign); ///< with mutex_ held

  prometheus::Registry& registry_;
  std::size_t keep_finished_;
  std::chrono::seconds retention_;
  std::function<int64_t()> clock_;
  std::shared_ptr<stage_metrics> stages_;
  prometheus::Family<prometheus::Counter>* customers_;
  prometheus::Family<prometheus::Gauge>* state_;
  prometheus::Family<prometheus::Counter>* journeys_;
  prometheus::Family<prometheus::Gauge>* pending_;
  std::mutex mutex_;
  std::map<std::string, std::shared_ptr<campaign_series>> series_;
  struct finished {
    std::string campaign;
    int64_t at = 0; ///< clock_() when it finished
  };
  std::deque<finished> finished_; ///< oldest first, each once
};

} // namespace troupe::campaign
