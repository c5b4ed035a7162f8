#include "campaign/stages.hpp"

#include <map>
#include <set>

#include <caf/all.hpp>

#include "actors/actor_error.hpp"
#include "campaign/arm_assignment.hpp"
#include "common/log.hpp"
#include "common/thread_priority.hpp"
#include "contact_policy/holdout.hpp"
#include "providers/mail_message.hpp"
#include "personalize/tokenizer.hpp"
#include "segment/predicate.hpp"
#include "storage/json_codec.hpp"

#include <algorithm>

namespace troupe::campaign {

const char* to_string(outcome o) {
  switch (o) {
    case outcome::pending: return "pending";
    case outcome::delivered: return "delivered";
    case outcome::blocked: return "blocked";
    case outcome::skipped: return "skipped";
    case outcome::failed: return "failed";
    case outcome::held_out: return "held_out";
    case outcome::capped: return "frequency_capped";
  }
  return "?";
}

bool any_pending(const work_batch& b) {
  for (const auto& w : b.items)
    if (w.result == outcome::pending)
      return true;
  return false;
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
  d.set_occurrence(w.occurrence);
  d.set_event_ms(w.event_ms);
  return d;
}

std::vector<v1::AuditRecord> audit_records_of(const std::string& campaign_id, const work_item& w,
                                              int64_t now_ms) {
  std::vector<v1::AuditRecord> out;
  bool unsubscribed = w.result == outcome::skipped && w.reason == "unsubscribed";
  if (w.result != outcome::delivered && w.result != outcome::blocked
      && w.result != outcome::held_out && w.result != outcome::capped && !unsubscribed)
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
  // Sent nothing, and why: the global holdout, the customer's cap, or
  // the customer's unsubscribe.
  if (unsubscribed) {
    out.push_back(record("unsubscribed", "stage:segment"));
    return out;
  }
  if (w.result == outcome::held_out) {
    out.push_back(record(w.reason == holdout_arm_reason ? "holdout_arm" : "held_out",
                         "stage:segment"));
    return out;
  }
  if (w.result == outcome::capped) {
    out.push_back(record("frequency_capped", "contact_policy"));
    return out;
  }
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

std::chrono::milliseconds backoff_of(const retry_policy& p, unsigned attempt, double u) {
  auto base = p.first_backoff;
  for (unsigned i = 1; i < attempt && base < p.max_backoff; ++i)
    base *= 2;
  base = std::min(base, p.max_backoff);
  auto jittered = static_cast<double>(base.count()) * (1.0 - p.jitter * u);
  return std::chrono::milliseconds{static_cast<int64_t>(jittered)};
}

namespace {

using clock_type = std::chrono::steady_clock;
using step_fn = std::function<void(work_item&)>;

/// Nices the calling (detached) thread; a failure is logged, not fatal.
void lower_priority(int nice) {
  if (auto s = set_thread_nice(nice); !s)
    log::warn("campaign", "pipeline thread: ", s.err().message());
}

/// A stage whose work is a plain function of the item, applied to each
/// pending item of a batch.
stage_actor::behavior_type sync_stage(stage_actor::pointer self, step_fn step,
                                      stage_links links, stage_probe probe, int nice) {
  lower_priority(nice);
  return {
    [self, step, links, probe](work_batch& b) {
      auto start = clock_type::now();
      for (auto& w : b.items) {
        if (w.result != outcome::pending)
          continue;
        step(w);
        auto end = clock_type::now();
        probe.observe(std::chrono::duration<double>(end - start).count());
        probe.count(w.result);
        start = end;
      }
      pass_on(self, links, std::move(b));
    },
  };
}

/// The generate stage: the generation provider, retried.
call_step<providers::generation_request, providers::generated_message>
generate_step(const v1::CampaignSpec& spec, std::function<providers::generation_provider()> generator,
              retry_policy retry,
              std::shared_ptr<stage_metrics> metrics) {
  call_step<providers::generation_request, providers::generated_message> step{
    "generate", std::move(generator), retry, {}, {}};
  auto brief = spec.brief();
  auto campaign_id = spec.id();
  step.request_of = [brief, campaign_id](const work_item& w) {
    providers::generation_request req;
    req.campaign_id = campaign_id;
    req.customer_id = w.customer->id();
    req.first_name = w.customer->first_name();
    req.product = brief.product();
    req.features.assign(brief.features().begin(), brief.features().end());
    req.tone = brief.tone();
    req.citations = w.citations;
    return req;
  };
  // Messages by generator: the names are few (template, openai:<model>).
  auto counters = std::make_shared<std::map<std::string, prometheus::Counter*>>();
  step.apply = [metrics, counters](work_item& w, providers::generated_message& m) {
    if (metrics) {
      auto it = counters->find(m.generator);
      if (it == counters->end())
        it = counters->emplace(m.generator, &metrics->generated(m.generator)).first;
      it->second->Increment();
    }
    w.message = std::move(m);
  };
  return step;
}

/// The deliver stage of the webhook channel: POST, retried; 4xx is final.
call_step<providers::delivery_request, providers::delivery_receipt>
webhook_step(const v1::CampaignSpec& spec, std::function<providers::delivery_provider()> deliverer,
             retry_policy retry) {
  call_step<providers::delivery_request, providers::delivery_receipt> step{
    "deliver", std::move(deliverer), retry, {}, {}};
  auto campaign_id = spec.id();
  auto url = spec.webhook_url();
  step.request_of = [campaign_id, url](const work_item& w) {
    providers::delivery_request req;
    req.url = url;
    req.idempotency_key = campaign_id + ":" + w.customer->id()
                          + (w.occurrence.empty() ? "" : ":" + w.occurrence);
    auto now = std::chrono::duration_cast<std::chrono::milliseconds>(
                 std::chrono::system_clock::now().time_since_epoch())
                 .count();
    req.payload = storage::delivery_to_json(delivery_of(campaign_id, w, "webhook", now));
    return req;
  };
  step.apply = [url](work_item& w, providers::delivery_receipt& r) {
    if (providers::delivered_status(r.status)) {
      w.result = outcome::delivered;
      return;
    }
    w.result = outcome::failed;
    w.attempts = 1;
    w.reason = "deliver: HTTP " + std::to_string(r.status) + " from " + url
               + " (refused; not retried)" + (r.detail.empty() ? "" : ": " + r.detail);
  };
  return step;
}

/// The deliver stage of the smtp channel: one email, retried; 5xx is final.
call_step<providers::mail_request, providers::delivery_receipt>
smtp_step(const v1::CampaignSpec& spec, const pipeline_providers& providers,
          retry_policy retry) {
  call_step<providers::mail_request, providers::delivery_receipt> step{
    "deliver", providers.mailer, retry, {}, {}};
  auto campaign_id = spec.id();
  auto from = spec.mail_from();
  auto reply_to = spec.reply_to();
  auto link = providers.unsubscribe;
  // Once per campaign, not per customer: the envelope sender and its domain.
  auto sender = providers::address_of(from);
  auto domain = sender.substr(sender.rfind('@') + 1);
  step.request_of = [campaign_id, from, reply_to, link, sender, domain](const work_item& w) {
    providers::mail_request req;
    req.sender = sender;
    const auto& to = w.customer->email();
    if (!w.customer->has_email() || providers::mail_address_problem(to))
      return req; // no recipient: refused by the channel without a word to the relay
    req.recipient = to;
    providers::mail_content m;
    m.from = from;
    m.reply_to = reply_to;
    m.to = to;
    m.subject = w.message.subject;
    m.body = w.message.body;
    // The same id on every retry and after a restart (see smtp_channel.hpp).
    auto key = campaign_id + "." + w.customer->id()
               + (w.occurrence.empty() ? "" : "." + w.occurrence);
    m.message_id = contact_policy::url_encode(key) + "@" + domain;
    if (link)
      m.unsubscribe_url = link->url(w.customer->id(), campaign_id);
    m.date_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                  std::chrono::system_clock::now().time_since_epoch())
                  .count();
    req.message = providers::build_mail(m);
    return req;
  };
  step.apply = [](work_item& w, providers::delivery_receipt& r) {
    if (providers::delivered_status(r.status)) {
      w.result = outcome::delivered;
      return;
    }
    w.result = outcome::failed;
    w.attempts = 1;
    w.reason = "deliver: SMTP " + std::to_string(r.status) + " (refused; not retried)"
               + (r.detail.empty() ? "" : ": " + r.detail);
  };
  return step;
}

} // namespace

stage_actor spawn_pipeline(caf::event_based_actor* owner, pipeline_inputs inputs,
                           const v1::CampaignSpec& spec, pipeline_providers providers,
                           pipeline_policy policy, std::shared_ptr<stage_metrics> metrics) {
  auto probe = [&](const char* name) {
    return metrics ? metrics->probe(name) : stage_probe{};
  };
  // Built back to front: each stage knows the next, and all the sink.
  auto sink = caf::actor_cast<batch_sink>(owner);
  auto to = [&sink](stage_actor next) { return stage_links{std::move(next), sink}; };
  stage_actor deliver_stage;
  if (spec.channel() == "webhook") {
    deliver_stage = spawn_call_stage(owner, webhook_step(spec, providers.deliverer,
                                                         policy.deliver),
                                     to(stage_actor{}), probe("deliver"), policy.thread_nice);
  } else if (spec.channel() == "smtp") {
    deliver_stage = spawn_call_stage(owner, smtp_step(spec, providers, policy.mail),
                                     to(stage_actor{}), probe("deliver"), policy.thread_nice);
  } else {
    step_fn deliver = [](work_item& w) { w.result = outcome::delivered; };
    deliver_stage = owner->spawn<caf::linked + caf::detached>(sync_stage, deliver, to(stage_actor{}),
                                              probe("deliver"), policy.thread_nice);
  }
  auto arms = std::make_shared<arm_assignment>(spec.arms());
  auto campaign_id = spec.id();
  step_fn assign = [arms, campaign_id](work_item& w) {
    w.arm = arms->arm_of(campaign_id, w.customer->id());
  };
  auto assign_stage = owner->spawn<caf::linked + caf::detached>(sync_stage, assign, to(deliver_stage),
                                                probe("assign"), policy.thread_nice);
  auto blocked = inputs.blocked;
  auto texts = inputs.texts;
  // A document's verdict is the same for every customer who cites it: each
  // is screened once (the stage is one actor: no lock).
  auto verdicts = std::make_shared<std::map<std::string, std::optional<std::string>>>();
  step_fn screen = [blocked, texts, verdicts](work_item& w) {
    auto term = blocked->first_match(w.message.subject);
    if (!term)
      term = blocked->first_match(w.message.body);
    if (term) {
      w.result = outcome::blocked;
      w.reason = "safety: term '" + *term + "' in the message";
      w.blocked_term = *term;
      return;
    }
    for (const auto& doc : w.citations) {
      auto verdict = verdicts->find(doc);
      if (verdict == verdicts->end()) {
        auto it = texts->find(doc);
        if (it == texts->end())
          continue;
        verdict = verdicts->emplace(doc, blocked->first_match(it->second)).first;
      }
      if (const auto& doc_term = verdict->second) {
        w.result = outcome::blocked;
        w.reason = "safety: term '" + *doc_term + "' in document " + doc;
        w.blocked_term = *doc_term;
        w.blocked_document = doc;
        return;
      }
    }
  };
  auto safety_stage = owner->spawn<caf::linked + caf::detached>(sync_stage, screen, to(assign_stage),
                                                probe("safety"), policy.thread_nice);
  auto generation = generate_step(spec, std::move(providers.generator), policy.generate, metrics);
  stage_actor generate;
  if (providers.inline_template) {
    step_fn from_template = [request_of = generation.request_of,
                             apply = generation.apply](work_item& w) {
      auto message = providers::generate_from_template(request_of(w));
      apply(w, message);
    };
    generate = owner->spawn<caf::linked + caf::detached>(sync_stage, from_template, to(safety_stage),
                                         probe("generate"), policy.thread_nice);
  } else {
    generate = spawn_call_stage(owner, std::move(generation), to(safety_stage),
                                probe("generate"), policy.thread_nice);
  }
  // Retrieval: the query is the customer's categories plus the brief's
  // keywords; the customers' category sets are few, so answers are cached.
  auto index = inputs.index;
  std::vector<std::string> keywords;
  for (const auto& k : spec.brief().keywords())
    for (auto& t : personalize::tokenize(k))
      keywords.push_back(std::move(t));
  auto citations = spec.citations();
  auto cache = std::make_shared<std::map<std::vector<std::string>, std::vector<std::string>>>();
  prometheus::Counter* hits = metrics ? &metrics->retrieval_cache(true) : nullptr;
  prometheus::Counter* misses = metrics ? &metrics->retrieval_cache(false) : nullptr;
  step_fn retrieve = [index, keywords, citations, cache, hits, misses](work_item& w) {
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
      if (misses != nullptr)
        misses->Increment();
    } else if (hits != nullptr) {
      hits->Increment();
    }
    w.citations = hit->second;
  };
  auto retrieve_stage = owner->spawn<caf::linked + caf::detached>(sync_stage, retrieve, to(generate),
                                                  probe("retrieve"), policy.thread_nice);
  auto compiled = segment::predicate::compile(spec.segment());
  // The spec was validated at create; a predicate that no longer compiles
  // (a newer build) skips nobody silently: every item fails with the reason.
  // No segment (a triggered campaign's, evaluated when the customer
  // entered): everyone.
  auto predicate = std::make_shared<result<segment::predicate>>(std::move(compiled));
  bool everyone = spec.segment().empty();
  // The global holdout (contact_policy/holdout): selected, sent nothing.
  auto holdout = policy.holdout_basis_points;
  auto cap = policy.cap;
  auto unsubscribed = policy.unsubscribed;
  // The campaign's own holdout arms ("holdout": true): assigned as the
  // assign stage would, sent nothing, a baseline for the report.
  auto holdout_arms = std::make_shared<std::set<std::string>>();
  for (const auto& arm : spec.arms())
    if (arm.holdout())
      holdout_arms->insert(arm.name());
  step_fn select = [predicate, everyone, holdout, cap, unsubscribed, arms, holdout_arms,
                    campaign_id](work_item& w) {
    if (!everyone) {
      if (!*predicate) {
        w.result = outcome::failed;
        w.reason = "segment: " + predicate->err().message();
        return;
      }
      if (!(*predicate)->selects(*w.customer)) {
        w.result = outcome::skipped;
        return;
      }
    }
    if (unsubscribed) { // campaign/unsubscribes: no campaign sends to them
      auto gone = unsubscribed(w.customer->id());
      if (!gone) {
        w.result = outcome::failed;
        w.reason = "segment: cannot read whether the customer unsubscribed: "
                   + gone.err().message();
        return;
      }
      if (*gone) {
        w.result = outcome::skipped;
        w.reason = "unsubscribed";
        return;
      }
    }
    if (contact_policy::held_out(w.customer->id(), holdout)) {
      w.result = outcome::held_out;
      w.reason = "held_out";
      return;
    }
    if (cap)
      cap(w); // allowed (a contact reserved), or capped
    // A holdout arm's customers after the cap, as every arm's: a capped
    // customer leaves each arm alike (the contact a held one reserved is
    // released, as for every customer not delivered).
    if (!holdout_arms->empty() && w.result == outcome::pending) {
      auto arm = arms->arm_of(campaign_id, w.customer->id());
      if (holdout_arms->count(arm) > 0) {
        w.arm = std::move(arm);
        w.result = outcome::held_out;
        w.reason = holdout_arm_reason;
      }
    }
  };
  return owner->spawn<caf::linked + caf::detached>(sync_stage, select, to(retrieve_stage),
                                                   probe("segment"), policy.thread_nice);
}

} // namespace troupe::campaign
