#include "campaign/runner.hpp"

#include <array>
#include <map>
#include <optional>

#include "actors/actor_error.hpp"
#include "actors/atoms.hpp"
#include "actors/inflight_window.hpp"
#include "actors/token_bucket.hpp"
#include "common/log.hpp"
#include "storage/corpus_versions.hpp"
#include "storage/keys.hpp"

namespace troupe::campaign {

campaign_metrics::campaign_metrics(prometheus::Registry& registry)
  : registry_(registry), stages_(std::make_shared<stage_metrics>(registry)),
    customers_(&prometheus::BuildCounter()
                  .Name("troupe_campaign_customers_total")
                  .Help("Customers a campaign has handled, by outcome")
                  .Register(registry)),
    state_(&prometheus::BuildGauge()
              .Name("troupe_campaign_state")
              .Help("Campaign state: 1 created, 2 running, 3 paused, 4 completed, "
                    "5 cancelled, 6 failed")
              .Register(registry)) {}

prometheus::Counter& campaign_metrics::customers(const std::string& campaign, outcome o) {
  return customers_->Add({{"campaign", campaign}, {"outcome", to_string(o)}});
}

prometheus::Gauge& campaign_metrics::state(const std::string& campaign) {
  return state_->Add({{"campaign", campaign}});
}

std::shared_ptr<pipeline_metrics> campaign_metrics::pipeline(const std::string& campaign) {
  return std::make_shared<pipeline_metrics>(registry_, "campaign:" + campaign);
}

const char* state_name(v1::CampaignStateKind k) {
  switch (k) {
    case v1::CAMPAIGN_CREATED: return "created";
    case v1::CAMPAIGN_RUNNING: return "running";
    case v1::CAMPAIGN_PAUSED: return "paused";
    case v1::CAMPAIGN_COMPLETED: return "completed";
    case v1::CAMPAIGN_CANCELLED: return "cancelled";
    case v1::CAMPAIGN_FAILED: return "failed";
    default: return "unknown";
  }
}

namespace {

using pull_atom = caf::atom_constant<caf::atom("pull")>;

int64_t now_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

void add(v1::CampaignCounters& into, const v1::CampaignCounters& x) {
  into.set_processed(into.processed() + x.processed());
  into.set_in_segment(into.in_segment() + x.in_segment());
  into.set_delivered(into.delivered() + x.delivered());
  into.set_blocked(into.blocked() + x.blocked());
  into.set_skipped(into.skipped() + x.skipped());
  into.set_failed(into.failed() + x.failed());
}

campaign_status status_of(const v1::CampaignState& state, const v1::CampaignCounters& c) {
  campaign_status s;
  s.id = state.spec().id();
  s.name = state.spec().name();
  s.state = state_name(state.state());
  s.total = state.total();
  s.processed = c.processed();
  s.in_segment = c.in_segment();
  s.delivered = c.delivered();
  s.blocked = c.blocked();
  s.skipped = c.skipped();
  s.failed = c.failed();
  s.started_at_ms = state.started_at_ms();
  s.finished_at_ms = state.finished_at_ms();
  s.reason = state.failure_reason();
  auto end = s.finished_at_ms != 0 ? s.finished_at_ms : now_ms();
  if (s.started_at_ms != 0 && end > s.started_at_ms)
    s.rate_per_min = static_cast<double>(s.processed) * 60'000.0
                     / static_cast<double>(end - s.started_at_ms);
  return s;
}

/// Sums the checkpoints of a campaign.
result<v1::CampaignCounters> stored_counters(const storage::store& db, const std::string& id) {
  v1::CampaignCounters sum;
  auto prefix = id + std::string(1, '\0');
  auto st = db.scan<v1::Checkpoint>(storage::column::checkpoints, prefix,
                                    storage::keys::prefix_end(prefix),
                                    [&](std::string_view, const v1::Checkpoint& cp) {
                                      add(sum, cp.counters());
                                      return true;
                                    });
  if (!st)
    return st.err();
  return sum;
}

struct runner_state {
  runner_context ctx;
  stage_actor pipeline;
  std::string id;
  uint32_t shard = 0;
  std::string cursor;          ///< last customer key read in this shard ("": none yet)
  bool exhausted = false;      ///< no more customers to read in this shard
  uint64_t next_seq = 0;
  uint64_t prefix_seq = 0;     ///< every item before it is accounted for
  std::map<uint64_t, work_item> finished_early; ///< finished, waiting for their prefix
  std::unique_ptr<actors::inflight_window> window;      ///< customers in the pipeline
  /// troupe_campaign_customers_total by outcome, looked up once per run.
  std::array<prometheus::Counter*, 5> outcome_counters{};
  std::shared_ptr<campaign::pipeline_metrics> pipeline_gauges; ///< in flight, mailbox depth
  v1::Checkpoint checkpoint;   ///< of the current shard
  v1::CampaignCounters totals; ///< all shards, as accounted so far
  storage::write_batch batch;
  std::vector<v1::AuditRecord> audit;  ///< the batch's audit records, chained at write
  std::size_t batch_items = 0;
  std::optional<actors::token_bucket> rate;
  bool stopping = false;       ///< cancelled or failed: no more reads
  bool done = false;
  bool entered = false;        ///< holds `shard` in the node's shard ownership
  bool yielded = false;        ///< left `shard` unfinished: it is being handed off

  ~runner_state() {
    if (entered && ctx.ownership)
      ctx.ownership->leave(shard);
  }
};

using runner_actor = caf::stateful_actor<runner_state>;

void fill(runner_actor* self);

status persist_state(runner_actor* self) {
  auto& st = self->state;
  if (st.ctx.metrics)
    st.ctx.metrics->state(st.id).Set(static_cast<double>(st.ctx.state.state()));
  return st.ctx.db->put(storage::column::campaigns, st.id, st.ctx.state);
}

void fail(runner_actor* self, const std::string& why) {
  auto& st = self->state;
  log::error("campaign", st.id, ": failed: ", why);
  st.ctx.state.set_state(v1::CAMPAIGN_FAILED);
  st.ctx.state.set_failure_reason(why);
  st.ctx.state.set_finished_at_ms(now_ms());
  st.stopping = true;
  if (auto s = persist_state(self); !s)
    log::error("campaign", st.id, ": cannot record the failure: ", s.err().message());
  st.done = true;
  self->quit(caf::exit_reason::user_shutdown); // takes the linked stages along
}

/// Writes the accounted items and the shard's checkpoint in one batch.
bool flush(runner_actor* self, bool shard_done) {
  auto& st = self->state;
  st.checkpoint.set_done(shard_done);
  st.batch.put(storage::column::checkpoints, storage::keys::checkpoint(st.id, st.shard),
               st.checkpoint);
  auto w = write_audited(st.ctx, st.batch, std::move(st.audit));
  st.audit.clear();
  if (!w) {
    fail(self, "cannot write deliveries and checkpoint of shard " + std::to_string(st.shard)
                 + ": " + w.err().message());
    return false;
  }
  st.batch_items = 0;
  return true;
}

void account(runner_actor* self, work_item& w) {
  auto& st = self->state;
  auto& c = *st.checkpoint.mutable_counters();
  const auto& id = w.customer->id();
  c.set_processed(c.processed() + 1);
  st.totals.set_processed(st.totals.processed() + 1);
  switch (w.result) {
    case outcome::skipped:
      c.set_skipped(c.skipped() + 1);
      st.totals.set_skipped(st.totals.skipped() + 1);
      break;
    case outcome::delivered: {
      st.batch.put(storage::column::deliveries, storage::keys::delivery(st.id, id),
                   delivery_of(st.id, w, st.ctx.state.spec().channel(), now_ms()));
      c.set_delivered(c.delivered() + 1);
      st.totals.set_delivered(st.totals.delivered() + 1);
      break;
    }
    case outcome::blocked:
      c.set_blocked(c.blocked() + 1);
      st.totals.set_blocked(st.totals.blocked() + 1);
      break;
    default: { // failed (pending never reaches here)
      v1::DeadLetter dl;
      dl.set_campaign_id(st.id);
      dl.set_customer_id(id);
      dl.set_stage(w.reason.substr(0, w.reason.find(':')));
      dl.set_reason(w.reason);
      dl.set_attempts(std::max<uint32_t>(1, w.attempts));
      dl.set_failed_at_ms(now_ms());
      st.batch.put(storage::column::dead_letters, storage::keys::delivery(st.id, id), dl);
      w.result = outcome::failed;
      c.set_failed(c.failed() + 1);
      st.totals.set_failed(st.totals.failed() + 1);
      break;
    }
  }
  if (w.result != outcome::skipped) {
    c.set_in_segment(c.in_segment() + 1);
    st.totals.set_in_segment(st.totals.in_segment() + 1);
  }
  for (auto& record : audit_records_of(st.id, w, now_ms()))
    st.audit.push_back(std::move(record));
  if (auto* counter = st.outcome_counters[static_cast<std::size_t>(w.result)])
    counter->Increment();
  st.checkpoint.set_last_key(storage::keys::customer(w.shard, id));
  ++st.batch_items;
}

/// Lets go of the current shard (another node may take it now).
void release(runner_actor* self) {
  auto& st = self->state;
  if (st.entered && st.ctx.ownership)
    st.ctx.ownership->leave(st.shard);
  st.entered = false;
}

/// Moves to the first shard at or after `from` that this node serves and
/// that is not done. False if the store failed (the runner failed).
bool open_shard(runner_actor* self, uint32_t from) {
  auto& st = self->state;
  release(self);
  st.yielded = false;
  for (st.shard = from; st.shard < st.ctx.db->shard_count(); ++st.shard) {
    if (st.ctx.ownership && !st.ctx.ownership->enter(st.shard))
      continue;
    st.entered = st.ctx.ownership != nullptr;
    auto cp = st.ctx.db->get<v1::Checkpoint>(storage::column::checkpoints,
                                             storage::keys::checkpoint(st.id, st.shard));
    if (!cp) {
      fail(self, cp.err().message());
      return false;
    }
    if (cp->has_value() && (*cp)->done()) {
      release(self);
      continue;
    }
    st.checkpoint = cp->has_value() ? **cp : v1::Checkpoint{};
    st.checkpoint.set_campaign_id(st.id);
    st.checkpoint.set_shard(st.shard);
    st.cursor = st.checkpoint.last_key();
    st.exhausted = false;
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
    auto cp = st.ctx.db->get<v1::Checkpoint>(storage::column::checkpoints,
                                             storage::keys::checkpoint(st.id, shard));
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

/// The runner is past the last shard: complete, or go on with what is left.
void after_last_shard(runner_actor* self);

void complete(runner_actor* self) {
  auto& st = self->state;
  st.ctx.state.set_state(v1::CAMPAIGN_COMPLETED);
  st.ctx.state.set_finished_at_ms(now_ms());
  if (auto s = persist_state(self); !s) {
    fail(self, s.err().message());
    return;
  }
  auto status = status_of(st.ctx.state, st.totals);
  log::info("campaign", st.id, ": completed: ", status.processed, " processed, ",
            status.delivered, " delivered, ", status.blocked, " blocked, ", status.skipped,
            " skipped, ", status.failed, " failed (", static_cast<uint64_t>(status.rate_per_min),
            " customers/min)");
  st.done = true;
  release(self);
  self->quit(caf::exit_reason::user_shutdown); // takes the linked stages along
}

/// A shard sealed for a handoff: stop reading it; once its items are
/// accounted, its checkpoint (not done) goes with it to the new owner.
void check_sealed(runner_actor* self) {
  auto& st = self->state;
  if (st.entered && !st.exhausted && st.ctx.ownership && st.ctx.ownership->sealed(st.shard)) {
    st.yielded = true;
    st.exhausted = true;
  }
}

void after_last_shard(runner_actor* self) {
  auto& st = self->state;
  switch (sweep_owned(self)) {
    case sweep::all_done:
      return complete(self);
    case sweep::more:
      return fill(self);
    case sweep::wait:
      st.exhausted = true;
      st.yielded = true;
      st.shard = st.ctx.db->shard_count();
      return; // the shard ownership pulls when a shard is gained, lost or unsealed
    case sweep::failed:
      return;
  }
}

/// Called whenever an item finished or reading may go on.
void progress(runner_actor* self) {
  auto& st = self->state;
  if (st.done)
    return;
  if (st.batch_items >= st.ctx.opts.batch && !flush(self, false))
    return;
  if (st.window->inflight() > 0)
    return fill(self);
  // Nothing in flight.
  check_sealed(self);
  bool running = st.ctx.state.state() == v1::CAMPAIGN_RUNNING;
  if (st.exhausted && !st.stopping && st.shard < st.ctx.db->shard_count()) {
    if (!flush(self, !st.yielded))
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
    if (st.batch_items > 0 && !flush(self, false))
      return;
    release(self);
    if (st.stopping) {
      st.done = true;
      self->quit(caf::exit_reason::user_shutdown); // takes the linked stages along
    }
    return;
  }
  fill(self);
}

void finished(runner_actor* self, work_item& w) {
  auto& st = self->state;
  st.window->give_back();
  if (st.pipeline_gauges) {
    st.pipeline_gauges->inflight->Set(static_cast<double>(st.window->inflight()));
    st.pipeline_gauges->mailbox.observe(self->mailbox().size());
  }
  if (w.seq != st.prefix_seq) {
    st.finished_early.emplace(w.seq, std::move(w));
  } else {
    account(self, w);
    ++st.prefix_seq;
    for (auto it = st.finished_early.begin();
         it != st.finished_early.end() && it->first == st.prefix_seq;
         it = st.finished_early.erase(it)) {
      account(self, it->second);
      ++st.prefix_seq;
    }
  }
  progress(self);
}

/// The credit at which the runner reads the next run of customers.
std::size_t refill_at(const actors::inflight_window& w) {
  return std::max<std::size_t>(1, w.capacity() / 4);
}

void fill(runner_actor* self) {
  auto& st = self->state;
  if (!st.done && !st.stopping && st.ctx.state.state() == v1::CAMPAIGN_RUNNING
      && st.shard >= st.ctx.db->shard_count())
    return after_last_shard(self); // waiting for a sealed shard to settle
  check_sealed(self);
  if (st.exhausted && st.window->inflight() == 0 && !st.done && !st.stopping
      && st.yielded)
    return progress(self);
  if (st.done || st.stopping || st.exhausted
      || st.ctx.state.state() != v1::CAMPAIGN_RUNNING || !st.window->has_credit())
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
  std::string begin = st.cursor.empty() ? storage::keys::shard_begin(st.shard)
                                        : st.cursor + std::string(1, '\0');
  std::vector<std::shared_ptr<const v1::Customer>> read;
  std::string last_key;
  std::optional<std::string> unreadable;
  auto scanned = st.ctx.db->scan_raw(
    storage::column::customers, begin, storage::keys::shard_end(st.shard),
    [&](std::string_view key, std::string_view bytes) {
      // Parsed straight into the record the pipeline shares (no copy).
      auto c = std::make_shared<v1::Customer>();
      if (!c->ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
        unreadable = std::string{key};
        return false;
      }
      read.push_back(std::move(c));
      last_key.assign(key.data(), key.size());
      return read.size() < want;
    });
  if (scanned && unreadable)
    return fail(self, "shard " + std::to_string(st.shard) + ": the customer record at key '"
                        + *unreadable + "' does not parse");
  if (!scanned)
    return fail(self, "cannot read shard " + std::to_string(st.shard) + ": "
                        + scanned.err().message());
  if (read.size() < want)
    st.exhausted = true;
  if (!read.empty())
    st.cursor = last_key;
  for (auto& customer : read) {
    work_item w;
    w.shard = st.shard;
    w.seq = st.next_seq++;
    w.customer = std::move(customer);
    st.window->take();
    auto seq = w.seq;
    auto shard = w.shard;
    auto who = w.customer;
    self->request(st.pipeline, caf::infinite, std::move(w))
      .then([self](work_item& done) { finished(self, done); },
            [self, seq, shard, who](caf::error& err) {
              work_item failed;
              failed.shard = shard;
              failed.seq = seq;
              failed.customer = who;
              failed.result = outcome::failed;
              failed.reason = "pipeline: " + actors::describe(err);
              finished(self, failed);
            });
  }
  if (st.pipeline_gauges)
    st.pipeline_gauges->inflight->Set(static_cast<double>(st.window->inflight()));
  if (read.empty())
    progress(self);
}

caf::behavior runner_impl(runner_actor* self, runner_context ctx) {
  auto& st = self->state;
  st.ctx = std::move(ctx);
  st.id = st.ctx.state.spec().id();
  st.window = std::make_unique<actors::inflight_window>(std::max<uint32_t>(1, st.ctx.state.spec().window()));
  if (st.ctx.metrics) {
    st.pipeline_gauges = st.ctx.metrics->pipeline(st.id);
    for (auto o : {outcome::delivered, outcome::blocked, outcome::skipped, outcome::failed})
      st.outcome_counters[static_cast<std::size_t>(o)] = &st.ctx.metrics->customers(st.id, o);
  }
  if (st.ctx.state.spec().rate_limit() > 0) {
    auto r = st.ctx.state.spec().rate_limit();
    st.rate.emplace(actors::token_bucket_policy{r, std::max(1.0, r / 10)}, actors::real_clock()->now());
  }
  // A campaign reads the corpus version that was current when it started.
  if (st.ctx.state.state() == v1::CAMPAIGN_CREATED) {
    auto version = storage::current_corpus_version(*st.ctx.db);
    if (!version) {
      fail(self, "cannot read the corpus version: " + version.err().message());
      return {};
    }
    st.ctx.state.set_corpus_version(*version);
  }
  auto inputs = load_pipeline_inputs(*st.ctx.db, st.ctx.state.spec(),
                                     st.ctx.state.corpus_version(), st.ctx.node_blocklist);
  if (!inputs) {
    fail(self, "cannot read the corpus: " + inputs.err().message());
    return {};
  }
  st.pipeline = spawn_pipeline(self, std::move(*inputs), st.ctx.state.spec(), st.ctx.providers,
                               st.ctx.opts.retry,
                               st.ctx.metrics ? st.ctx.metrics->stages() : nullptr);
  auto totals = stored_counters(*st.ctx.db, st.id);
  if (!totals) {
    fail(self, totals.err().message());
    return {};
  }
  st.totals = *totals;
  if (st.ctx.state.state() == v1::CAMPAIGN_CREATED) {
    uint64_t total = 0;
    auto counted = st.ctx.db->scan_raw(storage::column::customers, "", "",
                                       [&](std::string_view, std::string_view) {
                                         ++total;
                                         return true;
                                       });
    if (!counted) {
      fail(self, counted.err().message());
      return {};
    }
    st.ctx.state.set_total(total);
    st.ctx.state.set_state(v1::CAMPAIGN_RUNNING);
    st.ctx.state.set_started_at_ms(now_ms());
    log::info("campaign", st.id, ": started over ", total, " customers, corpus version ",
              st.ctx.state.corpus_version());
  } else {
    log::info("campaign", st.id, ": resuming from its checkpoints (", st.totals.processed(),
              " customers already handled)");
  }
  if (auto s = persist_state(self); !s) {
    fail(self, s.err().message());
    return {};
  }
  if (auto ownership = st.ctx.ownership) { // wakes a runner waiting on a sealed shard
    auto sub = ownership->subscribe(caf::actor_cast<caf::actor_addr>(self),
                                    caf::make_message(pull_atom::value),
                                    sharding::ownership_event::gained | sharding::ownership_event::lost
                                      | sharding::ownership_event::unsealed);
    self->attach_functor([ownership, sub] { ownership->unsubscribe(sub); });
  }
  if (!open_shard(self, 0))
    return {};
  if (st.shard >= st.ctx.db->shard_count())
    after_last_shard(self);
  else
    self->send(self, pull_atom::value);

  auto reply = [self]() { return status_of(self->state.ctx.state, self->state.totals); };
  return {
    [self](pull_atom) { fill(self); },
    [self, reply](actors::pause_atom) -> caf::result<campaign_status> {
      auto& st = self->state;
      if (st.ctx.state.state() != v1::CAMPAIGN_RUNNING)
        return actors::make_caf_error(actors::actors_errc::bad_request,
                              "campaign " + st.id + " is " + state_name(st.ctx.state.state())
                                + ", not running");
      st.ctx.state.set_state(v1::CAMPAIGN_PAUSED);
      if (auto s = persist_state(self); !s)
        return actors::make_caf_error(actors::actors_errc::provider_failed, s.err().message());
      progress(self);
      return reply();
    },
    [self, reply](actors::resume_atom) -> caf::result<campaign_status> {
      auto& st = self->state;
      if (st.ctx.state.state() != v1::CAMPAIGN_PAUSED)
        return actors::make_caf_error(actors::actors_errc::bad_request,
                              "campaign " + st.id + " is " + state_name(st.ctx.state.state())
                                + ", not paused");
      st.ctx.state.set_state(v1::CAMPAIGN_RUNNING);
      if (auto s = persist_state(self); !s)
        return actors::make_caf_error(actors::actors_errc::provider_failed, s.err().message());
      if (!st.entered && st.ctx.ownership && st.shard < st.ctx.db->shard_count()
          && !open_shard(self, st.shard))
        return reply();
      if (st.shard >= st.ctx.db->shard_count())
        after_last_shard(self);
      else
        fill(self);
      return reply();
    },
    [self, reply](actors::cancel_atom) -> caf::result<campaign_status> {
      auto& st = self->state;
      st.ctx.state.set_state(v1::CAMPAIGN_CANCELLED);
      st.ctx.state.set_finished_at_ms(now_ms());
      st.stopping = true;
      if (auto s = persist_state(self); !s)
        return actors::make_caf_error(actors::actors_errc::provider_failed, s.err().message());
      auto out = reply();
      progress(self);
      return out;
    },
    [reply](actors::status_atom) { return reply(); },
  };
}

} // namespace

caf::actor spawn_campaign_runner(caf::actor_system& sys, runner_context ctx) {
  return sys.spawn<caf::detached>(runner_impl, std::move(ctx));
}

status write_audited(const runner_context& ctx, storage::write_batch& batch,
                     std::vector<v1::AuditRecord> audit) {
  if (ctx.audit)
    return ctx.audit->write(*ctx.db, batch, std::move(audit));
  return ctx.db->write(batch);
}

result<campaign_status> stored_status(const storage::store& db,
                                      const v1::CampaignState& state) {
  auto counters = stored_counters(db, state.spec().id());
  if (!counters)
    return counters.err();
  return status_of(state, *counters);
}

} // namespace troupe::campaign
