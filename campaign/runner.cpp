#include "campaign/runner.hpp"

#include <algorithm>
#include <array>
#include <map>
#include <optional>

#include "actors/actor_error.hpp"
#include "actors/atoms.hpp"
#include "actors/inflight_window.hpp"
#include "actors/token_bucket.hpp"
#include "campaign/customer_reader.hpp"
#include "campaign/ledger.hpp"
#include "campaign/runner_pace.hpp"
#include "campaign/runner_state.hpp"
#include "campaign/runner_store.hpp"
#include "campaign/runner_writes.hpp"
#include "common/log.hpp"
#include "common/thread_priority.hpp"
#include "storage/campaign_records.hpp"
#include "storage/corpus_versions.hpp"
#include "storage/customer_records.hpp"

namespace troupe::campaign {

namespace {

using detail::runner_state;
using detail::persist;
using detail::transition;
using detail::counted_now;
using detail::count_owned_customers;
using detail::shard_read;
using detail::pull_atom;
using detail::runner_actor;
using detail::flush;
using detail::write_behind;

int64_t now_ms() { return wall_clock_ms(); }

void fill(runner_actor* self);

/// The campaign failed: recorded as far as the store lets, and the runner quits.
void fail(runner_actor* self, const std::string& why) {
  auto& st = self->state;
  log::error("campaign", st.id, ": failed: ", why);
  if (auto next = apply(st.lifecycle(), campaign_command::fail, st.id)) {
    st.ctx.state.set_state(to_proto(*next));
    st.ctx.state.set_failure_reason(why);
    st.ctx.state.set_finished_at_ms(now_ms());
    if (auto s = persist(self->state, st.ctx.state); !s)
      log::error("campaign", st.id, ": cannot record the failure: ", s.err().message());
  }
  self->quit(caf::exit_reason::user_shutdown); // takes the linked stages along
}

void account(runner_actor* self, const work_item& w) {
  auto& st = self->state;
  if (st.read == shard_read::abandoned)
    return release_contact(self, w); // its shard is done again by its primary
  auto counted = st.book->record(w, now_ms());
  auto one = campaign_counters::one(counted);
  st.shard_counts += one;
  st.totals += one;
  if (auto arm = st.book->audience_arm(w, counted)) {
    st.shard_counts.count_arm(*arm);
    st.totals.count_arm(*arm);
  }
  if (st.series)
    if (auto* counter = st.series->outcomes[static_cast<std::size_t>(counted)])
      counter->Increment();
  storage::mark_handled(st.checkpoint, w.shard, w.customer->id());
  keep_contact(self, w);
}

/// Lets go of the current shard (another node may take it now).
void release(runner_actor* self) {
  auto& st = self->state;
  if (st.holds_shard && st.ctx.ownership)
    st.ctx.ownership->leave(st.shard);
  st.holds_shard = false;
}

/// Moves to the first shard at or after `from` that this node serves and
/// that is not done. False if the store failed (the runner failed).
bool open_shard(runner_actor* self, uint32_t from) {
  auto& st = self->state;
  release(self);
  st.read = shard_read::read_all; // until a shard opens
  for (st.shard = from; st.shard < st.ctx.db->shard_count(); ++st.shard) {
    if (st.ctx.ownership && !st.ctx.ownership->enter(st.shard))
      continue;
    st.holds_shard = st.ctx.ownership != nullptr;
    auto cp = storage::read_checkpoint(*st.ctx.db, st.id, st.shard);
    if (!cp) {
      fail(self, cp.err().message());
      return false;
    }
    if (cp->has_value() && (*cp)->done()) {
      release(self);
      continue;
    }
    // This member's share of the campaign's rate, as it owns shards now.
    pace(st.rate, st.paced, rate_share(st.ctx.state.spec().rate_limit(), st.ctx.ownership.get(),
                                       st.ctx.db->shard_count()));
    st.checkpoint = cp->has_value() ? **cp : v1::Checkpoint{};
    st.checkpoint.set_campaign_id(st.id);
    st.checkpoint.set_shard(st.shard);
    st.shard_counts = from_proto(st.checkpoint.counters());
    st.cursor = st.checkpoint.last_key();
    st.read = shard_read::reading;
    st.next_seq = st.prefix_seq = 0;
    return true;
  }
  return true; // past the last shard
}

/// Past the last shard: true when every shard this node owns is done. A
/// shard skipped because it was sealed (a handoff that then failed) or
/// gained since is found here and worked on.
enum class sweep { all_done, more, wait, failed };
sweep sweep_owned(runner_actor* self) {
  auto& st = self->state;
  if (!st.ctx.ownership)
    return sweep::all_done;
  for (auto shard : st.ctx.ownership->owned()) {
    auto cp = storage::read_checkpoint(*st.ctx.db, st.id, shard);
    if (!cp) {
      fail(self, cp.err().message());
      return sweep::failed;
    }
    if (cp->has_value() && (*cp)->done())
      continue;
    if (st.ctx.ownership->sealed(shard))
      return sweep::wait; // moving away (or back): ask again soon
    if (!open_shard(self, shard))
      return sweep::failed;
    return st.shard < st.ctx.db->shard_count() ? sweep::more : sweep::wait;
  }
  return sweep::all_done;
}

void complete(runner_actor* self) {
  auto& st = self->state;
  auto done = transition(self->state, campaign_command::complete,
                         [](v1::CampaignState& c) { c.set_finished_at_ms(now_ms()); });
  if (!done)
    return fail(self, done.err().message());
  auto status = status_of(st.ctx.state, st.totals, now_ms());
  log::info("campaign", st.id, ": completed: ", status.processed, " processed, ",
            status.delivered, " delivered, ", status.blocked, " blocked, ", status.skipped,
            " skipped, ", status.failed, " failed, ", status.held_out, " held out (",
            static_cast<uint64_t>(status.rate_per_min),
            " customers/min)");
  release(self);
  self->quit(caf::exit_reason::user_shutdown); // takes the linked stages along
}

/// A shard sealed for a handoff: stop reading it; once its items are
/// accounted, its checkpoint (not done) goes with it to the new owner.
void check_sealed(runner_actor* self) {
  auto& st = self->state;
  if (st.holds_shard && st.read == shard_read::reading && st.ctx.ownership
      && st.ctx.ownership->sealed(st.shard))
    st.read = shard_read::yielded;
}

/// The runner is past the last shard: complete, or go on with what is left.
void after_last_shard(runner_actor* self) {
  auto& st = self->state;
  switch (sweep_owned(self)) {
    case sweep::all_done:
      return complete(self);
    case sweep::more:
      return fill(self);
    case sweep::wait:
      st.read = shard_read::yielded;
      st.shard = st.ctx.db->shard_count();
      return; // the shard ownership pulls when a shard is gained, lost or unsealed
    case sweep::failed:
      return;
  }
}

/// Called whenever an item finished or reading may go on.
void progress(runner_actor* self) {
  auto& st = self->state;
  auto state = st.lifecycle();
  if (state == campaign_state::completed || state == campaign_state::failed)
    return; // the runner has quit
  if (st.book->items() >= st.ctx.opts.batch && !st.writing
      && st.read != shard_read::abandoned && !write_behind(self))
    return; // failed: the runner has quit
  if (st.window->inflight() > 0)
    return fill(self);
  if (st.writing)
    return; // its answer comes back here
  // Nothing in flight.
  check_sealed(self);
  bool running = state == campaign_state::running;
  if (st.read == shard_read::abandoned) {
    // Everything of the shard dropped: on to the next; a sweep past the
    // last shard finds this one again if this node is still its primary.
    st.finished_early.clear();
    if (!running) { // paused (a resume opens this shard again) or cancelled
      release(self);
      st.read = shard_read::yielded;
      if (is_final(state))
        self->quit(caf::exit_reason::user_shutdown);
      return;
    }
    if (!open_shard(self, st.shard + 1))
      return;
    if (st.shard >= st.ctx.db->shard_count())
      return after_last_shard(self);
    return fill(self);
  }
  if (st.read != shard_read::reading && !is_final(state)
      && st.shard < st.ctx.db->shard_count()) {
    if (!flush(self, st.read != shard_read::yielded))
      return;
    if (!open_shard(self, st.shard + 1))
      return;
    if (running) {
      if (st.shard >= st.ctx.db->shard_count())
        return after_last_shard(self);
      return fill(self);
    }
  }
  if (!running) {
    // Paused or cancelled: make what is accounted durable, hold no shard.
    if (st.book->items() > 0 && !flush(self, false))
      return;
    release(self);
    if (is_final(state)) // cancelled, and every item accounted
      self->quit(caf::exit_reason::user_shutdown); // takes the linked stages along
    return;
  }
  fill(self);
}

/// Accounts `w` once every item before it in its shard is (items finish
/// out of order: a retried one comes back after those behind it).
void finished_one(runner_actor* self, work_item& w) {
  auto& st = self->state;
  st.window->give_back();
  if (w.seq != st.prefix_seq) {
    st.finished_early.emplace(w.seq, std::move(w));
    return;
  }
  account(self, w);
  ++st.prefix_seq;
  for (auto it = st.finished_early.begin();
       it != st.finished_early.end() && it->first == st.prefix_seq;
       it = st.finished_early.erase(it)) {
    account(self, it->second);
    ++st.prefix_seq;
  }
}

/// A batch back from the pipeline, every item finished.
void finished(runner_actor* self, work_batch& b) {
  auto& st = self->state;
  for (auto& w : b.items)
    finished_one(self, w);
  if (st.series) {
    st.series->pipeline->inflight->Set(static_cast<double>(st.window->inflight()));
    st.series->pipeline->mailbox.observe(self->mailbox().size());
  }
  progress(self);
}

/// The credit at which the runner reads the next run of customers.
std::size_t refill_at(const actors::inflight_window& w) {
  return std::max<std::size_t>(1, w.capacity() / 4);
}

/// Items finished out of order that may wait for the ones before them, in
/// windows: past it, the runner stops reading until the gap closes.
constexpr std::size_t max_finished_early = 16;

/// Items per batch sent through the pipeline: a quarter of the window (the
/// run the runner reads at a time), at most 256.
std::size_t batch_items(const actors::inflight_window& w) {
  return std::clamp<std::size_t>(w.capacity() / 4, 1, 256);
}

/// Sends `b` through the pipeline; its items come back to `finished`.
void send_through(runner_actor* self, work_batch b) {
  auto& st = self->state;
  for (std::size_t i = 0; i < b.items.size(); ++i)
    st.window->take();
  self->send(st.pipeline, std::move(b));
}

void fill(runner_actor* self) {
  auto& st = self->state;
  auto state = st.lifecycle();
  if (state == campaign_state::running && st.shard >= st.ctx.db->shard_count())
    return after_last_shard(self); // waiting for a sealed shard to settle
  check_sealed(self);
  // An abandoned shard with nothing in flight moves on (or, cancelled, the
  // runner quits): also after a cancel, whose last flush may be the write
  // that was refused.
  if (st.window->inflight() == 0
      && (st.read == shard_read::abandoned
          || (st.read == shard_read::yielded && !is_final(state))))
    return progress(self);
  if (state != campaign_state::running || st.read != shard_read::reading
      || !st.window->has_credit())
    return;
  // A write behind that is slow (replicas) holds reading up, not memory:
  // its answer pulls again.
  if (st.writing && st.book->items() >= 4 * st.ctx.opts.batch)
    return;
  // Items finished behind one that is still retrying wait for it, holding
  // no credit; a gap that long holds reading up too (each finished batch
  // pulls again).
  if (st.finished_early.size() >= max_finished_early * st.window->capacity())
    return;
  // Read in runs: a scan (a RocksDB iterator and a seek) per quarter of the
  // window, not one per finished customer.
  if (st.window->inflight() > 0 && st.window->credit() < refill_at(*st.window))
    return;
  auto want = st.window->credit();
  if (st.rate) {
    // Take only the tokens there are; come back when the next one is due.
    std::size_t granted = 0;
    auto now = actors::real_clock()->now();
    while (granted < want && st.rate->available(now) >= 1.0) {
      st.rate->reserve(now, actors::clock::duration::zero()).value();
      ++granted;
    }
    if (granted == 0) {
      self->delayed_send(self, std::chrono::milliseconds(5), pull_atom::value);
      return;
    }
    want = granted;
  }
  auto run = read_customers(*st.ctx.db, st.shard, st.cursor, want);
  if (!run)
    return fail(self, run.err().message());
  auto& read = run->customers;
  if (read.size() < want)
    st.read = shard_read::read_all;
  st.cursor = run->cursor;
  auto per_batch = batch_items(*st.window);
  for (std::size_t from = 0; from < read.size(); from += per_batch) {
    work_batch b;
    auto to = std::min(read.size(), from + per_batch);
    b.items.resize(to - from);
    for (std::size_t i = from; i < to; ++i) {
      auto& w = b.items[i - from];
      w.shard = st.shard;
      w.seq = st.next_seq++;
      w.customer = std::move(read[i]);
    }
    send_through(self, std::move(b));
  }
  if (st.series)
    st.series->pipeline->inflight->Set(static_cast<double>(st.window->inflight()));
  if (read.empty())
    progress(self);
}

/// Sets up a runner for `ctx`: its pipeline, its totals from the
/// checkpoints, the start of a created campaign. False if it failed.
bool init(runner_actor* self, runner_context ctx) {
  auto& st = self->state;
  st.ctx = std::move(ctx);
  st.id = st.ctx.state.spec().id();
  st.book = std::make_unique<ledger>(st.ctx.db, st.ctx.writer, st.ctx.audit, st.id,
                                     st.ctx.state.spec().channel(), st.ctx.state.spec().arms());
  st.writer = spawn_ledger_writer(self, st.ctx.writer, st.ctx.opts.retry.thread_nice);
  if (auto niced = set_thread_nice(st.ctx.opts.retry.thread_nice); !niced)
    log::warn("campaign", st.id, ": runner thread: ", niced.err().message());
  st.window = std::make_unique<actors::inflight_window>(std::max<uint32_t>(1, st.ctx.state.spec().window()));
  if (st.ctx.metrics)
    st.series = st.ctx.metrics->series(st.id);
  pace(st.rate, st.paced, rate_share(st.ctx.state.spec().rate_limit(), st.ctx.ownership.get(),
                                     st.ctx.db->shard_count()));
  bool starting = st.lifecycle() == campaign_state::created;
  // A campaign reads the corpus version that was current when it started.
  if (starting) {
    auto version = storage::current_corpus_version(*st.ctx.db);
    if (!version) {
      fail(self, "cannot read the corpus version: " + version.err().message());
      return false;
    }
    st.ctx.state.set_corpus_version(*version);
  }
  auto inputs = load_pipeline_inputs(*st.ctx.db, st.ctx.state.spec(),
                                     st.ctx.state.corpus_version(), st.ctx.node_blocklist);
  if (!inputs) {
    fail(self, "cannot read the corpus: " + inputs.err().message());
    return false;
  }
  st.pipeline = spawn_pipeline(self, std::move(*inputs), st.ctx.state.spec(), st.ctx.providers,
                               with_cap(self, st.ctx.opts.retry),
                               st.ctx.metrics ? st.ctx.metrics->stages() : nullptr);
  auto totals = stored_counters(*st.ctx.db, st.id, owned_shards(st.ctx.ownership));
  if (!totals) {
    fail(self, totals.err().message());
    return false;
  }
  st.totals = *totals;
  status started = status::success();
  if (starting) {
    auto total = count_owned_customers(st.ctx);
    if (!total) {
      fail(self, total.err().message());
      return false;
    }
    started = transition(self->state, campaign_command::start, [&](v1::CampaignState& c) {
      c.set_total(*total);
      c.set_started_at_ms(now_ms());
    });
    if (started)
      log::info("campaign", st.id, ": started over ", *total, " customers, corpus version ",
                st.ctx.state.corpus_version());
  } else {
    log::info("campaign", st.id, ": resuming from its checkpoints (", st.totals.processed,
              " customers already handled)");
    started = persist(self->state, st.ctx.state);
  }
  if (!started) {
    fail(self, started.err().message());
    return false;
  }
  if (auto ownership = st.ctx.ownership) { // wakes a runner waiting on a sealed shard
    auto sub = ownership->subscribe(caf::actor_cast<caf::actor_addr>(self),
                                    caf::make_message(pull_atom::value),
                                    sharding::ownership_event::gained | sharding::ownership_event::lost
                                      | sharding::ownership_event::unsealed);
    self->attach_functor([ownership, sub] { ownership->unsubscribe(sub); });
  }
  return open_shard(self, 0);
}

caf::behavior runner_impl(runner_actor* self, runner_context ctx) {
  if (!init(self, std::move(ctx)))
    return {};
  auto& st = self->state;
  if (st.shard >= st.ctx.db->shard_count())
    after_last_shard(self);
  else
    self->send(self, pull_atom::value);

  auto reply = [self]() { return status_of(self->state.ctx.state, counted_now(self->state), now_ms()); };
  return {
    [self](pull_atom) { fill(self); },
    [self](finished_atom, work_batch& b) { finished(self, b); },
    [self, reply](actors::pause_atom) -> caf::result<campaign_status> {
      if (auto s = transition(self->state, campaign_command::pause); !s)
        return actors::to_caf_error(s.err());
      progress(self);
      return reply();
    },
    [self, reply](actors::resume_atom) -> caf::result<campaign_status> {
      auto& st = self->state;
      if (auto s = transition(self->state, campaign_command::resume); !s)
        return actors::to_caf_error(s.err());
      if (!st.holds_shard && st.ctx.ownership && st.shard < st.ctx.db->shard_count()
          && !open_shard(self, st.shard))
        return reply();
      if (st.shard >= st.ctx.db->shard_count())
        after_last_shard(self);
      else
        fill(self);
      return reply();
    },
    [self, reply](actors::cancel_atom) -> caf::result<campaign_status> {
      auto cancelled = transition(self->state, campaign_command::cancel, [](v1::CampaignState& c) {
        c.set_finished_at_ms(now_ms());
      });
      if (!cancelled)
        return actors::to_caf_error(cancelled.err());
      auto out = reply();
      progress(self);
      return out;
    },
    [reply](actors::status_atom) { return reply(); },
  };
}

} // namespace

namespace detail {
void runner_fail(runner_actor* self, const std::string& why) { fail(self, why); }
void runner_progress(runner_actor* self) { progress(self); }
} // namespace detail

caf::actor spawn_campaign_runner(caf::actor_system& sys, runner_context ctx) {
  return sys.spawn<caf::detached>(runner_impl, std::move(ctx));
}

} // namespace troupe::campaign
