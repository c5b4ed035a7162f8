#include "runtime/node_tree.hpp"

#include <caf/all.hpp>

#include "actors/breaker.hpp"
#include "runtime/member_gateway.hpp"
#include "runtime/shell_gateway.hpp"
#include "customers/registry.hpp"
#include "actors/fault_provider.hpp"
#include "providers/generation.hpp"
#include "actors/limited_provider.hpp"
#include "actors/limiter.hpp"
#include "providers/openai_generator.hpp"
#include "providers/webhook_channel.hpp"
#include "campaign/manager.hpp"
#include "customers/replica_applier.hpp"
#include "customers/storage_actor.hpp"

#include "actors/handle_slot.hpp"
#include "cluster/cluster_actor.hpp"

namespace troupe::runtime {

namespace {

using std::chrono::milliseconds;

actors::breaker_policy breaker_policy_of(const config::node_config& cfg) {
  actors::breaker_policy p;
  p.error_rate = cfg.breaker_error_rate;
  p.min_calls = cfg.breaker_min_calls;
  p.consecutive_failures = cfg.breaker_consecutive;
  p.window = milliseconds{cfg.breaker_window_ms};
  p.cool_down = milliseconds{cfg.breaker_cooldown_ms};
  p.half_open_trials = cfg.breaker_trials;
  p.call_timeout = milliseconds{cfg.provider_timeout_ms};
  return p;
}

using actors::handle_slot;

/// The generation provider: the OpenAI-compatible client behind the
/// limiter (--generator openai), else the template generator, or fault
/// injection around it when --fault-generate is set.
providers::generation_provider
spawn_generation_provider(caf::actor_system& sys, const config::node_config& cfg,
                          std::function<actors::limiter_actor()> limiter) {
  if (cfg.generator == "openai") {
    providers::openai_options o;
    o.base_url = cfg.llm_url;
    o.model = cfg.llm_model;
    o.api_key = cfg.llm_api_key;
    o.timeout = milliseconds{cfg.llm_timeout_ms};
    o.concurrency = cfg.llm_concurrency;
    return actors::spawn_limited_provider<providers::generation_request, providers::generated_message>(
      sys, std::move(limiter), "generate",
                                          providers::spawn_openai_generator(sys, o));
  }
  const auto& faults = cfg.fault_generate;
  if (!faults.enabled)
    return providers::spawn_template_generator(sys);
  actors::fault_policy fp;
  fp.failure_rate = faults.failure_rate;
  fp.latency = milliseconds{faults.latency_ms};
  fp.hang = faults.hang;
  return actors::spawn_fault_provider<providers::generation_request, providers::generated_message>(
    sys, fp, providers::generate_from_template);
}

actors::child_spec worker(std::string name,
                          std::function<caf::strong_actor_ptr(caf::actor_system&)> start) {
  actors::child_spec spec;
  spec.name = std::move(name);
  spec.start = std::move(start);
  return spec;
}

template <class Handle>
caf::strong_actor_ptr ptr(const Handle& h) {
  return caf::actor_cast<caf::strong_actor_ptr>(h);
}

} // namespace

node_tree build_node_tree(const config::node_config& cfg, gateway_context admin,
                          shard_writes writes,
                          prometheus::Registry& registry,
                          std::shared_ptr<actors::supervisor_metrics> supervisor_metrics,
                          cluster::cluster_config cluster) {
  node_tree tree;
  tree.policy = actors::restart_policy{cfg.restart_budget, milliseconds{cfg.restart_window_ms}};
  tree.breaker_paths = {"stages/breaker:generate", "stages/breaker:deliver"};
  admin.breaker_paths = tree.breaker_paths;

  auto store = admin.status->store;
  auto time = actors::real_clock();
  auto customer_metrics = std::make_shared<customers::customer_metrics>(registry);
  auto import_metrics = std::make_shared<customers::import_metrics>(registry);
  auto limiter_metrics = std::make_shared<actors::limiter_metrics>(registry);
  auto generate_metrics = std::make_shared<actors::breaker_metrics>(registry, "generate");
  auto deliver_metrics = std::make_shared<actors::breaker_metrics>(registry, "deliver");
  auto webhook_metrics = std::make_shared<providers::webhook_metrics>(registry);
  auto smtp_metrics = std::make_shared<providers::smtp_metrics>(registry);

  customers::registry_options customers;
  customers.max_live = cfg.max_live_customers;
  customers.idle_timeout = milliseconds{cfg.customer_idle_ms};
  customers.sweep_interval = milliseconds{std::max(100u, cfg.customer_idle_ms / 2)};

  actors::limiter_options limits;
  limits.default_policy = {cfg.generate_rate, cfg.generate_burst};
  limits.per_key["generate"] = {cfg.generate_rate, cfg.generate_burst};
  limits.per_key["deliver"] = {cfg.webhook_rate, cfg.webhook_burst};
  limits.per_key["smtp"] = {cfg.mail.smtp_rate, cfg.mail.smtp_burst};
  limits.max_wait = milliseconds{cfg.limiter_max_wait_ms};

  // The current handles of the limiter and the breakers, set each time one
  // (re)starts: the providers and the campaigns look them up when needed.
  auto limiter = std::make_shared<handle_slot<actors::limiter_actor>>();
  auto generator = std::make_shared<handle_slot<providers::generation_provider>>();
  auto deliverer = std::make_shared<handle_slot<providers::delivery_provider>>();
  auto mailer = std::make_shared<handle_slot<providers::mail_provider>>();
  std::function<actors::limiter_actor()> limiter_of = [limiter] { return limiter->get(); };
  auto campaign_metrics = std::make_shared<campaign::campaign_metrics>(
    registry, 100, std::chrono::minutes{cfg.campaign_metrics_minutes});
  tree.campaign_metrics = campaign_metrics;

  // A breaker's call includes the limiter's wait and the provider's own
  // timeout; it must not give up before the provider does.
  auto generate_policy = breaker_policy_of(cfg);
  if (cfg.generator == "openai")
    generate_policy.call_timeout = milliseconds{cfg.llm_timeout_ms + cfg.limiter_max_wait_ms
                                                + 1000};
  auto deliver_policy = breaker_policy_of(cfg);
  deliver_policy.call_timeout = milliseconds{cfg.webhook_timeout_ms + cfg.limiter_max_wait_ms
                                             + 1000};
  providers::webhook_options webhook;
  webhook.timeout = milliseconds{cfg.webhook_timeout_ms};
  webhook.concurrency = cfg.webhook_concurrency;

  std::vector<actors::child_spec> stages{
    worker("limiter",
           [limits, time, limiter_metrics](caf::actor_system& sys) {
             return ptr(actors::spawn_limiter(sys, "limiter", limits, time, limiter_metrics));
           }),
    worker("breaker:generate",
           [cfg, generate_policy, limiter_of, time, generate_metrics](caf::actor_system& sys) {
             actors::breaker_config<providers::generation_request, providers::generated_message> b;
             b.name = "breaker:generate";
             b.policy = generate_policy;
             b.provider = spawn_generation_provider(sys, cfg, limiter_of);
             b.fallback = providers::spawn_template_generator(sys);
             // A failed HTTP call gets the template's message at once (the
             // fault injector keeps its failures: it tests retries and dead letters).
             b.fallback_on_error = cfg.generator == "openai";
             b.time = time;
             b.metrics = generate_metrics;
             return ptr(actors::spawn_breaker(sys, std::move(b)));
           }),
  };
  stages.back().on_started = [generator](const caf::strong_actor_ptr& breaker, unsigned) {
    generator->set(caf::actor_cast<providers::generation_provider>(breaker));
  };
  stages.front().on_started = [limiter](const caf::strong_actor_ptr& l, unsigned) {
    limiter->set(caf::actor_cast<actors::limiter_actor>(l));
  };
  // The webhook channel has no fallback: while its breaker is open, the
  // deliver stage waits and retries, then dead-letters.
  stages.push_back(worker(
    "breaker:deliver",
    [deliver_policy, webhook, limiter_of, time, deliver_metrics,
     webhook_metrics](caf::actor_system& sys) {
      actors::breaker_config<providers::delivery_request, providers::delivery_receipt> b;
      b.name = "breaker:deliver";
      b.policy = deliver_policy;
      b.provider = actors::spawn_limited_provider<providers::delivery_request, providers::delivery_receipt>(
        sys, limiter_of, "deliver", providers::spawn_webhook_channel(sys, webhook, webhook_metrics));
      b.time = time;
      b.metrics = deliver_metrics;
      return ptr(actors::spawn_breaker(sys, std::move(b)));
    }));
  stages.back().on_started = [deliverer](const caf::strong_actor_ptr& breaker, unsigned) {
    deliverer->set(caf::actor_cast<providers::delivery_provider>(breaker));
  };

  auto mail_retry = campaign::pipeline_policy{}.mail;
  if (cfg.mail.enabled()) { // the smtp channel: as the webhook's, without a fallback
    auto smtp_policy = breaker_policy_of(cfg);
    smtp_policy.call_timeout = milliseconds{cfg.mail.smtp_timeout_ms + cfg.limiter_max_wait_ms
                                            + 1000};
    providers::smtp_options smtp;
    smtp.url = cfg.mail.smtp_url;
    smtp.tls = cfg.mail.smtp_tls ? providers::smtp_tls::required : providers::smtp_tls::none;
    smtp.ca_file = cfg.mail.smtp_ca_file;
    smtp.user = cfg.mail.smtp_user;
    smtp.password = cfg.mail.smtp_password;
    smtp.timeout = milliseconds{cfg.mail.smtp_timeout_ms};
    smtp.concurrency = cfg.mail.smtp_concurrency;
    auto breaker_metrics = std::make_shared<actors::breaker_metrics>(registry, "smtp");
    stages.push_back(worker(
      "breaker:smtp",
      [smtp_policy, smtp, limiter_of, time, breaker_metrics, smtp_metrics](caf::actor_system& sys) {
        actors::breaker_config<providers::mail_request, providers::delivery_receipt> b;
        b.name = "breaker:smtp";
        b.policy = smtp_policy;
        b.provider =
          actors::spawn_limited_provider<providers::mail_request, providers::delivery_receipt>(
            sys, limiter_of, "smtp", providers::spawn_smtp_channel(sys, smtp, smtp_metrics));
        b.time = time;
        b.metrics = breaker_metrics;
        return ptr(actors::spawn_breaker(sys, std::move(b)));
      }));
    stages.back().on_started = [mailer](const caf::strong_actor_ptr& breaker, unsigned) {
      mailer->set(caf::actor_cast<providers::mail_provider>(breaker));
    };
    tree.breaker_paths.push_back("stages/breaker:smtp");
    mail_retry.timeout = smtp_policy.call_timeout + milliseconds{1000};
    mail_retry.attempts = cfg.mail.smtp_attempts;
    mail_retry.first_backoff = milliseconds{cfg.mail.smtp_backoff_ms};
    admin.breaker_paths = tree.breaker_paths;
  }

  campaign::campaign_manager_config campaigns;
  campaigns.db = store;
  campaigns.generator = [generator] { return generator->get(); };
  campaigns.inline_template = cfg.generator == "template" && !cfg.fault_generate.enabled;
  campaigns.deliverer = [deliverer] { return deliverer->get(); };
  if (cfg.mail.enabled()) {
    campaigns.mailer = [mailer] { return mailer->get(); };
    campaigns.unsubscribe = std::make_shared<const contact_policy::unsubscribe_link>(
      cfg.mail.unsubscribe_key, cfg.mail.public_url);
  }
  // Retries wait on the breaker, which waits on the provider.
  campaigns.runner.retry.generate.timeout = generate_policy.call_timeout + milliseconds{1000};
  campaigns.runner.retry.deliver.timeout = deliver_policy.call_timeout + milliseconds{1000};
  campaigns.runner.retry.deliver.attempts = cfg.webhook_attempts;
  campaigns.runner.retry.thread_nice = cfg.pipeline_nice;
  campaigns.runner.retry.deliver.first_backoff = milliseconds{cfg.webhook_backoff_ms};
  if (cfg.mail.enabled())
    campaigns.runner.retry.mail = mail_retry;
  // The contact policy: the holdout for every campaign, caps and quiet
  // hours for triggered sends (config validated both).
  campaigns.runner.retry.holdout_basis_points = cfg.holdout_basis_points;
  campaigns.runner.contacts.frequency_cap = cfg.frequency_cap;
  if (auto quiet = contact_policy::quiet_hours::parse(cfg.quiet_hours); quiet)
    campaigns.runner.contacts.quiet = *quiet;
  campaigns.runner.contacts.book = std::make_shared<contact_policy::contact_book>();
  campaigns.metrics = campaign_metrics;
  campaigns.node_blocklist = cfg.blocklist;
  campaigns.writer = writes.writer;
  campaigns.ownership = cluster.ownership;
  campaigns.limits = cfg.input;
  // Triggered campaigns arm themselves here while they run; event ingest
  // offers each event to them. Outlives a restarted manager or storage actor.
  auto triggers = std::make_shared<campaign::trigger_book>();
  campaigns.triggers = triggers;
  auto ownership = cluster.ownership;
  auto cluster_slot = admin.cluster;

  tree.children = {
    worker("admin",
           [admin](caf::actor_system& sys) { return ptr(spawn_shell_gateway(sys, admin)); }),
    worker("members",
           [admin](caf::actor_system& sys) { return ptr(spawn_member_gateway(sys, admin)); }),
    worker("cluster",
           [cluster](caf::actor_system& sys) {
             return ptr(cluster::spawn_cluster_actor(sys, cluster));
           }),
    worker("storage",
           [deps = customers::storage_deps{store, writes.log, writes.writer, import_metrics,
                                           ownership, cfg.input, 2, triggers,
                                           admin.customers}](
             caf::actor_system& sys) {
             return ptr(customers::spawn_storage_actor(sys, deps));
           }),
    worker("customers",
           [customers, deps = customers::registry_deps{store, time, customer_metrics,
                                                    writes.writer, true,
                                                    ownership}](caf::actor_system& sys) {
             return ptr(customers::spawn_customer_registry(sys, customers, deps));
           }),
    actors::supervisor_child("stages", tree.policy, std::move(stages), supervisor_metrics),
    worker("campaigns",
           [campaigns](caf::actor_system& sys) {
             return ptr(campaign::spawn_campaign_manager(sys, campaigns));
           }),
    worker("replicas",
           [store, log = writes.log](caf::actor_system& sys) {
             return ptr(customers::spawn_replica_applier(sys, store, log));
           }),
  };
  // The cluster actor tells the other members its node's member gateway;
  // the shell gateway hands it to a node that asks (`member_atom`).
  auto own_member = cluster.admin;
  auto member_slot = admin.member_gateway;
  tree.children[1].on_started = [own_member, member_slot](const caf::strong_actor_ptr& a,
                                                          unsigned) {
    if (own_member)
      own_member->set(caf::actor_cast<caf::actor_addr>(a));
    if (member_slot)
      member_slot->set(caf::actor_cast<caf::actor>(a));
  };
  // The admin actor finds the customer registry through this slot.
  auto customers_slot = admin.customers;
  tree.children[4].on_started = [customers_slot](const caf::strong_actor_ptr& r, unsigned) {
    if (customers_slot)
      customers_slot->set(caf::actor_cast<customers::customer_registry_actor>(r));
  };
  // The admin actor finds the cluster actor through this slot.
  tree.children[2].on_started = [cluster_slot](const caf::strong_actor_ptr& c, unsigned) {
    cluster_slot->set(caf::actor_cast<caf::actor>(c));
  };
  // The gateways find the storage actor and the campaign manager the same way.
  for (auto [index, slot] : {std::pair{3, admin.storage}, std::pair{6, admin.campaigns},
                             std::pair{7, admin.replicas}})
    if (slot)
      tree.children[index].on_started = [slot = slot](const caf::strong_actor_ptr& a, unsigned) {
        slot->set(caf::actor_cast<caf::actor>(a));
      };
  return tree;
}

} // namespace troupe::runtime
