#include "customers/registry.hpp"

#include "customers/customer_actor.hpp"

#include <deque>
#include <list>
#include <unordered_map>
#include <vector>

#include "actors/actor_error.hpp"
#include "common/log.hpp"
#include "storage/customer_records.hpp"
#include "storage/profile_records.hpp"


namespace troupe::customers {

namespace {

using sweep_tick_atom = caf::atom_constant<caf::atom("sweep_tick")>;

// -- the registry --------------------------------------------------------------

/// Delivers one held message to the customer's actor, or, with a null
/// actor, answers its sender with `why`.
using forward_fn = std::function<void(const caf::actor&, const std::string& why)>;

struct entry {
  caf::actor actor;                    ///< null until activated
  bool passivating = false;
  bool waiting_for_slot = false;
  std::list<std::string>::iterator lru_pos;
  actors::clock::time_point last_used;
  std::vector<forward_fn> pending;     ///< messages held until the actor is live
  std::optional<passivated_state> kept; ///< state to reactivate with (no reload)
};

struct registry_state {
  registry_options opts;
  std::shared_ptr<storage::store> db;
  std::shared_ptr<const actors::clock> time;
  std::shared_ptr<customer_metrics> metrics;
  std::shared_ptr<storage::shard_writer> writer;
  bool audit = true;
  std::shared_ptr<sharding::shard_ownership> ownership;
  std::unordered_map<std::string, entry> entries;
  std::unordered_map<caf::actor_addr, std::string> by_addr;
  std::list<std::string> lru;          ///< live, not passivating; front = most recent
  std::deque<std::string> waiting;     ///< ids that wait for a free slot
  std::size_t live = 0;
  std::size_t passivating = 0;
  registry_stats stats;
  static inline const char* name = "troupe.customer_registry";
};

using registry_pointer = caf::stateful_actor<registry_state>*;

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

/// Sends a message to the actor of `id` through `fwd`, activating it first
/// if needed; holds it while the actor is passivating or capped.
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

template <class... Ts>
forward_fn forwarder(caf::response_promise rp, std::string id, Ts... xs) {
  return [rp, id, xs...](const caf::actor& target, const std::string& why) mutable {
    if (!target)
      rp.deliver(actors::make_caf_error(actors::actors_errc::provider_failed, why));
    else
      rp.delegate(target, xs...);
  };
}

/// Deletes what the store holds of customer `id`, with its audit record;
/// `held_live`: its actor held the customer (maybe never saved yet).
result<storage::erased_records> erase_stored(registry_pointer self, const std::string& id,
                                             bool held_live) {
  auto& st = self->state;
  storage::shard_write part;
  part.shard = st.db->shard_of(id);
  auto erased = storage::erase_customer_records(*st.db, id, part.batch);
  if (!erased)
    return erased.err();
  erased->customer = erased->customer || held_live;
  if (erased->total() == 0)
    return *erased; // nothing held here: nothing to write or audit
  if (st.audit) {
    v1::AuditRecord r;
    r.set_kind("customer_erased");
    r.set_actor("customers");
    r.set_customer_id(id);
    r.set_ts_ms(std::chrono::duration_cast<std::chrono::milliseconds>(
                  std::chrono::system_clock::now().time_since_epoch())
                  .count());
    part.audit.push_back(std::move(r));
  }
  if (auto written = st.writer->write_one(part); !written)
    return written.err();
  return *erased;
}

/// Handles `(erase_atom, id)`: see the header.
caf::result<storage::erased_records> erase_customer(registry_pointer self,
                                                   const std::string& id) {
  auto& st = self->state;
  auto shard = st.db->shard_of(id);
  auto ownership = st.ownership;
  // A sealed shard is being handed off (and stays sealed here until this
  // node's copy is deleted), owned or not: refused, the records streamed
  // away would bring the customer back. An owned shard is entered like a
  // campaign runner enters it, so a handoff waits until the erasure is
  // written; the guard leaves it on every path, the registry's exit too.
  std::shared_ptr<void> inside;
  auto moving = [&] {
    return actors::make_caf_error(actors::actors_errc::shard_moving,
                          "customer '" + id + "' is in shard " + std::to_string(shard)
                            + ", which is being handed off; try again");
  };
  if (ownership && ownership->sealed(shard))
    return moving();
  // A shard this node is not the primary of: its primary erases it, and the
  // erasure reaches this node's copy (a replica's) as one of its batches.
  if (ownership && !ownership->owns(shard))
    return storage::erased_records{};
  if (ownership && ownership->owns(shard)) {
    if (!ownership->enter(shard))
      return moving();
    inside.reset(static_cast<void*>(ownership.get()),
                 [ownership, shard](void*) { ownership->leave(shard); });
  }
  auto rp = self->make_response_promise<storage::erased_records>();
  auto finish = [self, rp, id, inside](bool held_live) mutable {
    auto erased = erase_stored(self, id, held_live);
    inside.reset(); // the shard is left when the last copy of `finish` lets go
    if (!erased) {
      auto& e = erased.err();
      rp.deliver(actors::to_caf_error(e, "cannot erase customer " + id + ": "));
      return;
    }
    log::info("customers", "erased customer ", id, ": ", erased->total(), " records");
    rp.deliver(*erased);
  };
  if (st.entries.count(id) == 0) { // no actor holds it: the store is all there is
    finish(false);
    return rp;
  }
  // Its actor first forgets it (it must not save it back when it goes),
  // then the store's records go.
  route(self, id, [self, finish](const caf::actor& target, const std::string&) mutable {
    if (!target) {
      finish(false);
      return;
    }
    self->request(target, caf::infinite, actors::erase_atom::value)
      .then([finish](bool held) mutable { finish(held); },
            [finish](caf::error&) mutable { finish(false); });
  });
  return rp;
}

/// Handles `(export_atom, id)`: the store's records, with the customer as
/// its live actor holds it if it has one.
caf::result<storage::holdings_bytes> export_customer(registry_pointer self,
                                                    const std::string& id) {
  auto& st = self->state;
  auto held = storage::read_customer_records(*st.db, id);
  if (!held)
    return actors::to_caf_error(held.err(), "cannot read customer " + id + ": ");
  auto rp = self->make_response_promise<storage::holdings_bytes>();
  if (st.entries.count(id) == 0) {
    rp.deliver(storage::to_bytes(id, *held));
    return rp;
  }
  auto h = std::make_shared<storage::customer_holdings>(std::move(*held));
  route(self, id, [self, rp, id, h](const caf::actor& target, const std::string& why) mutable {
    if (!target) {
      rp.deliver(actors::make_caf_error(actors::actors_errc::provider_failed, why));
      return;
    }
    self->request(target, caf::infinite, caf::get_atom::value)
      .then(
        [rp, id, h](customer_record& r) mutable {
          if (r.found)
            h->customer = std::move(r.data);
          else
            h->customer.reset();
          rp.deliver(storage::to_bytes(id, *h));
        },
        [rp](caf::error& err) mutable { rp.deliver(std::move(err)); });
  });
  return rp;
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
      if (st.entries.count(id) > 0) { // live, passivating, waiting or kept: its actor answers
        auto rp = self->make_response_promise<customer_record>();
        route(self, id, [self, rp, p = std::move(*profile)](const caf::actor& target,
                                                            const std::string& why) mutable {
          if (!target) {
            rp.deliver(actors::make_caf_error(actors::actors_errc::provider_failed, why));
            return;
          }
          self->request(target, std::chrono::seconds(5), caf::get_atom::value)
            .then(
              [rp, p](customer_record& r) mutable {
                r.profile = std::move(p);
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

customer_registry_actor spawn_customer_registry(caf::actor_system& sys,
                                                registry_options opts, registry_deps deps) {
  auto a = sys.spawn<caf::detached>(registry_impl, opts, std::move(deps));
  return caf::actor_cast<customer_registry_actor>(a);
}

} // namespace troupe::customers
