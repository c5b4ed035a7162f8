#include "customers/registry_detail.hpp"

#include "actors/actor_error.hpp"
#include "storage/profile_records.hpp"

namespace troupe::customers::detail {

namespace {

/// The answers to one batch, gathered as the customers' actors step.
struct gathering {
  caf::response_promise rp;
  std::vector<customer_step> steps;
  std::size_t left = 0;

  void settle(std::size_t i, customer_step step) {
    steps[i] = std::move(step);
    if (--left == 0)
      rp.deliver(std::move(steps));
  }
  void fail(std::size_t i, const std::string& id, std::string why) {
    customer_step step;
    step.customer_id = id;
    step.error = std::move(why);
    settle(i, std::move(step));
  }
};

/// The shard generation the actor's profile stands for (0 on a node that
/// owns every shard for good).
uint64_t generation(registry_pointer self) {
  return self->state.ownership ? self->state.ownership->gained() : 0;
}

} // namespace

caf::result<std::vector<customer_step>> step_events(registry_pointer self,
                                                    event_batch& batch) {
  auto& st = self->state;
  auto g = std::make_shared<gathering>();
  g->rp = self->make_response_promise<std::vector<customer_step>>();
  g->steps.resize(batch.customers.size());
  g->left = batch.customers.size();
  if (g->left == 0) {
    g->rp.deliver(std::vector<customer_step>{});
    return g->rp;
  }
  auto book = batch.book;
  for (std::size_t i = 0; i < batch.customers.size(); ++i) {
    auto ce = std::make_shared<customer_events>(std::move(batch.customers[i]));
    if (st.metrics)
      st.metrics->events->Increment(static_cast<double>(ce->events.size()));
    auto id = ce->customer_id;
    // Read when the message reaches the actor (it may wait for a slot or a
    // passivation): what the store holds then is what the actor lacks.
    route(
        self, id,
        [self, g, i, ce, book](const caf::actor& target, const std::string& why) mutable {
          auto& st = self->state;
          if (!target) {
            g->fail(i, ce->customer_id, why);
            return;
          }
          auto reads = read_journeys(*st.db, book, *ce);
          if (!reads) {
            g->fail(i, ce->customer_id,
                    "cannot read the customer's journeys: " + reads.err().message());
            return;
          }
          auto& e = st.entries[ce->customer_id];
          std::optional<v1::Profile> fresh;
          auto now = generation(self);
          if (!e.profile_at || *e.profile_at != now) {
            auto stored = storage::read_profile(*st.db, ce->customer_id);
            if (!stored) {
              g->fail(i, ce->customer_id,
                      "cannot read the customer's profile: " + stored.err().message());
              return;
            }
            fresh = stored->value_or(v1::Profile{});
            e.profile_at = now;
          }
          self->request(target, event_step_timeout, event_atom::value, *ce, book,
                        std::move(*reads), std::move(fresh))
              .then([g, i](customer_step& step) { g->settle(i, std::move(step)); },
                    [self, g, i, ce](caf::error& err) {
                      // Its actor may or may not have taken the fresh profile: it
                      // is read again with the customer's next events.
                      auto it = self->state.entries.find(ce->customer_id);
                      if (it != self->state.entries.end())
                        it->second.profile_at.reset();
                      g->fail(i, ce->customer_id,
                              "the customer's actor did not step: " +
                                  actors::describe(err));
                    });
        });
  }
  return g->rp;
}

void install_profiles(registry_pointer self, std::vector<v1::Profile>& profiles) {
  auto& st = self->state;
  for (auto& p : profiles) {
    // Only a live actor that holds a profile needs the new one; any other
    // reads it from the store with its next events (see `activate`).
    auto it = st.entries.find(p.customer_id());
    if (it == st.entries.end() || !it->second.profile_at || !it->second.actor ||
        it->second.passivating)
      continue;
    caf::anon_send(it->second.actor, profile_atom::value,
                   std::optional<v1::Profile>{std::move(p)});
  }
}

} // namespace troupe::customers::detail
