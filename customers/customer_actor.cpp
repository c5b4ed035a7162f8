#include "customers/customer_actor.hpp"

#include "common/metrics.hpp"

namespace troupe::customers {

customer_metrics::customer_metrics(prometheus::Registry& registry)
  : live(metrics::gauge(registry, "troupe_customer_actors_live",
                        "Customer actors alive on this node")),
    activations(metrics::counter(registry, "troupe_customer_activations_total",
                                 "Customer actors activated")),
    passivations(metrics::counter(registry, "troupe_customer_passivations_total",
                                  "Customer actors passivated")),
    events(metrics::counter(registry, "troupe_customer_events_total",
                            "Events handed to customer actors to count and offer")) {}

caf::behavior customer_impl(caf::stateful_actor<customer_state>* self, customer_record record,
                            bool dirty) {
  self->state.record = std::move(record);
  self->state.dirty = dirty;
  return {
    [self](caf::get_atom) { return self->state.record; },
    [self](caf::put_atom, const std::string& key, const std::string& value) {
      auto& st = self->state;
      (*st.record.data.mutable_attributes())[key].set_text(value);
      st.record.found = true;
      st.dirty = true;
      return st.record;
    },
    [self](event_atom, const customer_events& ce, const campaign::trigger_book::snapshot& book,
           journey_reads& reads, std::optional<v1::Profile>& fresh) {
      auto& st = self->state;
      if (fresh)
        st.record.profile = std::move(*fresh);
      auto profile = st.record.profile.value_or(v1::Profile{});
      return step_customer(st.record.found ? &st.record.data : nullptr, std::move(profile),
                           from_reads(std::make_shared<const journey_reads>(std::move(reads))),
                           book, ce);
    },
    [self](profile_atom, std::optional<v1::Profile>& written) {
      if (written)
        self->state.record.profile = std::move(*written);
    },
    [self](passivate_atom) {
      passivated_state out{std::move(self->state.record), self->state.dirty};
      self->quit();
      return out;
    },
    [self](actors::erase_atom) {
      // Forget the customer: nothing of it is saved when this actor goes.
      auto& st = self->state;
      bool held = st.record.found;
      auto id = st.record.data.id();
      st.record = customer_record{}; // its profile too: events after this count afresh
      st.record.data.set_id(id);
      st.dirty = false;
      return held;
    },
  };
}

} // namespace troupe::customers
