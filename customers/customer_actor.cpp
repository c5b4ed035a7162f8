#include "customers/customer_actor.hpp"

#include "common/metrics.hpp"

namespace troupe::customers {

customer_metrics::customer_metrics(prometheus::Registry& registry)
  : live(metrics::gauge(registry, "troupe_customer_actors_live",
                        "Customer actors alive on this node")),
    activations(metrics::counter(registry, "troupe_customer_activations_total",
                                 "Customer actors activated")),
    passivations(metrics::counter(registry, "troupe_customer_passivations_total",
                                  "Customer actors passivated")) {}

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
      st.record = customer_record{};
      st.record.data.set_id(id);
      st.dirty = false;
      return held;
    },
  };
}

} // namespace troupe::customers
