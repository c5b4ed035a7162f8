#include "runtime/metrics_history.hpp"

namespace troupe::runtime {

namespace {

std::string label(const prometheus::ClientMetric& m, const std::string& name) {
  for (const auto& l : m.label)
    if (l.name == name)
      return l.value;
  return {};
}

int64_t unix_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
           std::chrono::system_clock::now().time_since_epoch())
    .count();
}

/// The mean ms per customer of `stage` over the interval; nullopt without one.
std::optional<double> stage_ms(const history_totals& before, const history_totals& after,
                               const std::string& stage) {
  auto a = after.stage_seconds.find(stage);
  if (a == after.stage_seconds.end())
    return std::nullopt;
  auto b = before.stage_seconds.find(stage);
  double sum = a->second.first - (b == before.stage_seconds.end() ? 0 : b->second.first);
  double count = a->second.second - (b == before.stage_seconds.end() ? 0 : b->second.second);
  if (count <= 0)
    return std::nullopt;
  return sum / count * 1000.0;
}

} // namespace

history_totals read_totals(prometheus::Registry& registry) {
  history_totals t;
  for (const auto& family : registry.Collect()) {
    if (family.name == "troupe_campaign_customers_total") {
      for (const auto& m : family.metric) {
        t.customers += m.counter.value;
        if (label(m, "outcome") == "delivered")
          t.delivered += m.counter.value;
      }
    } else if (family.name == "troupe_http_events_total") {
      for (const auto& m : family.metric)
        if (label(m, "outcome") == "accepted")
          t.events += m.counter.value;
    } else if (family.name == "troupe_stage_seconds") {
      for (const auto& m : family.metric) {
        auto& s = t.stage_seconds[label(m, "stage")];
        s.first += m.histogram.sample_sum;
        s.second += static_cast<double>(m.histogram.sample_count);
      }
    }
  }
  return t;
}

history_sample sample_of(const history_totals& before, const history_totals& after,
                         double seconds, int64_t at_ms) {
  history_sample s;
  s.at_ms = at_ms;
  if (seconds <= 0)
    return s;
  // A campaign's series removed meanwhile makes a total smaller: no rate below 0.
  auto rate = [&](double b, double a) { return a > b ? (a - b) / seconds : 0.0; };
  s.customers_per_s = rate(before.customers, after.customers);
  s.delivered_per_s = rate(before.delivered, after.delivered);
  s.events_per_s = rate(before.events, after.events);
  s.generate_ms = stage_ms(before, after, "generate");
  s.deliver_ms = stage_ms(before, after, "deliver");
  return s;
}

metrics_history::metrics_history(std::shared_ptr<prometheus::Registry> registry,
                                 std::chrono::milliseconds interval, std::size_t capacity)
  : registry_(std::move(registry)), interval_(interval), capacity_(capacity),
    thread_([this] { run(); }) {}

metrics_history::~metrics_history() { stop(); }

void metrics_history::stop() {
  {
    std::lock_guard<std::mutex> guard{mutex_};
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable())
    thread_.join();
}

std::vector<history_sample> metrics_history::samples() const {
  std::lock_guard<std::mutex> guard{mutex_};
  return {samples_.begin(), samples_.end()};
}

void metrics_history::run() {
  auto before = read_totals(*registry_);
  auto last = std::chrono::steady_clock::now();
  std::unique_lock<std::mutex> lock{mutex_};
  while (!wake_.wait_for(lock, interval_, [this] { return stopping_; })) {
    lock.unlock();
    auto after = read_totals(*registry_);
    auto now = std::chrono::steady_clock::now();
    auto s = sample_of(before, after, std::chrono::duration<double>(now - last).count(),
                       unix_ms());
    before = std::move(after);
    last = now;
    lock.lock();
    samples_.push_back(s);
    if (samples_.size() > capacity_)
      samples_.pop_front();
  }
}

} // namespace troupe::runtime
