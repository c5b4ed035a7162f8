#include "campaign/dead_letter_replay.hpp"

#include <map>

#include "actors/actor_error.hpp"
#include "actors/atoms.hpp"
#include "common/log.hpp"
#include "storage/keys.hpp"

namespace troupe::campaign {

namespace {

int64_t now_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

struct replay_state {
  runner_context ctx;
  std::string id;
  stage_actor pipeline;
  caf::typed_response_promise<replay_result> promise;
  replay_result totals;
  std::string cursor;                        ///< last dead-letter key read
  std::size_t pending = 0;                   ///< items of this page in the pipeline
  std::vector<work_item> finished;           ///< this page's results
  std::map<std::string, v1::DeadLetter> letters; ///< this page's dead letters by customer
};

using replay_actor = caf::stateful_actor<replay_state>;

void next_page(replay_actor* self);

void finish(replay_actor* self, std::optional<std::string> failure) {
  auto& st = self->state;
  if (failure)
    st.promise.deliver(actors::make_caf_error(actors::actors_errc::provider_failed, *failure));
  else
    st.promise.deliver(st.totals);
  log::info("campaign", st.id, ": replayed ", st.totals.tried, " dead letters: ",
            st.totals.delivered, " delivered, ", st.totals.failed, " failed again");
  self->quit(caf::exit_reason::user_shutdown); // takes the linked stages along
}

/// Writes one page's outcomes with the adjusted shard checkpoints.
void settle_page(replay_actor* self) {
  auto& st = self->state;
  auto& db = *st.ctx.db;
  storage::write_batch batch;
  std::map<uint32_t, v1::Checkpoint> checkpoints;
  std::vector<v1::AuditRecord> audit;
  for (auto& w : st.finished) {
    for (auto& record : audit_records_of(st.id, w, now_ms()))
      audit.push_back(std::move(record));
    const auto& customer_id = w.customer->id();
    auto key = storage::keys::delivery(st.id, customer_id);
    auto& letter = st.letters[customer_id];
    ++st.totals.tried;
    if (w.result == outcome::failed) {
      letter.set_reason(w.reason);
      letter.set_attempts(letter.attempts() + std::max<uint32_t>(1, w.attempts));
      letter.set_failed_at_ms(now_ms());
      batch.put(storage::column::dead_letters, key, letter);
      ++st.totals.failed;
      continue;
    }
    auto shard = db.shard_of(customer_id);
    auto it = checkpoints.find(shard);
    if (it == checkpoints.end()) {
      auto cp = db.get<v1::Checkpoint>(storage::column::checkpoints,
                                       storage::keys::checkpoint(st.id, shard));
      if (!cp)
        return finish(self, cp.err().message());
      it = checkpoints.emplace(shard, cp->value_or(v1::Checkpoint{})).first;
    }
    auto& c = *it->second.mutable_counters();
    if (c.failed() > 0)
      c.set_failed(c.failed() - 1);
    if (w.result == outcome::delivered) {
      batch.put(storage::column::deliveries, key,
                delivery_of(st.id, w, st.ctx.state.spec().channel(), now_ms()));
      c.set_delivered(c.delivered() + 1);
      ++st.totals.delivered;
    } else if (w.result == outcome::blocked) {
      c.set_blocked(c.blocked() + 1);
      ++st.totals.blocked;
    } else { // skipped: no longer selected
      c.set_in_segment(c.in_segment() > 0 ? c.in_segment() - 1 : 0);
      c.set_skipped(c.skipped() + 1);
      ++st.totals.skipped;
    }
    batch.erase(storage::column::dead_letters, key);
  }
  for (auto& [shard, cp] : checkpoints)
    batch.put(storage::column::checkpoints, storage::keys::checkpoint(st.id, shard), cp);
  if (auto w = write_audited(st.ctx, batch, std::move(audit)); !w)
    return finish(self, "cannot write the replayed customers: " + w.err().message());
  st.finished.clear();
  st.letters.clear();
  next_page(self);
}

void next_page(replay_actor* self) {
  auto& st = self->state;
  auto prefix = st.id + std::string(1, '\0');
  auto begin = st.cursor.empty() ? prefix : st.cursor + std::string(1, '\0');
  std::size_t limit = std::max<uint32_t>(1, st.ctx.state.spec().window());
  std::vector<v1::DeadLetter> page;
  auto scanned = st.ctx.db->scan<v1::DeadLetter>(
    storage::column::dead_letters, begin, storage::keys::prefix_end(prefix),
    [&](std::string_view key, const v1::DeadLetter& d) {
      page.push_back(d);
      st.cursor.assign(key.data(), key.size());
      return page.size() < limit;
    });
  if (!scanned)
    return finish(self, scanned.err().message());
  if (page.empty())
    return finish(self, std::nullopt);
  for (auto& letter : page) {
    auto id = letter.customer_id();
    auto customer = st.ctx.db->get<v1::Customer>(
      storage::column::customers, storage::keys::customer(st.ctx.db->shard_of(id), id));
    if (!customer)
      return finish(self, customer.err().message());
    st.letters[id] = letter;
    work_item w;
    w.shard = st.ctx.db->shard_of(id);
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
    auto who = w.customer;
    self->request(st.pipeline, caf::infinite, std::move(w))
      .then(
        [self](work_item& done) {
          self->state.finished.push_back(std::move(done));
          if (--self->state.pending == 0)
            settle_page(self);
        },
        [self, who](caf::error& err) {
          work_item failed;
          failed.customer = who;
          failed.result = outcome::failed;
          failed.reason = "pipeline: " + actors::describe(err);
          self->state.finished.push_back(std::move(failed));
          if (--self->state.pending == 0)
            settle_page(self);
        });
  }
  if (st.pending == 0)
    settle_page(self);
}

caf::behavior replay_impl(replay_actor* self, runner_context ctx) {
  self->state.ctx = std::move(ctx);
  self->state.id = self->state.ctx.state.spec().id();
  auto& st = self->state;
  auto inputs = load_pipeline_inputs(*st.ctx.db, st.ctx.state.spec(),
                                     st.ctx.state.corpus_version(), st.ctx.node_blocklist);
  if (inputs)
    st.pipeline = spawn_pipeline(self, std::move(*inputs), st.ctx.state.spec(),
                                 st.ctx.providers, st.ctx.opts.retry,
                                 st.ctx.metrics ? st.ctx.metrics->stages() : nullptr);
  auto failure = inputs ? std::optional<std::string>{}
                        : std::optional<std::string>{"cannot read the corpus: "
                                                     + inputs.err().message()};
  return {
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
