#pragma once
/// Registering a prometheus-cpp metric in one line: each component's metrics
/// struct calls these from its constructor with the registry it was given
/// (no global registry). A family already in the registry under the same
/// name, help and labels is returned, not registered twice (prometheus-cpp's
/// default merge behaviour). Any thread: prometheus-cpp's registry and
/// families are thread-safe.
///
/// Header-only; unlike the rest of common/ it needs prometheus-cpp, so only a
/// library that links prometheus-cpp::core includes it.

#include <string>

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

namespace troupe::metrics {

namespace detail {

/// `builder` (prometheus::BuildCounter() etc.) named, described, registered.
template <class Builder>
auto& registered(Builder builder, prometheus::Registry& registry, const std::string& name,
                 const std::string& help) {
  return builder.Name(name).Help(help).Register(registry);
}

} // namespace detail

/// The counter family `name`, for series added by label later.
inline prometheus::Family<prometheus::Counter>&
counter_family(prometheus::Registry& registry, const std::string& name,
               const std::string& help) {
  return detail::registered(prometheus::BuildCounter(), registry, name, help);
}

/// The gauge family `name`, for series added by label later.
inline prometheus::Family<prometheus::Gauge>&
gauge_family(prometheus::Registry& registry, const std::string& name,
             const std::string& help) {
  return detail::registered(prometheus::BuildGauge(), registry, name, help);
}

/// The histogram family `name`, for series added by label (with buckets) later.
inline prometheus::Family<prometheus::Histogram>&
histogram_family(prometheus::Registry& registry, const std::string& name,
                 const std::string& help) {
  return detail::registered(prometheus::BuildHistogram(), registry, name, help);
}

/// One counter series of the family `name`, with `labels` (none by default).
inline prometheus::Counter* counter(prometheus::Registry& registry,
                                    const std::string& name, const std::string& help,
                                    const prometheus::Labels& labels = {}) {
  return &counter_family(registry, name, help).Add(labels);
}

/// One gauge series of the family `name`, with `labels` (none by default).
inline prometheus::Gauge* gauge(prometheus::Registry& registry, const std::string& name,
                                const std::string& help,
                                const prometheus::Labels& labels = {}) {
  return &gauge_family(registry, name, help).Add(labels);
}

/// One histogram series of the family `name` over `buckets` (upper bounds),
/// with `labels` (none by default).
inline prometheus::Histogram*
histogram(prometheus::Registry& registry, const std::string& name,
          const std::string& help, const prometheus::Histogram::BucketBoundaries& buckets,
          const prometheus::Labels& labels = {}) {
  return &histogram_family(registry, name, help).Add(labels, buckets);
}

} // namespace troupe::metrics
