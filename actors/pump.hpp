#pragma once
/// The pump: moves items from a source into a pipeline with backpressure. It
/// pulls items only while its window has credit, sends each to the sink (any
/// provider: Item -> Outcome) and takes the next one when an item finishes.
/// A slow or stuck sink fills the window and the pump stops reading. When the
/// source is exhausted and nothing is in flight, the pump quits normally;
/// whoever started it watches for that with a monitor.
///
///   pump_actor:
///     (progress_atom) -> pump_progress
///     (info_atom)     -> mailbox depth
///
/// Metrics: troupe_pipeline_inflight{pipeline}, troupe_mailbox_depth_max{actor}.

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <caf/all.hpp>
#include <prometheus/gauge.h>
#include <prometheus/registry.h>

#include "actors/atoms.hpp"
#include "actors/inflight_window.hpp"
#include "actors/mailbox_probe.hpp"
#include "actors/provider.hpp"

namespace troupe::actors {

struct pump_progress {
  uint64_t sent = 0;
  uint64_t finished = 0;
  uint64_t inflight = 0;
  uint64_t peak_inflight = 0;
  bool source_exhausted = false;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, pump_progress& x) {
  return f(caf::meta::type_name("troupe.pump_progress"), x.sent, x.finished, x.inflight,
           x.peak_inflight, x.source_exhausted);
}

using pump_actor = caf::typed_actor<caf::replies_to<progress_atom>::with<pump_progress>,
                                    caf::replies_to<info_atom>::with<uint64_t>>;

/// Metrics of one pipeline's pump.
struct pump_metrics {
  pump_metrics(prometheus::Registry& registry, const std::string& pipeline);
  prometheus::Gauge* inflight;
  mailbox_probe mailbox;
};

template <class Item, class Outcome>
struct pump_config {
  std::string name;
  std::size_t window = 256;
  /// Returns up to `max` next items; an empty vector means exhausted.
  std::function<std::vector<Item>(std::size_t max)> pull;
  provider_actor<Item, Outcome> sink;
  /// Told of every finished item, in the pump's context. `outcome` holds
  /// the sink's answer or its error.
  std::function<void(const Item&, const caf::expected<Outcome>& outcome)> on_finished;
  /// Per item; an item that takes longer finishes as failed (0: no limit).
  std::chrono::milliseconds item_timeout{0};
  std::shared_ptr<pump_metrics> metrics; ///< optional
};

namespace detail {

template <class Item, class Outcome>
struct pump_state {
  pump_config<Item, Outcome> cfg;
  std::unique_ptr<inflight_window> window;
  pump_progress progress;
  static inline const char* name = "troupe.pump";
};

template <class Item, class Outcome>
using pump_pointer = typename pump_actor::template stateful_pointer<pump_state<Item, Outcome>>;

template <class Item, class Outcome>
void pump_fill(pump_pointer<Item, Outcome> self);

template <class Item, class Outcome>
void pump_finished(pump_pointer<Item, Outcome> self, const Item& item,
                   const caf::expected<Outcome>& outcome) {
  auto& st = self->state;
  st.window->give_back();
  ++st.progress.finished;
  if (st.cfg.metrics) {
    st.cfg.metrics->inflight->Set(static_cast<double>(st.window->inflight()));
    st.cfg.metrics->mailbox.observe(self->mailbox().size());
  }
  if (st.cfg.on_finished)
    st.cfg.on_finished(item, outcome);
  pump_fill<Item, Outcome>(self);
}

template <class Item, class Outcome>
void pump_fill(pump_pointer<Item, Outcome> self) {
  auto& st = self->state;
  while (!st.progress.source_exhausted && st.window->has_credit()) {
    auto items = st.cfg.pull(st.window->credit());
    if (items.empty()) {
      st.progress.source_exhausted = true;
      break;
    }
    for (auto& item : items) {
      st.window->take();
      ++st.progress.sent;
      auto timeout = st.cfg.item_timeout.count() > 0
                       ? caf::duration{st.cfg.item_timeout}
                       : caf::duration{caf::infinite};
      self->request(st.cfg.sink, timeout, item)
        .then(
          [self, item](Outcome& outcome) {
            pump_finished<Item, Outcome>(self, item, caf::expected<Outcome>{std::move(outcome)});
          },
          [self, item](caf::error& err) {
            pump_finished<Item, Outcome>(self, item, caf::expected<Outcome>{std::move(err)});
          });
    }
  }
  st.progress.inflight = st.window->inflight();
  st.progress.peak_inflight = st.window->peak();
  if (st.cfg.metrics)
    st.cfg.metrics->inflight->Set(static_cast<double>(st.window->inflight()));
  if (st.progress.source_exhausted && st.window->inflight() == 0)
    self->quit();
}

template <class Item, class Outcome>
typename pump_actor::behavior_type pump_impl(pump_pointer<Item, Outcome> self,
                                             pump_config<Item, Outcome> cfg) {
  auto& st = self->state;
  st.cfg = std::move(cfg);
  st.window = std::make_unique<inflight_window>(st.cfg.window);
  // Start pulling once the behavior is installed.
  caf::anon_send(caf::actor_cast<caf::actor>(self), progress_atom::value);
  return {
    [self](progress_atom) {
      auto& st = self->state;
      if (st.progress.sent == 0 && !st.progress.source_exhausted)
        pump_fill<Item, Outcome>(self);
      st.progress.inflight = st.window->inflight();
      st.progress.peak_inflight = st.window->peak();
      return st.progress;
    },
    [self](info_atom) -> uint64_t { return self->mailbox().size(); },
  };
}

} // namespace detail

template <class Item, class Outcome>
pump_actor spawn_pump(caf::actor_system& sys, pump_config<Item, Outcome> cfg) {
  return sys.spawn(detail::pump_impl<Item, Outcome>, std::move(cfg));
}

} // namespace troupe::actors
