#include "actors/stages.hpp"

#include <map>

#include <caf/all.hpp>

#include "actors/actor_error.hpp"
#include "actors/arm_assignment.hpp"
#include "personalize/tokenizer.hpp"
#include "segment/predicate.hpp"

#include <algorithm>

namespace troupe::actors {

const char* to_string(outcome o) {
  switch (o) {
    case outcome::pending: return "pending";
    case outcome::delivered: return "delivered";
    case outcome::blocked: return "blocked";
    case outcome::skipped: return "skipped";
    case outcome::failed: return "failed";
  }
  return "?";
}

v1::Delivery delivery_of(const std::string& campaign_id, const work_item& w,
                         const std::string& channel, int64_t delivered_at_ms) {
  v1::Delivery d;
  d.set_campaign_id(campaign_id);
  d.set_customer_id(w.customer->id());
  d.set_arm(w.arm);
  d.set_subject(w.message.subject);
  d.set_body(w.message.body);
  for (const auto& doc : w.citations)
    d.add_citations(doc);
  d.set_generator(w.message.generator);
  d.set_channel(channel);
  d.set_delivered_at_ms(delivered_at_ms);
  return d;
}

std::vector<v1::AuditRecord> audit_records_of(const std::string& campaign_id, const work_item& w,
                                              int64_t now_ms) {
  std::vector<v1::AuditRecord> out;
  if (w.result != outcome::delivered && w.result != outcome::blocked)
    return out;
  auto record = [&](const char* kind, const char* actor) {
    v1::AuditRecord r;
    r.set_kind(kind);
    r.set_actor(actor);
    r.set_campaign_id(campaign_id);
    r.set_customer_id(w.customer->id());
    r.set_ts_ms(now_ms);
    return r;
  };
  if (w.result == outcome::blocked) {
    auto r = record("safety_block", "stage:safety");
    r.set_term(w.blocked_term);
    r.set_document_id(w.blocked_document);
    out.push_back(std::move(r));
    return out;
  }
  out.push_back(record("safety_pass", "stage:safety"));
  out.push_back(record("delivery", "stage:deliver"));
  return out;
}

stage_metrics::stage_metrics(prometheus::Registry& registry)
  : family_(&prometheus::BuildHistogram()
               .Name("troupe_stage_seconds")
               .Help("Time a pipeline stage spends on one customer")
               .Register(registry)) {}

prometheus::Histogram& stage_metrics::stage(const std::string& name) {
  return family_->Add({{"stage", name}},
                      prometheus::Histogram::BucketBoundaries{1e-6, 1e-5, 1e-4, 1e-3, 0.01,
                                                              0.1, 1});
}

namespace {

using clock_type = std::chrono::steady_clock;
using step_fn = std::function<void(work_item&)>;

/// A stage whose work is a plain function of the item.
stage_actor::behavior_type sync_stage(stage_actor::pointer self, step_fn step,
                                      stage_actor next, prometheus::Histogram* seconds) {
  return {
    [self, step, next, seconds](work_item& w) -> caf::result<work_item> {
      auto start = clock_type::now();
      step(w);
      if (seconds != nullptr)
        seconds->Observe(std::chrono::duration<double>(clock_type::now() - start).count());
      if (w.result != outcome::pending || !next)
        return std::move(w);
      return self->delegate(next, std::move(w));
    },
  };
}

using retry_atom = caf::atom_constant<caf::atom("retry")>;

struct generate_state {
  v1::CampaignSpec spec;
  generation_provider generator;
  generate_retry_policy retry;
  stage_actor next;
  prometheus::Histogram* seconds = nullptr;
  struct waiting {
    caf::typed_response_promise<work_item> promise;
    work_item item;
    unsigned attempt;
    clock_type::time_point started;
  };
  /// Items waiting out a backoff, by the time they are due; one timer at a
  /// time serves them all, however many items wait.
  std::multimap<clock_type::time_point, waiting> retries;
  bool timer_armed = false;
};

using generate_actor = caf::stateful_actor<generate_state>;

/// Arms the stage's one retry timer for the earliest due item, if not armed.
void arm_timer(generate_actor* self) {
  auto& st = self->state;
  if (st.timer_armed || st.retries.empty())
    return;
  auto wait = std::max(std::chrono::duration_cast<std::chrono::milliseconds>(
                         st.retries.begin()->first - clock_type::now()),
                       std::chrono::milliseconds{1});
  st.timer_armed = true;
  self->delayed_send(self, wait, retry_atom::value);
}

void generate_attempt(generate_actor* self, caf::typed_response_promise<work_item> rp,
                      work_item w, unsigned attempt, clock_type::time_point started) {
  auto& st = self->state;
  generation_request req;
  req.campaign_id = st.spec.id();
  req.customer_id = w.customer->id();
  req.first_name = w.customer->first_name();
  req.product = st.spec.brief().product();
  req.features.assign(st.spec.brief().features().begin(), st.spec.brief().features().end());
  req.tone = st.spec.brief().tone();
  req.citations = w.citations;
  self->request(st.generator, st.retry.timeout, std::move(req))
    .then(
      [self, rp, w, started](generated_message& m) mutable {
        auto& st = self->state;
        w.message = std::move(m);
        if (st.seconds != nullptr)
          st.seconds->Observe(std::chrono::duration<double>(clock_type::now() - started).count());
        if (st.next)
          rp.delegate(st.next, std::move(w));
        else
          rp.deliver(std::move(w));
      },
      [self, rp, w, attempt, started](caf::error& err) mutable {
        auto& st = self->state;
        if (attempt + 1 >= st.retry.attempts) {
          w.result = outcome::failed;
          w.reason = "generate: " + describe(err) + " (after " + std::to_string(attempt + 1)
                     + " attempts)";
          rp.deliver(std::move(w));
          return;
        }
        auto backoff = st.retry.first_backoff * (1u << attempt);
        st.retries.emplace(clock_type::now() + backoff,
                           generate_state::waiting{rp, std::move(w), attempt + 1, started});
        arm_timer(self);
      });
}

caf::behavior generate_stage(generate_actor* self, v1::CampaignSpec spec,
                             generation_provider generator, generate_retry_policy retry,
                             stage_actor next, prometheus::Histogram* seconds) {
  auto& st = self->state;
  st.spec = std::move(spec);
  st.generator = std::move(generator);
  st.retry = retry;
  st.next = std::move(next);
  st.seconds = seconds;
  return {
    [self](work_item& w) {
      auto rp = self->make_response_promise<work_item>();
      generate_attempt(self, rp, std::move(w), 0, clock_type::now());
      return rp;
    },
    [self](retry_atom) {
      auto& st = self->state;
      st.timer_armed = false;
      auto now = clock_type::now();
      while (!st.retries.empty() && st.retries.begin()->first <= now) {
        auto waiting = std::move(st.retries.begin()->second);
        st.retries.erase(st.retries.begin());
        generate_attempt(self, waiting.promise, std::move(waiting.item), waiting.attempt,
                         waiting.started);
      }
      arm_timer(self);
    },
  };
}

} // namespace

stage_actor spawn_pipeline(caf::event_based_actor* owner, pipeline_inputs inputs,
                           const v1::CampaignSpec& spec,
                           generation_provider generator, generate_retry_policy retry,
                           std::shared_ptr<stage_metrics> metrics) {
  auto seconds = [&](const char* name) -> prometheus::Histogram* {
    return metrics ? &metrics->stage(name) : nullptr;
  };
  // Built back to front: each stage knows the next.
  step_fn deliver = [](work_item& w) { w.result = outcome::delivered; };
  auto deliver_stage = owner->spawn<caf::linked>(sync_stage, deliver, stage_actor{},
                                                 seconds("deliver"));
  auto arms = std::make_shared<arm_assignment>(spec.arms());
  auto campaign_id = spec.id();
  step_fn assign = [arms, campaign_id](work_item& w) {
    w.arm = arms->arm_of(campaign_id, w.customer->id());
  };
  auto assign_stage = owner->spawn<caf::linked>(sync_stage, assign, deliver_stage,
                                                seconds("assign"));
  auto blocked = inputs.blocked;
  auto texts = inputs.texts;
  step_fn screen = [blocked, texts](work_item& w) {
    if (auto term = blocked->first_match(w.message.subject + "\n" + w.message.body)) {
      w.result = outcome::blocked;
      w.reason = "safety: term '" + *term + "' in the message";
      w.blocked_term = *term;
      return;
    }
    for (const auto& doc : w.citations) {
      auto it = texts->find(doc);
      if (it == texts->end())
        continue;
      if (auto term = blocked->first_match(it->second)) {
        w.result = outcome::blocked;
        w.reason = "safety: term '" + *term + "' in document " + doc;
        w.blocked_term = *term;
        w.blocked_document = doc;
        return;
      }
    }
  };
  auto safety_stage = owner->spawn<caf::linked>(sync_stage, screen, assign_stage,
                                                seconds("safety"));
  auto generate = owner->spawn<caf::linked>(generate_stage, spec, std::move(generator), retry,
                                            safety_stage, seconds("generate"));
  // Retrieval: the query is the customer's categories plus the brief's
  // keywords; the customers' category sets are few, so answers are cached.
  auto index = inputs.index;
  std::vector<std::string> keywords;
  for (const auto& k : spec.brief().keywords())
    for (auto& t : personalize::tokenize(k))
      keywords.push_back(std::move(t));
  auto citations = spec.citations();
  auto cache = std::make_shared<std::map<std::vector<std::string>, std::vector<std::string>>>();
  step_fn retrieve = [index, keywords, citations, cache](work_item& w) {
    if (citations == 0)
      return;
    std::vector<std::string> query = keywords;
    for (const auto& category : w.customer->categories())
      for (auto& t : personalize::tokenize(category))
        query.push_back(std::move(t));
    std::sort(query.begin(), query.end());
    query.erase(std::unique(query.begin(), query.end()), query.end());
    auto hit = cache->find(query);
    if (hit == cache->end()) {
      if (cache->size() > 100'000)
        cache->clear(); // bounded: category sets are few, but not trusted to be
      hit = cache->emplace(query, index->top(query, citations)).first;
    }
    w.citations = hit->second;
  };
  auto retrieve_stage = owner->spawn<caf::linked>(sync_stage, retrieve,
                                                  caf::actor_cast<stage_actor>(generate),
                                                  seconds("retrieve"));
  auto compiled = segment::predicate::compile(spec.segment());
  // The spec was validated at create; a predicate that no longer compiles
  // (a newer build) skips nobody silently: every item fails with the reason.
  auto predicate = std::make_shared<result<segment::predicate>>(std::move(compiled));
  step_fn select = [predicate](work_item& w) {
    if (!*predicate) {
      w.result = outcome::failed;
      w.reason = "segment: " + predicate->err().message();
    } else if (!(*predicate)->selects(*w.customer)) {
      w.result = outcome::skipped;
    }
  };
  return owner->spawn<caf::linked>(sync_stage, select, retrieve_stage, seconds("segment"));
}

} // namespace troupe::actors
