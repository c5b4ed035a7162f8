#include "campaign/trigger_runner.hpp"

#include <chrono>
#include <limits>
#include <map>
#include <set>

#include "actors/actor_error.hpp"
#include "actors/atoms.hpp"
#include "campaign/contact_counts.hpp"
#include "campaign/content_snapshot.hpp"
#include "campaign/ledger.hpp"
#include "campaign/lifecycle.hpp"
#include "campaign/runner_store.hpp"
#include "campaign/stored_status.hpp"
#include "campaign/trigger_checkpoints.hpp"
#include "campaign/trigger_runner_state.hpp"
#include "campaign/runner_contacts.hpp"
#include "campaign/unsubscribes.hpp"
#include "common/log.hpp"
#include "common/thread_priority.hpp"
#include "contact_policy/holdout.hpp"
#include "storage/campaign_records.hpp"
#include "storage/corpus_versions.hpp"
#include "storage/customer_records.hpp"
#include "storage/outcome_records.hpp"
#include "storage/trigger_records.hpp"

namespace troupe::campaign {

namespace {

using fire_atom = caf::atom_constant<caf::atom("tfire")>;
using reload_atom = caf::atom_constant<caf::atom("treload")>;

constexpr std::size_t max_batch = 256;
/// A write refused (the shard moved, a replica lags): its sends wait this long.
constexpr int64_t retry_ms = 1000;
/// A send the cap may still allow (contacts on their way may fail) asks again this late.
constexpr int64_t cap_wait_ms = 200;

int64_t now_ms() { return wall_clock_ms(); }

using self_ptr = caf::stateful_actor<trigger_state>*;

void arm(self_ptr self) {
  auto& st = self->state;
  auto t = arm_trigger(st.ctx.state.spec(), st.depth);
  if (!t) {
    log::error("campaign", st.id, ": ", t.err().message());
    return;
  }
  t->runner = caf::actor_cast<caf::actor>(self);
  st.book->arm(std::move(*t));
}

/// Takes `p` into the waiting sends unless it is there already.
void enqueue(self_ptr self, const v1::PendingSend& p) {
  auto& st = self->state;
  if (st.known.insert(storage::timer_key(*st.ctx.db, p)).second)
    st.due.emplace(p.due_ms(), p);
}

/// Drops a cancelled send that waits here (one already in the pipeline
/// goes on; a cancel the runner is not told of is found by `fire`: the
/// store no longer has the send).
void forget(self_ptr self, const v1::PendingSend& p) {
  auto& st = self->state;
  auto key = storage::timer_key(*st.ctx.db, p);
  if (st.known.count(key) == 0)
    return;
  if (auto pending = storage::timer_pending(*st.ctx.db, p); !pending || *pending)
    return; // the cancel's write did not take: it stays, and `fire` checks again
  // A send quiet hours hold waits under its release time, not its due time.
  auto [begin, end] = st.held.count(key) > 0 ? std::pair{st.due.begin(), st.due.end()}
                                              : st.due.equal_range(p.due_ms());
  for (auto it = begin; it != end; ++it)
    if (storage::timer_key(*st.ctx.db, it->second) == key) {
      st.due.erase(it);
      st.known.erase(key);
      st.held.erase(key);
      return;
    }
}

/// The campaign's pending sends of `shard`, from the store.
void load_shard(self_ptr self, uint32_t shard) {
  auto& st = self->state;
  auto scanned = storage::scan_timers(*st.ctx.db, shard, st.id, [&](const v1::PendingSend& p) {
    enqueue(self, p);
    return true;
  });
  if (!scanned)
    log::error("campaign", st.id, ": cannot read the pending sends of shard ", shard, ": ",
               scanned.err().message());
}

void load_owned(self_ptr self) {
  auto& st = self->state;
  for (uint32_t shard = 0; shard < st.ctx.db->shard_count(); ++shard)
    if (!st.ctx.ownership || st.ctx.ownership->owns(shard))
      load_shard(self, shard);
}

/// Sets the timer for the earliest waiting send (now, if it is due).
void schedule(self_ptr self) {
  auto& st = self->state;
  if (st.series)
    st.series->pending(st.due.size() + st.in_flight);
  // A full window waits for a batch to finish (which fires again).
  if (st.due.empty() || st.lifecycle() != campaign_state::running
      || st.in_flight >= st.window)
    return;
  auto earliest = st.due.begin()->first;
  if (earliest >= st.armed_for)
    return;
  st.armed_for = earliest;
  auto wait = std::max<int64_t>(0, earliest - st.now());
  self->delayed_send(self, std::chrono::milliseconds{wait}, fire_atom::value,
                     ++st.fire_generation);
}

void leave_shard(trigger_state& st, uint32_t shard) {
  auto it = st.inside->find(shard);
  if (it == st.inside->end())
    return;
  if (st.ctx.ownership)
    st.ctx.ownership->leave(shard);
  if (--it->second == 0)
    st.inside->erase(it);
}

/// The waiting sends that are due, into the pipeline (at most the window).
void fire(self_ptr self) {
  auto& st = self->state;
  if (st.lifecycle() != campaign_state::running)
    return;
  auto now = st.now();
  work_batch batch;
  auto send_batch = [&] {
    if (batch.items.empty())
      return;
    st.in_flight += batch.items.size();
    self->send(st.pipeline, std::move(batch));
    batch = work_batch{};
  };
  while (!st.due.empty() && st.due.begin()->first <= now && st.in_flight + batch.items.size() < st.window) {
    auto p = st.due.begin()->second;
    st.due.erase(st.due.begin());
    auto key = storage::timer_key(*st.ctx.db, p);
    auto shard = st.ctx.db->shard_of(p.customer_id());
    if (st.ctx.ownership && !st.ctx.ownership->enter(shard)) {
      st.known.erase(key); // its shard's primary sends it (a shard gained is loaded again)
      st.held.erase(key);
      st.checkpoints->forget(shard); // read again if the shard comes back
      continue;
    }
    ++(*st.inside)[shard];
    auto leave = [&] {
      leave_shard(st, shard);
      st.known.erase(key);
    };
    auto pending = storage::timer_pending(*st.ctx.db, p);
    auto customer = storage::read_customer(*st.ctx.db, p.customer_id());
    if (!pending || !customer) {
      log::warn("campaign", st.id, ": cannot read a pending send of ", p.customer_id(),
                ", tried again in 1 s");
      leave();
      p.set_due_ms(now + retry_ms);
      enqueue(self, p);
      continue;
    }
    if (!*pending || !*customer) { // cancelled, or the customer erased
      leave();
      st.held.erase(key);
      continue;
    }
    auto sent = storage::has_delivery_of(*st.ctx.db, st.id, p.customer_id(), p.occurrence());
    if (sent && *sent) { // delivered, its pending send left behind: erase it now
      storage::write_batch erase;
      storage::erase_timer(*st.ctx.db, erase, p);
      std::vector<storage::shard_write> parts(1);
      parts[0].shard = shard;
      parts[0].batch = std::move(erase);
      st.ctx.writer->write(parts);
      leave();
      continue;
    }
    auto zone = zone_of(**customer);
    const auto& rules = st.ctx.opts.contacts;
    if (rules.quiet) { // the customer's quiet hours: held until they end
      auto release = rules.quiet->release_at(zone, now);
      if (release > now) {
        leave();
        st.held.insert(key);
        p.set_due_ms(release);
        enqueue(self, p);
        continue;
      }
    }
    // The frequency cap: today's contacts (stored, and on their way from
    // every campaign of this node) decide; a send allowed reserves one. A
    // customer the holdout holds out is sent nothing and counts nothing.
    runner_contacts::decision cap;
    if (!contact_policy::held_out(p.customer_id(), st.ctx.opts.retry.holdout_basis_points)) {
      auto asked = st.contacts->ask(p.customer_id(), zone, now);
      if (!asked) {
        log::warn("campaign", st.id, ": cannot read the contacts of ", p.customer_id(), ": ",
                  asked.err().message(), " (tried again in 1 s)");
        leave();
        p.set_due_ms(now + retry_ms);
        enqueue(self, p);
        continue;
      }
      cap = *asked;
    }
    if (cap.verdict == contact_policy::cap_decision::wait) {
      // Contacts on their way may take the last of the day, or fail.
      leave();
      p.set_due_ms(now + cap_wait_ms);
      enqueue(self, p);
      continue;
    }
    work_item w;
    w.held = st.held.erase(key) > 0;
    w.contact_at = cap.contact_at;
    if (cap.verdict == contact_policy::cap_decision::capped) { // recorded, neither sent nor failed
      w.result = outcome::capped;
      w.reason = "frequency_capped";
    }
    w.shard = shard;
    w.seq = st.next_seq++;
    w.customer = std::make_shared<const v1::Customer>(std::move(**customer));
    w.occurrence = p.occurrence();
    w.event_ms = p.event_ms();
    batch.items.push_back(std::move(w));
    if (batch.items.size() == max_batch)
      send_batch();
  }
  send_batch();
  st.armed_for = std::numeric_limits<int64_t>::max();
  schedule(self);
}

/// Counts in the shards' checkpoints the entries and cancels a chunk of
/// events made (a write of their own: a node killed between the events'
/// write and this one undercounts them; the sends themselves are exact).
void count_news(trigger_state& st, const trigger_news& news) {
  st.checkpoints->count(news, *st.records, *st.ctx.writer, st.ctx.ownership.get());
  if (st.series)
    st.series->news(news.made.size(), news.cancelled.size());
}

/// Writes what a batch came to: per shard its deliveries, dead letters and
/// audit records, the erased pending sends and the shard's counters.
void finished(self_ptr self, work_batch& b) {
  auto& st = self->state;
  auto now = st.now();
  std::map<uint32_t, v1::Checkpoint> before;
  std::vector<outcome> settled; ///< each item's, for the metrics once written
  for (auto& w : b.items) {
    auto& cp = st.checkpoints->of(w.shard);
    before.emplace(w.shard, cp);
    auto counted = settled.emplace_back(st.records->record(w, now));
    auto c = from_proto(cp.counters());
    c += campaign_counters::one(counted);
    if (auto arm = st.records->audience_arm(w, counted))
      c.count_arm(*arm);
    if (w.held)
      ++c.held;
    *cp.mutable_counters() = to_proto(c);
    v1::PendingSend p;
    p.set_campaign_id(st.id);
    p.set_customer_id(w.customer->id());
    p.set_occurrence(w.occurrence);
    storage::erase_timer(*st.ctx.db, st.records->batch_of(w.shard), p);
  }
  for (const auto& counted : before)
    st.records->checkpoint(counted.first, st.checkpoints->of(counted.first));
  // The contacts delivered, counted with their customers' pairs claimed;
  // their reservations go once the counts are written (or not).
  std::map<uint32_t, std::string> refused;
  if (auto counted = st.contacts->count(*st.records, b, refused); !counted)
    log::warn("campaign", st.id, ": ", counted.err().message());
  // Each shard's part is written whole or not at all, independently.
  std::vector<storage::shard_write> parts;
  for (auto& part : st.records->take())
    if (refused.count(part.shard) == 0)
      parts.push_back(std::move(part));
  auto statuses = parts.empty() ? std::vector<status>{} : st.ctx.writer->write(parts);
  for (std::size_t i = 0; i < parts.size(); ++i)
    if (!statuses[i])
      refused.emplace(parts[i].shard, statuses[i].err().message());
  st.contacts->settle(b);
  for (std::size_t i = 0; i < b.items.size(); ++i)
    if (st.series && refused.count(b.items[i].shard) == 0)
      st.series->settled(settled[i], b.items[i].held);
  for (auto& w : b.items) {
    v1::PendingSend p;
    p.set_campaign_id(st.id);
    p.set_customer_id(w.customer->id());
    p.set_occurrence(w.occurrence);
    st.known.erase(storage::timer_key(*st.ctx.db, p));
    leave_shard(st, w.shard);
    if (refused.count(w.shard) > 0) { // tried again once the store takes it
      if (w.held)
        st.held.insert(storage::timer_key(*st.ctx.db, p));
      p.set_event_ms(w.event_ms);
      p.set_due_ms(now + retry_ms);
      enqueue(self, p);
    }
  }
  for (auto& [shard, why] : refused) {
    log::warn("campaign", st.id, ": cannot record the sends of shard ", shard, ": ", why,
              " (tried again in 1 s)");
    st.checkpoints->restore(shard, before.at(shard));
  }
  st.in_flight -= std::min(st.in_flight, b.items.size());
  fire(self);
}

campaign_status status_now(trigger_state& st) {
  auto counted = stored_counters(*st.ctx.db, st.id, owned_shards(st.ctx.ownership));
  auto s = status_of(st.ctx.state, counted ? *counted : campaign_counters{}, now_ms());
  s.pending = st.due.size() + st.in_flight;
  return s;
}

bool init(self_ptr self, runner_context ctx, std::shared_ptr<trigger_book> book, int depth) {
  auto& st = self->state;
  st.ctx = std::move(ctx);
  st.id = st.ctx.state.spec().id();
  st.book = std::move(book);
  st.depth = depth;
  st.window = std::max<uint32_t>(1, st.ctx.state.spec().window());
  if (st.ctx.metrics)
    st.series = st.ctx.metrics->series(st.id, true);
  st.channel = st.ctx.state.spec().channel().empty() ? "store" : st.ctx.state.spec().channel();
  st.contacts = std::make_unique<runner_contacts>(st.ctx.db, st.ctx.opts.contacts, st.channel);
  st.checkpoints = std::make_unique<trigger_checkpoints>(st.ctx.db, st.id);
  st.records = std::make_unique<ledger>(st.ctx.db, st.ctx.writer, st.ctx.audit, st.id,
                                        st.ctx.state.spec().channel(), st.ctx.state.spec().arms());
  if (auto niced = set_thread_nice(st.ctx.opts.retry.thread_nice); !niced)
    log::warn("campaign", st.id, ": trigger runner thread: ", niced.err().message());
  bool starting = st.lifecycle() == campaign_state::created;
  if (starting) {
    auto version = storage::current_corpus_version(*st.ctx.db);
    if (!version) {
      log::error("campaign", st.id, ": cannot read the corpus version: ",
                 version.err().message());
      return false;
    }
    st.ctx.state.set_corpus_version(*version);
  }
  auto inputs = load_pipeline_inputs(*st.ctx.db, st.ctx.state.spec(),
                                     st.ctx.state.corpus_version(), st.ctx.node_blocklist);
  if (!inputs) {
    log::error("campaign", st.id, ": cannot read the corpus: ", inputs.err().message());
    return false;
  }
  // The segment was evaluated with the customer's profile when it entered.
  auto spec = st.ctx.state.spec();
  spec.clear_segment();
  auto policy = st.ctx.opts.retry;
  policy.unsubscribed = unsubscribed_check(st.ctx.db);
  st.pipeline = spawn_pipeline(self, std::move(*inputs), spec, st.ctx.providers, policy,
                               st.ctx.metrics ? st.ctx.metrics->stages() : nullptr);
  auto moved = starting ? detail::transition(st.ctx, campaign_command::start,
                                             [](v1::CampaignState& c) {
                                               c.set_started_at_ms(now_ms());
                                             })
                        : detail::persist(st.ctx, st.ctx.state);
  if (!moved) {
    log::error("campaign", st.id, ": ", moved.err().message());
    return false;
  }
  if (st.lifecycle() == campaign_state::running)
    arm(self);
  auto book_ref = st.book;
  auto id = st.id;
  auto me = self->address();
  auto inside = st.inside;
  auto ownership = st.ctx.ownership;
  self->attach_functor([book_ref, id, me, inside, ownership] {
    book_ref->disarm(id, me); // not a newer runner's arm
    if (ownership)
      for (auto& [shard, n] : *inside)
        for (uint64_t i = 0; i < n; ++i)
          ownership->leave(shard);
  });
  if (auto ownership = st.ctx.ownership) {
    auto sub = ownership->subscribe(caf::actor_cast<caf::actor_addr>(self),
                                    caf::make_message(reload_atom::value),
                                    sharding::ownership_event::gained
                                      | sharding::ownership_event::unsealed);
    self->attach_functor([ownership, sub] { ownership->unsubscribe(sub); });
  }
  load_owned(self);
  log::info("campaign", st.id, ": triggered campaign running, on event '",
            st.ctx.state.spec().trigger().event(), "', ", st.due.size(), " sends pending here");
  return true;
}

caf::behavior trigger_impl(self_ptr self, runner_context ctx, std::shared_ptr<trigger_book> book,
                           int depth) {
  if (!init(self, std::move(ctx), std::move(book), depth)) {
    self->quit(caf::exit_reason::user_shutdown);
    return {};
  }
  schedule(self);
  auto reply = [self]() { return status_now(self->state); };
  return {
    [self](trigger_news& news) {
      count_news(self->state, news);
      for (auto& p : news.made)
        enqueue(self, p);
      for (auto& p : news.cancelled)
        forget(self, p);
      schedule(self);
    },
    [self](fire_atom, uint64_t generation) {
      if (generation != self->state.fire_generation)
        return;
      self->state.armed_for = std::numeric_limits<int64_t>::max();
      fire(self);
    },
    [self](reload_atom) {
      self->state.checkpoints->clear(); // another primary may have counted meanwhile
      load_owned(self);
      schedule(self);
    },
    [self](finished_atom, work_batch& b) { finished(self, b); },
    [self, reply](actors::pause_atom) -> caf::result<campaign_status> {
      auto& st = self->state;
      if (auto s = detail::transition(st.ctx, campaign_command::pause); !s)
        return actors::to_caf_error(s.err());
      st.book->disarm(st.id, self->address());
      return reply();
    },
    [self, reply](actors::resume_atom) -> caf::result<campaign_status> {
      auto& st = self->state;
      if (auto s = detail::transition(st.ctx, campaign_command::resume); !s)
        return actors::to_caf_error(s.err());
      arm(self);
      st.armed_for = std::numeric_limits<int64_t>::max();
      fire(self);
      return reply();
    },
    [self, reply](actors::cancel_atom) -> caf::result<campaign_status> {
      auto& st = self->state;
      auto cancelled = detail::transition(st.ctx, campaign_command::cancel,
                                          [](v1::CampaignState& c) {
                                            c.set_finished_at_ms(now_ms());
                                          });
      if (!cancelled)
        return actors::to_caf_error(cancelled.err());
      st.book->disarm(st.id, self->address());
      auto out = reply();
      self->quit(caf::exit_reason::user_shutdown); // takes the linked stages along
      return out;
    },
    [reply](actors::status_atom) { return reply(); },
    // Making way for a replay of the dead letters (the manager asks): a
    // paused runner with nothing in its pipeline quits; else it says why not.
    [self](actors::replay_atom) -> caf::result<bool> {
      auto& st = self->state;
      if (st.ctx.state.state() != v1::CAMPAIGN_PAUSED)
        return actors::make_caf_error(actors::actors_errc::bad_request,
                                      "campaign " + st.id
                                        + " is running: pause it to replay its dead letters");
      if (st.in_flight > 0)
        return actors::make_caf_error(actors::actors_errc::bad_request,
                                      "campaign " + st.id + " still has "
                                        + std::to_string(st.in_flight)
                                        + " sends in its pipeline: replay once they are settled");
      self->quit(caf::exit_reason::user_shutdown); // takes the linked stages along
      return true;
    },
  };
}

} // namespace

caf::actor spawn_trigger_runner(caf::actor_system& sys, runner_context ctx,
                                std::shared_ptr<trigger_book> book, int max_predicate_depth) {
  return sys.spawn<caf::detached>(trigger_impl, std::move(ctx), std::move(book),
                                  max_predicate_depth);
}

} // namespace troupe::campaign
