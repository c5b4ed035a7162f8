#pragma once
/// The last minutes of a node's throughput and latency, for the status
/// page's plots (`/api/v1/history`): a sample every `interval` from the
/// node's own metrics registry, the newest `capacity` kept (5 minutes at 2 s
/// a sample by default). Each sample holds rates over its interval:
///
///   customers_per_s   customers campaigns settled (troupe_campaign_customers_total)
///   delivered_per_s   of which delivered
///   events_per_s      events accepted over HTTP (troupe_http_events_total)
///   generate_ms, deliver_ms   mean time per customer of those stages
///                     (troupe_stage_seconds), null without one in the interval
///
/// A thread of its own samples; thread-safe; stops with `stop` or its end.

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <prometheus/registry.h>

namespace troupe::runtime {

struct history_sample {
  int64_t at_ms = 0; ///< Unix ms at the end of its interval
  double customers_per_s = 0;
  double delivered_per_s = 0;
  double events_per_s = 0;
  std::optional<double> generate_ms;
  std::optional<double> deliver_ms;
};

/// The totals a sample is the difference of.
struct history_totals {
  double customers = 0;
  double delivered = 0;
  double events = 0;
  std::map<std::string, std::pair<double, double>> stage_seconds; ///< stage -> (sum, count)
};

/// Reads the totals from `registry`'s families.
history_totals read_totals(prometheus::Registry& registry);
/// The sample of the interval from `before` to `after`, `seconds` long.
history_sample sample_of(const history_totals& before, const history_totals& after,
                         double seconds, int64_t at_ms);

class metrics_history {
public:
  metrics_history(std::shared_ptr<prometheus::Registry> registry,
                  std::chrono::milliseconds interval = std::chrono::seconds{2},
                  std::size_t capacity = 150);
  ~metrics_history();
  metrics_history(const metrics_history&) = delete;
  metrics_history& operator=(const metrics_history&) = delete;

  /// Oldest first.
  std::vector<history_sample> samples() const;
  std::chrono::milliseconds interval() const { return interval_; }
  void stop();

private:
  void run();

  std::shared_ptr<prometheus::Registry> registry_;
  std::chrono::milliseconds interval_;
  std::size_t capacity_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::deque<history_sample> samples_;
  std::thread thread_;
};

} // namespace troupe::runtime
