#include "campaign/dead_letter_replay.hpp"

#include <map>
#include <set>

#include "actors/actor_error.hpp"
#include "actors/atoms.hpp"
#include "campaign/campaign_error.hpp"
#include "campaign/ledger.hpp"
#include "campaign/runner_contacts.hpp"
#include "campaign/trigger_spec.hpp"
#include "campaign/unsubscribes.hpp"
#include "common/log.hpp"
#include "storage/customer_records.hpp"
#include "storage/outcome_records.hpp"

namespace troupe::campaign {

namespace {

int64_t now_ms() { return wall_clock_ms(); }

struct replay_state {
  runner_context ctx;
  std::string id;
  stage_actor pipeline;
  caf::typed_response_promise<replay_result> promise;
  std::unique_ptr<ledger> book;              ///< this page's outcomes, written at once
  replay_result totals;
  std::string cursor;                        ///< after the last dead letter read
  std::size_t pending = 0;                   ///< items of this page in the pipeline
  std::vector<work_item> finished;           ///< this page's results
  /// This page's dead letters, by `letter_key` (a triggered campaign's
  /// customer may have one per entry).
  std::map<std::string, v1::DeadLetter> letters;
  std::shared_ptr<runner_contacts> contacts; ///< the node's frequency cap (null: none)
};

using replay_actor = caf::stateful_actor<replay_state>;

std::string letter_key(const std::string& customer_id, const std::string& occurrence) {
  return customer_id + '\0' + occurrence;
}

void next_page(replay_actor* self);

void finish(replay_actor* self, std::optional<error> failure) {
  auto& st = self->state;
  if (failure)
    st.promise.deliver(actors::to_caf_error(*failure));
  else
    st.promise.deliver(st.totals);
  log::info("campaign", st.id, ": replayed ", st.totals.tried, " dead letters: ",
            st.totals.delivered, " delivered, ", st.totals.failed, " failed again");
  self->quit(caf::exit_reason::user_shutdown); // takes the linked stages along
}

/// `e` with `context` in front of its message (domain, code, retryable kept).
error in_context(const error& e, const std::string& context) {
  return error{e.domain(), e.code(), context + e.message(), e.retryable()};
}

/// Counts `o` in the replay's totals.
void tally(replay_result& totals, outcome o) {
  ++totals.tried;
  switch (o) {
    case outcome::delivered: ++totals.delivered; break;
    case outcome::blocked: ++totals.blocked; break;
    case outcome::skipped:
    case outcome::held_out: ++totals.skipped; break; // no longer to be sent to
    case outcome::capped: ++totals.capped; break;
    default: ++totals.failed; break;
  }
}

/// Writes one page's outcomes with the adjusted shard checkpoints.
void settle_page(replay_actor* self) {
  auto& st = self->state;
  // Inside every shard it writes, like a runner: a copy of one to a replica
  // (sealed) waits for this write, or this write waits for the replay to
  // be run again.
  std::set<uint32_t> inside;
  auto leave_all = [&] {
    for (auto shard : inside)
      st.ctx.ownership->leave(shard);
  };
  // The page's delivered contacts, counted in its write (the node's cap);
  // its reservations released however the page ends.
  work_batch page;
  page.items = st.finished;
  auto settle = [&] {
    if (st.contacts)
      st.contacts->settle(page);
  };
  if (st.ctx.ownership)
    for (auto& w : st.finished) {
      if (inside.count(w.shard) > 0)
        continue;
      if (!st.ctx.ownership->enter(w.shard)) {
        leave_all();
        settle();
        return finish(self, make_error(campaign_errc::refused,
                                       "shard " + std::to_string(w.shard)
                                         + " is being copied or moved: run the replay again"));
      }
      inside.insert(w.shard);
    }
  for (auto& w : st.finished) {
    tally(st.totals, w.result);
    if (auto s = st.book->rerecord(w, st.letters[letter_key(w.customer->id(), w.occurrence)], now_ms()); !s) {
      leave_all();
      st.book->discard();
      settle();
      return finish(self, s.err());
    }
  }
  std::map<uint32_t, std::string> refused;
  if (st.contacts)
    if (auto counted = st.contacts->count(*st.book, page, refused); !counted) {
      leave_all();
      st.book->discard();
      settle();
      return finish(self, in_context(counted.err(), "cannot count the replayed contacts: "));
    }
  auto written = st.book->commit();
  settle();
  leave_all();
  if (!written)
    return finish(self, in_context(written.err(), "cannot write the replayed customers: "));
  st.finished.clear();
  st.letters.clear();
  next_page(self);
}

void next_page(replay_actor* self) {
  auto& st = self->state;
  std::size_t limit = std::max<uint32_t>(1, st.ctx.state.spec().window());
  std::vector<v1::DeadLetter> page;
  auto scanned = storage::scan_dead_letters(
    *st.ctx.db, st.id, st.cursor, [&](std::string_view cursor, const v1::DeadLetter& d) {
      st.cursor.assign(cursor.data(), cursor.size());
      // A replica's copy is its primary's to replay.
      if (st.ctx.ownership && !st.ctx.ownership->owns(st.ctx.db->shard_of(d.customer_id())))
        return true;
      page.push_back(d);
      return page.size() < limit;
    });
  if (!scanned)
    return finish(self, scanned.err());
  if (page.empty())
    return finish(self, std::nullopt);
  work_batch to_run;
  for (auto& letter : page) {
    auto id = letter.customer_id();
    auto customer = storage::read_customer(*st.ctx.db, id);
    if (!customer)
      return finish(self, customer.err());
    st.letters[letter_key(id, letter.occurrence())] = letter;
    work_item w;
    w.shard = st.ctx.db->shard_of(id);
    w.occurrence = letter.occurrence(); // a triggered campaign's entry: delivered as such
    w.event_ms = letter.event_ms();
    if (!customer->has_value()) {
      // The customer was deleted since: nothing to deliver any more.
      auto gone = std::make_shared<v1::Customer>();
      gone->set_id(id);
      w.customer = gone;
      w.result = outcome::skipped;
      st.finished.push_back(std::move(w));
      continue;
    }
    w.customer = std::make_shared<const v1::Customer>(std::move(**customer));
    ++st.pending;
    to_run.items.push_back(std::move(w));
  }
  if (!to_run.items.empty())
    self->send(st.pipeline, std::move(to_run));
  if (st.pending == 0)
    settle_page(self);
}

caf::behavior replay_impl(replay_actor* self, runner_context ctx) {
  self->state.ctx = std::move(ctx);
  self->state.id = self->state.ctx.state.spec().id();
  auto& st = self->state;
  st.book = std::make_unique<ledger>(st.ctx.db, st.ctx.writer, st.ctx.audit, st.id,
                                     st.ctx.state.spec().channel(), st.ctx.state.spec().arms());
  auto inputs = load_pipeline_inputs(*st.ctx.db, st.ctx.state.spec(),
                                     st.ctx.state.corpus_version(), st.ctx.node_blocklist);
  // The node's frequency cap, asked by the segment stage as in a run.
  auto policy = st.ctx.opts.retry;
  policy.unsubscribed = unsubscribed_check(st.ctx.db);
  const auto& rules = st.ctx.opts.contacts;
  if (rules.frequency_cap > 0 && rules.book) {
    const auto& channel = st.ctx.state.spec().channel();
    st.contacts = std::make_shared<runner_contacts>(st.ctx.db, rules,
                                                    channel.empty() ? "store" : channel);
    policy.cap = [contacts = st.contacts](work_item& w) { contacts->gate(w); };
  }
  // A triggered campaign's customers were selected by their profile when
  // they entered, as its runner's pipeline assumes.
  auto spec = st.ctx.state.spec();
  if (is_triggered(spec))
    spec.clear_segment();
  if (inputs)
    st.pipeline = spawn_pipeline(self, std::move(*inputs), spec, st.ctx.providers, policy,
                                 st.ctx.metrics ? st.ctx.metrics->stages() : nullptr);
  auto failure = inputs ? std::optional<error>{}
                        : std::optional<error>{in_context(inputs.err(), "cannot read the corpus: ")};
  return {
    [self](finished_atom, work_batch& b) {
      auto& st = self->state;
      st.pending -= std::min(st.pending, b.items.size());
      for (auto& w : b.items)
        st.finished.push_back(std::move(w));
      if (st.pending == 0)
        settle_page(self);
    },
    [self, failure](actors::replay_atom) {
      self->state.promise = self->make_response_promise<replay_result>();
      if (failure)
        finish(self, failure);
      else
        next_page(self);
      return self->state.promise;
    },
  };
}

} // namespace

caf::actor spawn_dead_letter_replay(caf::actor_system& sys, runner_context ctx) {
  return sys.spawn<caf::detached>(replay_impl, std::move(ctx));
}

} // namespace troupe::campaign
