#include "trust/refusals.hpp"

#include "common/log.hpp"
#include "common/metrics.hpp"

namespace troupe::trust {

refusals::refusals(prometheus::Registry& registry)
  : family_(metrics::counter_family(registry, "troupe_refused_messages_total",
                                    "Messages and connections refused at the trust "
                                    "boundary, by reason")) {
}

prometheus::Counter& refusals::series(std::string_view reason) {
  auto i = by_reason_.find(reason);
  if (i == by_reason_.end())
    i = by_reason_.emplace(std::string{reason}, &family_.Add({{"reason", std::string{reason}}}))
          .first;
  return *i->second;
}

void refusals::refuse(std::string_view reason, const std::string& sender,
                      const std::string& address, std::string_view what) {
  bool first = false;
  {
    std::lock_guard<std::mutex> guard{mtx_};
    series(reason).Increment();
    if (logged_.size() < max_remembered)
      first = logged_.emplace(sender, std::string{reason}).second;
  }
  if (first)
    log::warn("trust", "refused ", what, " from ", sender.empty() ? "an unknown peer" : sender,
              " at ", address.empty() ? "an unknown address" : address, ": ", reason,
              " (further refusals of this sender for this reason are only counted)");
}

void refusals::tally(std::string_view reason) {
  std::lock_guard<std::mutex> guard{mtx_};
  series(reason).Increment();
}

uint64_t refusals::count(std::string_view reason) const {
  std::lock_guard<std::mutex> guard{mtx_};
  auto i = by_reason_.find(reason);
  return i == by_reason_.end() ? 0 : static_cast<uint64_t>(i->second->Value());
}

} // namespace troupe::trust
