#include "campaign/manager.hpp"

#include "campaign/contact_overrides.hpp"
#include "campaign/trigger_runner.hpp"
#include "campaign/trigger_spec.hpp"

#include <map>
#include <set>

#include "actors/actor_error.hpp"
#include "campaign/lifecycle.hpp"
#include "campaign/runner_links.hpp"
#include "segment/predicate.hpp"
#include "campaign/spec.hpp"
#include "common/log.hpp"
#include "storage/campaign_records.hpp"

namespace troupe::campaign {

namespace {

struct manager_state {
  campaign_manager_config cfg;
  std::map<std::string, caf::actor> runners;          ///< live runners by campaign id
  std::map<caf::actor_addr, std::string> by_addr;
  runner_links<caf::actor_addr> linked; ///< live runners, linked to this manager
  std::map<std::string, unsigned> crashes;            ///< runner failures by campaign
  /// Live dead-letter replays: the campaign, and whom to answer when it ends.
  struct replay_entry {
    std::string id;
    caf::typed_response_promise<replay_result> promise;
  };
  std::map<caf::actor_addr, replay_entry> replays;
  uint64_t seen_gained = 0;   ///< shard_ownership::gained() when last looked
};

using manager_actor = caf::stateful_actor<manager_state>;

constexpr unsigned max_runner_crashes = 3;

int64_t now_ms() { return wall_clock_ms(); }

/// A storage failure as it is (its storage_errc and retryable flag kept).
caf::error storage_failure(const error& e) { return actors::to_caf_error(e); }

result<std::optional<v1::CampaignState>> load(manager_actor* self, const std::string& id) {
  return storage::read_campaign(*self->state.cfg.db, id);
}

/// `c` moved by `command`, or the refusal to answer with.
caf::expected<v1::CampaignState> moved(v1::CampaignState c, campaign_command command) {
  auto next = apply(state_of(c), command, c.spec().id());
  if (!next)
    return actors::to_caf_error(next.err());
  c.set_state(to_proto(*next));
  return c;
}

/// The stored campaign `id`, or the error to answer with.
caf::expected<v1::CampaignState> existing(manager_actor* self, const std::string& id) {
  auto stored = load(self, id);
  if (!stored)
    return storage_failure(stored.err());
  if (!stored->has_value())
    return actors::make_caf_error(actors::actors_errc::bad_request, "no campaign '" + id + "'");
  return std::move(**stored);
}

/// The status of a campaign that has no live runner, from the store.
caf::expected<campaign_status> status_from_store(manager_actor* self,
                                                 const v1::CampaignState& state) {
  auto status = stored_status(*self->state.cfg.db, state, owned_shards(self->state.cfg.ownership));
  if (!status)
    return storage_failure(status.err());
  return std::move(*status);
}

bool replaying(manager_actor* self, const std::string& id) {
  for (auto& [addr, r] : self->state.replays)
    if (r.id == id)
      return true;
  return false;
}

caf::error already_replaying(const std::string& id) {
  return actors::make_caf_error(actors::actors_errc::bad_request,
                                "campaign " + id + " is replaying its dead letters already");
}

/// What a runner (or a dead-letter replay) of `state` is built from.
runner_context context_for(manager_actor* self, v1::CampaignState state) {
  auto& cfg = self->state.cfg;
  runner_context ctx;
  ctx.state = std::move(state);
  ctx.db = cfg.db;
  ctx.providers.generator = cfg.generator;
  ctx.providers.inline_template = cfg.inline_template;
  ctx.providers.deliverer = cfg.deliverer;
  ctx.providers.mailer = cfg.mailer;
  ctx.providers.unsubscribe = cfg.unsubscribe;
  ctx.opts = cfg.runner;
  ctx.opts.contacts = rules_for(cfg.runner.contacts, ctx.state.spec());
  ctx.metrics = cfg.metrics;
  ctx.node_blocklist = cfg.node_blocklist;
  ctx.ownership = cfg.ownership;
  ctx.writer = cfg.writer;
  ctx.audit = cfg.audit;
  return ctx;
}

/// Replays the dead letters of `stored`, answering `rp` when it has (or
/// when it stops without answering: the down handler).
void start_replay(manager_actor* self, v1::CampaignState stored,
                  caf::typed_response_promise<replay_result> rp) {
  auto id = stored.spec().id();
  auto replayer = spawn_dead_letter_replay(self->system(), context_for(self, std::move(stored)));
  self->monitor(replayer);
  auto addr = replayer.address();
  self->state.replays[addr] = manager_state::replay_entry{id, rp};
  // Over when it answers (not when its down message comes): a replay or a
  // resume asked right after is not refused as "replaying already".
  auto settle = [self, addr](auto&& answer) {
    auto it = self->state.replays.find(addr);
    if (it == self->state.replays.end())
      return;
    it->second.promise.deliver(std::move(answer));
    self->state.replays.erase(it);
  };
  self->request(replayer, caf::infinite, actors::replay_atom::value)
    .then([settle](replay_result& r) mutable { settle(std::move(r)); },
          [settle](caf::error& err) mutable { settle(std::move(err)); });
}

void start_runner(manager_actor* self, v1::CampaignState state) {
  auto& st = self->state;
  auto id = state.spec().id();
  bool triggered = is_triggered(state.spec());
  auto runner = triggered
                  ? spawn_trigger_runner(self->system(), context_for(self, std::move(state)),
                                         st.cfg.triggers,
                                         static_cast<int>(st.cfg.limits.max_predicate_depth))
                  : spawn_campaign_runner(self->system(), context_for(self, std::move(state)));
  self->monitor(runner);
  // Linked: a manager that dies takes its runners along, so that the
  // manager its supervisor starts next resumes each campaign exactly once.
  self->link_to(runner);
  st.linked.linked(runner.address());
  st.runners[id] = runner;
  st.by_addr[runner.address()] = id;
}

/// Relays a control message to the campaign's live runner. A runner that
/// has just finished (it quits when its campaign is done) is answered for
/// from the store.
template <class Atom>
caf::result<campaign_status> to_runner(manager_actor* self, const std::string& id, Atom a) {
  auto rp = self->make_response_promise<campaign_status>();
  auto it = self->state.runners.find(id);
  self->request(it->second, std::chrono::seconds(60), a)
    .then([rp](campaign_status& s) mutable { rp.deliver(std::move(s)); },
          [self, rp, id](caf::error& err) mutable {
            if (err != caf::sec::request_receiver_down) {
              rp.deliver(std::move(err));
              return;
            }
            auto state = existing(self, id);
            auto s = state ? status_from_store(self, *state) : state.error();
            if (s)
              rp.deliver(std::move(*s));
            else
              rp.deliver(std::move(s.error()));
          });
  return rp;
}

/// Starts a runner for the stored campaign `id` that `command` (start or
/// resume) moves to running; answers the runner's status. A start is the
/// runner's own transition (it counts the customers first), so the runner
/// gets the stored state; a resume's state is moved here.
caf::result<campaign_status> run_stored(manager_actor* self, const std::string& id,
                                        campaign_command command) {
  auto stored = existing(self, id);
  if (!stored)
    return stored.error();
  auto next = moved(*stored, command);
  if (!next)
    return next.error();
  if (replaying(self, id))
    return actors::make_caf_error(actors::actors_errc::bad_request,
                                  "campaign " + id + " is replaying its dead letters");
  start_runner(self, command == campaign_command::start ? std::move(*stored) : std::move(*next));
  return to_runner(self, id, actors::status_atom::value);
}

/// True if a shard this node owns has no finished checkpoint of `id`.
bool has_work_here(manager_actor* self, const std::string& id) {
  auto& db = *self->state.cfg.db;
  for (auto shard : self->state.cfg.ownership->owned()) {
    auto cp = storage::read_checkpoint(db, id, shard);
    if (!cp || !cp->has_value() || !(*cp)->done())
      return true;
  }
  return false;
}

/// After this node gained shards (a handoff; the shard ownership sends the
/// tick): a running or completed campaign with unfinished work in them
/// gets a runner here.
void check_gained(manager_actor* self) {
  auto& st = self->state;
  auto gained = st.cfg.ownership->gained();
  if (gained == st.seen_gained)
    return;
  st.seen_gained = gained;
  std::vector<v1::CampaignState> to_run;
  auto scanned = storage::scan_campaigns(*st.cfg.db, [&](const v1::CampaignState& c) {
    // Running or completed elsewhere: it may reopen here.
    if (auto reopened = moved(c, campaign_command::reopen);
        reopened && st.runners.count(c.spec().id()) == 0 && has_work_here(self, c.spec().id()))
      to_run.push_back(std::move(*reopened));
    return true;
  });
  if (!scanned)
    log::error("campaign", "cannot read the campaigns: ", scanned.err().message());
  for (auto& c : to_run) {
    log::info("campaign", c.spec().id(), ": shards handed to this node have work left: running");
    c.set_finished_at_ms(0);
    if (auto put = storage::write_campaign(*st.cfg.db, c); !put) {
      log::error("campaign", c.spec().id(), ": ", put.err().message());
      continue;
    }
    start_runner(self, c);
  }
}

using orphans_atom = caf::atom_constant<caf::atom("orphans")>;
/// How often a member in a cluster looks for campaigns running without a runner here.
constexpr auto orphan_interval = std::chrono::seconds(2);

/// A campaign the store says is running but that has no runner here: one
/// that arrived with a copy of a shard (a replica's catch-up copies the
/// campaigns' states) while it ran elsewhere. It gets a runner, which works
/// the shards this node is the primary of and completes when none is left.
void adopt_orphans(manager_actor* self) {
  auto& st = self->state;
  std::vector<v1::CampaignState> orphans;
  auto scanned = storage::scan_campaigns(*st.cfg.db, [&](const v1::CampaignState& c) {
    if (state_of(c) == campaign_state::running && st.runners.count(c.spec().id()) == 0
        && !replaying(self, c.spec().id()))
      orphans.push_back(c);
    return true;
  });
  if (!scanned)
    log::error("campaign", "cannot read the campaigns: ", scanned.err().message());
  for (auto& c : orphans) {
    log::info("campaign", c.spec().id(), ": running, copied here with a shard: runs here too");
    start_runner(self, c);
  }
}

caf::behavior manager_impl(manager_actor* self, campaign_manager_config cfg) {
  self->state.cfg = std::move(cfg);
  if (!self->state.cfg.triggers) // no events reach this one: its sends are the stored ones
    self->state.cfg.triggers = std::make_shared<trigger_book>();
  // Recovery: every campaign the store says is running gets its runner back.
  auto& st = self->state;
  auto scanned = storage::scan_campaigns(*st.cfg.db, [&](const v1::CampaignState& c) {
    if (state_of(c) == campaign_state::running) {
      log::info("campaign", c.spec().id(), ": was running: resuming");
      start_runner(self, c);
    }
    return true;
  });
  if (!scanned)
    log::error("campaign", "cannot read the campaigns to resume: ", scanned.err().message());

  // A runner's exit (it quits with user_shutdown when its campaign is done)
  // is handled through its down message; any other exit stops the manager.
  // Its address is forgotten here: a node running campaigns for months
  // keeps only its live runners'.
  self->set_exit_handler([self](caf::exit_msg& em) {
    if (!self->state.linked.exited(em.source))
      self->quit(em.reason);
  });
  self->set_down_handler([self](caf::down_msg& dm) {
    auto& st = self->state;
    if (auto r = st.replays.find(dm.source); r != st.replays.end()) {
      // It stopped without answering (it answers, then quits, otherwise).
      r->second.promise.deliver(actors::make_caf_error(
        actors::actors_errc::bad_request, "the replay of campaign " + r->second.id
                                            + " stopped: " + self->system().render(dm.reason)));
      st.replays.erase(r);
      return;
    }
    auto it = st.by_addr.find(dm.source);
    if (it == st.by_addr.end())
      return;
    auto id = it->second;
    st.by_addr.erase(it);
    st.runners.erase(id);
    if (!dm.reason || dm.reason == caf::exit_reason::normal
        || dm.reason == caf::exit_reason::user_shutdown)
      return; // finished (runners stop with user_shutdown to take their stages along)
    // The runner crashed: its checkpoints are intact, so run it again.
    auto stored = load(self, id);
    if (!stored || !stored->has_value() || state_of(**stored) != campaign_state::running)
      return;
    if (++st.crashes[id] > max_runner_crashes) {
      auto failed = moved(**stored, campaign_command::fail);
      failed->set_failure_reason("the runner failed " + std::to_string(max_runner_crashes + 1)
                                 + " times; last: " + actors::describe(dm.reason));
      failed->set_finished_at_ms(now_ms());
      if (auto s = storage::write_campaign(*st.cfg.db, *failed); !s)
        log::error("campaign", id, ": ", s.err().message());
      return;
    }
    log::warn("campaign", id, ": runner failed (", actors::describe(dm.reason), "); restarting it");
    start_runner(self, **stored);
  });

  if (auto ownership = st.cfg.ownership) {
    auto sub = ownership->subscribe(caf::actor_cast<caf::actor_addr>(self),
                                    caf::make_message(caf::tick_atom::value),
                                    sharding::ownership_event::gained);
    self->attach_functor([ownership, sub] { ownership->unsubscribe(sub); });
    st.seen_gained = ownership->gained();
    self->delayed_send(self, orphan_interval, orphans_atom::value);
  }
  return {
    [self](caf::tick_atom) { check_gained(self); },
    [self](orphans_atom) {
      adopt_orphans(self);
      self->delayed_send(self, orphan_interval, orphans_atom::value);
    },
    [self](actors::create_atom, const std::string& text) -> caf::result<campaign_status> {
      auto spec = parse_campaign_spec(text);
      if (!spec)
        return actors::make_caf_error(actors::actors_errc::bad_request, spec.err().message());
      if (spec->channel() == "smtp" && !self->state.cfg.mailer)
        return actors::make_caf_error(actors::actors_errc::bad_request,
                                      "campaign spec: channel \"smtp\" needs an SMTP relay: "
                                      "start the node with --smtp-url");
      if (auto breach = config::predicate_over_limit(spec->segment(), self->state.cfg.limits))
        return actors::make_caf_error(actors::actors_errc::bad_request,
                                      "campaign spec: segment: " + *breach);
      auto depth = static_cast<int>(self->state.cfg.limits.max_predicate_depth);
      if (auto breach = config::predicate_over_limit(spec->trigger().where(),
                                                     self->state.cfg.limits))
        return actors::make_caf_error(actors::actors_errc::bad_request,
                                      "campaign spec: trigger.where: " + *breach);
      if (is_triggered(*spec)) { // both predicates, at the node's nesting limit
        if (auto armed = arm_trigger(*spec, depth); !armed)
          return actors::make_caf_error(actors::actors_errc::bad_request,
                                        "campaign spec: " + armed.err().message());
      } else if (auto p = segment::predicate::compile(spec->segment(), depth); !p) {
        return actors::make_caf_error(actors::actors_errc::bad_request,
                                      "campaign spec: segment: " + p.err().message());
      }
      auto existing = load(self, spec->id());
      if (!existing)
        return storage_failure(existing.err());
      if (existing->has_value())
        return actors::make_caf_error(actors::actors_errc::bad_request,
                              "campaign '" + spec->id() + "' exists already");
      v1::CampaignState state;
      *state.mutable_spec() = *spec;
      state.set_state(to_proto(campaign_state::created));
      state.set_created_at_ms(now_ms());
      if (auto s = storage::write_campaign(*self->state.cfg.db, state); !s)
        return storage_failure(s.err());
      if (self->state.cfg.metrics)
        self->state.cfg.metrics->set_state(spec->id(), campaign_state::created);
      return status_from_store(self, state);
    },
    [self](actors::start_atom, const std::string& id) -> caf::result<campaign_status> {
      return run_stored(self, id, campaign_command::start);
    },
    [self](actors::pause_atom, const std::string& id) -> caf::result<campaign_status> {
      if (self->state.runners.count(id) != 0)
        return to_runner(self, id, actors::pause_atom::value);
      auto stored = existing(self, id);
      if (!stored)
        return stored.error();
      if (auto paused = moved(*stored, campaign_command::pause); !paused)
        return paused.error();
      // Running, by the store, but with no runner here (a member whose
      // shards moved away): nothing to pause on this node.
      return actors::make_caf_error(actors::actors_errc::bad_request,
                                    "campaign " + id + " is not running here");
    },
    [self](actors::resume_atom, const std::string& id) -> caf::result<campaign_status> {
      if (self->state.runners.count(id) != 0)
        return to_runner(self, id, actors::resume_atom::value);
      // A paused campaign whose node restarted has no runner: start one.
      return run_stored(self, id, campaign_command::resume);
    },
    [self](actors::cancel_atom, const std::string& id) -> caf::result<campaign_status> {
      if (self->state.runners.count(id) != 0)
        return to_runner(self, id, actors::cancel_atom::value);
      auto stored = existing(self, id);
      if (!stored)
        return stored.error();
      auto state = moved(std::move(*stored), campaign_command::cancel);
      if (!state)
        return state.error();
      state->set_finished_at_ms(now_ms());
      if (auto s = storage::write_campaign(*self->state.cfg.db, *state); !s)
        return storage_failure(s.err());
      return status_from_store(self, *state);
    },
    [self](actors::status_atom, const std::string& id) -> caf::result<campaign_status> {
      if (self->state.runners.count(id) != 0)
        return to_runner(self, id, actors::status_atom::value);
      auto stored = existing(self, id);
      if (!stored)
        return stored.error();
      return status_from_store(self, *stored);
    },
    [self](actors::list_atom) -> caf::result<std::vector<campaign_status>> {
      std::vector<campaign_status> all;
      std::optional<error> failure;
      auto st = storage::scan_campaigns(*self->state.cfg.db, [&](const v1::CampaignState& c) {
        auto s = stored_status(*self->state.cfg.db, c, owned_shards(self->state.cfg.ownership));
        if (!s) {
          failure = s.err();
          return false;
        }
        all.push_back(std::move(*s));
        return true;
      });
      if (!st)
        return storage_failure(st.err());
      if (failure)
        return storage_failure(*failure);
      return all;
    },
    [self](actors::replay_atom, const std::string& id) -> caf::result<replay_result> {
      auto stored = existing(self, id);
      if (!stored)
        return stored.error();
      if (replaying(self, id))
        return already_replaying(id);
      auto rp = self->make_response_promise<replay_result>();
      auto live = self->state.runners.find(id);
      if (live == self->state.runners.end()) {
        start_replay(self, std::move(*stored), rp);
        return rp;
      }
      // A paused triggered campaign's runner waits, its sends held: it
      // goes once nothing of it is in flight (it says so), so that the
      // replay's counts are not overwritten by its cached ones; a resume
      // starts a new one from the store.
      if (!is_triggered(stored->spec()) || stored->state() != v1::CAMPAIGN_PAUSED)
        return actors::make_caf_error(actors::actors_errc::bad_request,
                              "campaign " + id + " is running: pause it to replay its dead letters");
      auto runner = live->second;
      self->request(runner, std::chrono::seconds(10), actors::replay_atom::value)
        .then(
          [self, id, runner, rp](bool) mutable {
            auto& st = self->state;
            st.by_addr.erase(runner.address());
            if (auto it = st.runners.find(id); it != st.runners.end() && it->second == runner)
              st.runners.erase(it);
            auto again = existing(self, id);
            if (!again)
              rp.deliver(again.error());
            else if (replaying(self, id))
              rp.deliver(already_replaying(id));
            else
              start_replay(self, std::move(*again), rp);
          },
          [rp](caf::error& err) mutable { rp.deliver(std::move(err)); });
      return rp;
    },
    [self](actors::info_atom) -> uint64_t { return self->mailbox().size(); },
  };
}

} // namespace

campaign_manager_actor spawn_campaign_manager(caf::actor_system& sys,
                                              campaign_manager_config cfg) {
  return caf::actor_cast<campaign_manager_actor>(
    sys.spawn<caf::detached>(manager_impl, std::move(cfg)));
}

} // namespace troupe::campaign
