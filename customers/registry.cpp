#include "customers/registry.hpp"

#include "actors/actor_error.hpp"
#include "common/log.hpp"
#include "storage/customer_records.hpp"
#include "storage/profile_records.hpp"
#include "storage/trigger_records.hpp"
#include "customers/registry_detail.hpp"

namespace troupe::customers {

namespace detail {

namespace {

using sweep_tick_atom = caf::atom_constant<caf::atom("sweep_tick")>;

void set_live(registry_pointer self, std::size_t live) {
  self->state.live = live;
  self->state.stats.live = live;
  if (live > self->state.stats.peak_live)
    self->state.stats.peak_live = live;
  if (self->state.metrics)
    self->state.metrics->live->Set(static_cast<double>(live));
}

void make_room(registry_pointer self);
void fill_slots(registry_pointer self);

/// Loads (or takes the kept state) and spawns the actor for `id`, then
/// forwards what was waiting. Errors go to the waiting senders.
void activate(registry_pointer self, const std::string& id) {
  auto& st = self->state;
  auto& e = st.entries[id];
  passivated_state start;
  if (e.kept) {
    start = std::move(*e.kept);
    e.kept.reset();
  } else {
    auto loaded = storage::read_customer(*st.db, id);
    if (!loaded) {
      auto why = "cannot load customer " + id + ": " + loaded.err().message();
      log::error("customers", why);
      auto pending = std::move(e.pending);
      st.entries.erase(id);
      for (auto& fwd : pending)
        fwd(caf::actor{}, why);
      return;
    }
    start.record.found = loaded->has_value();
    if (start.record.found)
      start.record.data = std::move(**loaded);
    else
      start.record.data.set_id(id);
  }
  // Its profile is read again with its next events: one kept while it was
  // passivating may have missed a write.
  start.record.profile.reset();
  e.profile_at.reset();
  e.actor = self->spawn(customer_impl, std::move(start.record), start.dirty);
  self->monitor(e.actor);
  st.by_addr.emplace(e.actor.address(), id);
  st.lru.push_front(id);
  e.lru_pos = st.lru.begin();
  e.last_used = st.time->now();
  ++st.stats.activations;
  if (st.metrics)
    st.metrics->activations->Increment();
  set_live(self, st.live + 1);
  auto pending = std::move(e.pending);
  e.pending.clear();
  for (auto& fwd : pending)
    fwd(e.actor, {});
}

void passivate(registry_pointer self, std::string id);

/// Bookkeeping for an actor that is gone (passivated or died): it no longer
/// counts as live; messages held for it make it wait for a new slot.
void released(registry_pointer self, entry& e, const std::string& id) {
  auto& st = self->state;
  st.by_addr.erase(e.actor.address());
  if (e.passivating)
    --st.passivating;
  else
    st.lru.erase(e.lru_pos);
  e.actor = nullptr;
  e.passivating = false;
  set_live(self, st.live - 1);
  if (!e.pending.empty() && !e.waiting_for_slot) {
    e.waiting_for_slot = true;
    st.waiting.push_back(id);
  }
}

void passivated(registry_pointer self, const std::string& id, passivated_state& out) {
  auto& st = self->state;
  auto it = st.entries.find(id);
  if (it == st.entries.end() || !it->second.actor)
    return;
  auto& e = it->second;
  released(self, e, id);
  ++st.stats.passivations;
  if (st.metrics)
    st.metrics->passivations->Increment();
  bool unsaved = false;
  if (out.dirty) {
    // Inside the shard like a runner, so that a copy of it under way
    // (sealed) is not written past; a shard not served keeps it in memory.
    storage::shard_write part;
    part.shard = st.db->shard_of(id);
    storage::put_customer(*st.db, part.batch, out.record.data);
    auto entered = !st.ownership || st.ownership->enter(part.shard);
    auto saved = entered ? st.writer->write_one(part)
                         : status{make_error(storage::storage_errc::invalid,
                                             "shard " + std::to_string(part.shard)
                                               + " is not served here now")};
    if (entered && st.ownership)
      st.ownership->leave(part.shard);
    if (saved) {
      out.dirty = false;
    } else {
      // Keep the state in memory rather than lose it: reactivate with it;
      // the next passivation tries to save again.
      log::error("customers", "cannot save customer ", id, " (kept in memory): ",
                 saved.err().message());
      unsaved = true;
    }
  }
  if (e.pending.empty() && !unsaved) {
    st.entries.erase(it);
  } else {
    e.kept = std::move(out); // reactivate from memory, no reload
    if (!e.waiting_for_slot) {
      e.waiting_for_slot = true;
      st.waiting.push_back(id);
    }
  }
  fill_slots(self);
}

/// The actor of `id` died without handing back its state: what it held
/// since its last save is gone; it reloads from the store when needed.
void died(registry_pointer self, const std::string& id, const caf::error& reason) {
  auto& st = self->state;
  auto it = st.entries.find(id);
  if (it == st.entries.end() || !it->second.actor)
    return;
  log::warn("customers", "customer actor ", id, " failed: ", actors::describe(reason),
            "; it reloads from the store on its next message");
  released(self, it->second, id);
  it->second.profile_at.reset();
  if (it->second.pending.empty())
    st.entries.erase(it);
  fill_slots(self);
}

void passivate(registry_pointer self, std::string id) { // by value: callers pass list elements
  auto& st = self->state;
  auto& e = st.entries[id];
  if (!e.actor || e.passivating)
    return;
  e.passivating = true;
  st.lru.erase(e.lru_pos);
  ++st.passivating;
  self->request(e.actor, caf::infinite, passivate_atom::value)
    .then([self, id](passivated_state& out) { passivated(self, id, out); },
          [self, id](caf::error& err) { died(self, id, err); });
}

/// Activates waiting ids while there are free slots.
void fill_slots(registry_pointer self) {
  auto& st = self->state;
  while (!st.waiting.empty() && st.live < st.opts.max_live) {
    auto id = std::move(st.waiting.front());
    st.waiting.pop_front();
    auto it = st.entries.find(id);
    if (it == st.entries.end() || it->second.actor)
      continue;
    it->second.waiting_for_slot = false;
    activate(self, id);
  }
  make_room(self);
}

/// Starts passivating least recently used actors for the ids that wait.
void make_room(registry_pointer self) {
  auto& st = self->state;
  while (st.passivating < st.waiting.size() && !st.lru.empty()
         && st.live >= st.opts.max_live)
    passivate(self, st.lru.back());
}

} // namespace

void route(registry_pointer self, const std::string& id, forward_fn fwd) {
  auto& st = self->state;
  auto& e = st.entries[id];
  if (e.actor && !e.passivating) {
    st.lru.splice(st.lru.begin(), st.lru, e.lru_pos);
    e.last_used = st.time->now();
    fwd(e.actor, {});
    return;
  }
  e.pending.push_back(std::move(fwd));
  if (e.actor || e.waiting_for_slot)
    return; // passivating, or already waiting: the message waits with it
  if (st.live < st.opts.max_live && st.waiting.empty()) {
    activate(self, id);
    return;
  }
  e.waiting_for_slot = true;
  st.waiting.push_back(id);
  make_room(self);
}

namespace {

uint64_t sweep(registry_pointer self) {
  auto& st = self->state;
  auto now = st.time->now();
  uint64_t started = 0;
  // The LRU list's tail is the least recently used: stop at the first
  // actor that is still fresh.
  while (!st.lru.empty()) {
    auto id = st.lru.back();
    if (now - st.entries[id].last_used < st.opts.idle_timeout)
      break;
    passivate(self, id);
    ++started;
  }
  return started;
}

caf::behavior registry_impl(registry_pointer self, registry_options opts, registry_deps deps) {
  auto& st = self->state;
  st.opts = opts;
  st.db = std::move(deps.db);
  st.time = std::move(deps.time);
  st.metrics = std::move(deps.metrics);
  st.writer = std::move(deps.writer);
  st.audit = deps.audit;
  st.ownership = std::move(deps.ownership);
  if (st.opts.max_live == 0)
    st.opts.max_live = 1;
  self->set_down_handler([self](caf::down_msg& dm) {
    auto& st = self->state;
    auto it = st.by_addr.find(dm.source);
    if (it == st.by_addr.end())
      return;
    auto id = it->second;
    auto& e = st.entries[id];
    // A passivating actor is settled by the answer (or error) of its
    // passivation request, which holds its state.
    if (!e.passivating)
      died(self, id, dm.reason);
  });
  if (st.opts.sweep_interval.count() > 0)
    self->delayed_send(self, st.opts.sweep_interval, sweep_tick_atom::value);
  return {
    [self](caf::get_atom, const std::string& id) {
      route(self, id, forwarder(self->make_response_promise(), id, caf::get_atom::value));
    },
    [self](actors::peek_atom, const std::string& id) -> caf::result<customer_record> {
      auto& st = self->state;
      auto profile = storage::read_profile(*st.db, id);
      if (!profile)
        return actors::to_caf_error(profile.err(), "cannot read the profile of " + id + ": ");
      auto pending = storage::pending_sends_of_customer(*st.db, id);
      if (!pending)
        return actors::to_caf_error(pending.err(),
                                    "cannot read the pending sends of " + id + ": ");
      if (pending->size() > max_listed_pending)
        pending->resize(max_listed_pending);
      if (st.entries.count(id) > 0) { // live, passivating, waiting or kept: its actor answers
        auto rp = self->make_response_promise<customer_record>();
        route(self, id, [self, rp, p = std::move(*profile), q = std::move(*pending)](
                          const caf::actor& target, const std::string& why) mutable {
          if (!target) {
            rp.deliver(actors::make_caf_error(actors::actors_errc::provider_failed, why));
            return;
          }
          self->request(target, std::chrono::seconds(5), caf::get_atom::value)
            .then(
              [rp, p, q](customer_record& r) mutable {
                r.profile = std::move(p);
                r.pending = std::move(q);
                rp.deliver(std::move(r));
              },
              [rp](caf::error& err) mutable { rp.deliver(std::move(err)); });
        });
        return rp;
      }
      // Nobody holds this customer: its record in the store is the truth, and a
      // read needs no actor (a lookup does not fill the cap with one-off actors).
      auto loaded = storage::read_customer(*st.db, id);
      if (!loaded)
        return actors::to_caf_error(loaded.err(), "cannot load customer " + id + ": ");
      customer_record r;
      r.found = loaded->has_value();
      r.profile = std::move(*profile);
      r.pending = std::move(*pending);
      if (r.found)
        r.data = std::move(**loaded);
      else
        r.data.set_id(id);
      return r;
    },
    [self](caf::put_atom, const std::string& id, const std::string& key,
           const std::string& value) {
      route(self, id,
            forwarder(self->make_response_promise(), id, caf::put_atom::value, key, value));
    },
    [self](actors::export_atom, const std::string& id) { return export_customer(self, id); },
    [self](actors::erase_atom, const std::string& id) { return erase_customer(self, id); },
    [self](event_atom, event_batch& batch) { return step_events(self, batch); },
    [self](steps_due_atom, uint64_t n) { steps_due(self, n); },
    [self](profile_atom, std::vector<v1::Profile>& written) { install_profiles(self, written); },
    [self](actors::sweep_atom) -> uint64_t { return sweep(self); },
    [self](sweep_tick_atom) {
      sweep(self);
      self->delayed_send(self, self->state.opts.sweep_interval, sweep_tick_atom::value);
    },
    [self](actors::stats_atom) {
      auto s = self->state.stats;
      s.waiting = 0;
      for (auto& [id, e] : self->state.entries)
        s.waiting += e.pending.size();
      return s;
    },
    [self](actors::info_atom) -> uint64_t { return self->mailbox().size(); },
  };
}

} // namespace

} // namespace detail

customer_registry_actor spawn_customer_registry(caf::actor_system& sys,
                                                registry_options opts, registry_deps deps) {
  auto a = sys.spawn<caf::detached>(detail::registry_impl, opts, std::move(deps));
  return caf::actor_cast<customer_registry_actor>(a);
}

} // namespace troupe::customers
