#include "customers/registry_detail.hpp"

#include "actors/actor_error.hpp"
#include "storage/profile_records.hpp"

namespace troupe::customers::detail {

bool gathering::settle(std::size_t i, customer_step step) {
  if (settled[i])
    return false;
  settled[i] = true;
  steps[i] = std::move(step);
  if (--left > 0)
    return false;
  rp.deliver(std::move(steps));
  return true;
}

namespace {

/// The shard generation the actor's profile stands for (0 on a node that
/// owns every shard for good).
uint64_t generation(registry_pointer self) {
  return self->state.ownership ? self->state.ownership->gained() : 0;
}

customer_step failed_step(const std::string& id, std::string why) {
  customer_step step;
  step.customer_id = id;
  step.error = std::move(why);
  return step;
}

} // namespace

void forget_profile(registry_pointer self, const std::string& id) {
  auto it = self->state.entries.find(id);
  if (it != self->state.entries.end())
    it->second.profile_at.reset();
}

caf::result<std::vector<customer_step>> step_events(registry_pointer self,
                                                    event_batch& batch) {
  auto& st = self->state;
  auto g = std::make_shared<gathering>();
  g->rp = self->make_response_promise<std::vector<customer_step>>();
  g->steps.resize(batch.customers.size());
  g->settled.resize(batch.customers.size());
  g->left = batch.customers.size();
  if (g->left == 0) {
    g->rp.deliver(std::vector<customer_step>{});
    return g->rp;
  }
  auto n = st.next_batch++;
  st.gathering_steps.emplace(n, g);
  auto settle = [self, g, n](std::size_t i, customer_step step) {
    if (g->settle(i, std::move(step)))
      self->state.gathering_steps.erase(n);
  };
  auto book = batch.book;
  for (std::size_t i = 0; i < batch.customers.size(); ++i) {
    auto ce = std::make_shared<customer_events>(std::move(batch.customers[i]));
    if (st.metrics)
      st.metrics->events->Increment(static_cast<double>(ce->events.size()));
    auto id = ce->customer_id;
    g->steps[i].customer_id = id; // named, should its actor never answer
    // Read when the message reaches the actor (it may wait for a slot or a
    // passivation): what the store holds then is what the actor lacks.
    route(self, id,
          [self, settle, i, ce, book, id](const caf::actor& target,
                                          const std::string& why) mutable {
            auto& st = self->state;
            if (!target) {
              settle(i, failed_step(id, why));
              return;
            }
            auto reads = read_journeys(*st.db, book, *ce);
            if (!reads) {
              settle(i, failed_step(id, "cannot read the customer's journeys: " +
                                            reads.err().message()));
              return;
            }
            auto& e = st.entries[id];
            std::optional<v1::Profile> fresh;
            auto now = generation(self);
            if (!e.profile_at || *e.profile_at != now) {
              auto stored = storage::read_profile(*st.db, id);
              if (!stored) {
                settle(i, failed_step(id, "cannot read the customer's profile: " +
                                              stored.err().message()));
                return;
              }
              fresh = stored->value_or(v1::Profile{});
              e.profile_at = now;
            }
            self->request(target, caf::infinite, event_atom::value, std::move(*ce), book,
                          std::move(*reads), std::move(fresh))
                .then([settle,
                       i](customer_step& step) mutable { settle(i, std::move(step)); },
                      [self, settle, i, id](caf::error& err) mutable {
                        forget_profile(self, id);
                        settle(i, failed_step(id, "the customer's actor did not step: " +
                                                      actors::describe(err)));
                      });
          });
  }
  // One deadline for the batch, not a timeout per request; armed once its
  // reads are done (they are this handler's own work, not the actors').
  if (st.gathering_steps.count(n) > 0)
    self->delayed_send(self, event_step_timeout, steps_due_atom::value, n);
  return g->rp;
}

void steps_due(registry_pointer self, uint64_t n) {
  auto it = self->state.gathering_steps.find(n);
  if (it == self->state.gathering_steps.end())
    return; // all in
  auto g = it->second;
  self->state.gathering_steps.erase(it);
  for (std::size_t i = 0; i < g->settled.size(); ++i)
    if (!g->settled[i]) {
      // Its actor's answer, if it ever comes, is dropped.
      forget_profile(self, g->steps[i].customer_id);
      g->settle(i, failed_step(g->steps[i].customer_id,
                               "the customer's actor did not answer within " +
                                   std::to_string(event_step_timeout.count()) + " s"));
    }
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
