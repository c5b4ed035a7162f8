#include "runtime/node_tree.hpp"

#include <caf/all.hpp>

#include "actors/breaker.hpp"
#include "actors/customer_registry.hpp"
#include "actors/fault_provider.hpp"
#include "actors/generation.hpp"
#include "actors/limiter.hpp"
#include "actors/campaign_manager.hpp"
#include "actors/storage_actor.hpp"

#include <mutex>

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

/// The generation provider: the template generator, or fault injection
/// around it when --fault-generate is set.
actors::generation_provider spawn_generation_provider(caf::actor_system& sys,
                                                      const config::fault_spec& faults) {
  if (!faults.enabled)
    return actors::spawn_template_generator(sys);
  actors::fault_policy fp;
  fp.failure_rate = faults.failure_rate;
  fp.latency = milliseconds{faults.latency_ms};
  fp.hang = faults.hang;
  return actors::spawn_fault_provider<actors::generation_request, actors::generated_message>(
    sys, fp, actors::generate_from_template);
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

node_tree build_node_tree(const config::node_config& cfg, admin_context admin,
                          std::shared_ptr<storage::shared_audit_log> audit,
                          prometheus::Registry& registry,
                          std::shared_ptr<actors::supervisor_metrics> supervisor_metrics) {
  node_tree tree;
  tree.policy = actors::restart_policy{cfg.restart_budget, milliseconds{cfg.restart_window_ms}};
  tree.breaker_paths = {"stages/breaker:generate"};
  admin.breaker_paths = tree.breaker_paths;

  auto store = admin.status->store;
  auto time = actors::real_clock();
  auto customer_metrics = std::make_shared<actors::customer_metrics>(registry);
  auto import_metrics = std::make_shared<actors::import_metrics>(registry);
  auto limiter_metrics = std::make_shared<actors::limiter_metrics>(registry);
  auto generate_metrics = std::make_shared<actors::breaker_metrics>(registry, "breaker:generate");

  actors::registry_options customers;
  customers.max_live = cfg.max_live_customers;
  customers.idle_timeout = milliseconds{cfg.customer_idle_ms};
  customers.sweep_interval = milliseconds{std::max(100u, cfg.customer_idle_ms / 2)};

  actors::limiter_options limits;
  limits.default_policy = {cfg.generate_rate, cfg.generate_burst};
  limits.per_key["generate"] = {cfg.generate_rate, cfg.generate_burst};
  limits.max_wait = milliseconds{cfg.limiter_max_wait_ms};

  // The current handle of breaker:generate, for the campaigns: set each time
  // the breaker (re)starts.
  struct generator_slot {
    std::mutex mutex;
    actors::generation_provider handle;
  };
  auto generator = std::make_shared<generator_slot>();
  auto campaign_metrics = std::make_shared<actors::campaign_metrics>(registry);

  auto breaker_policy = breaker_policy_of(cfg);
  auto faults = cfg.fault_generate;

  std::vector<actors::child_spec> stages{
    worker("limiter",
           [limits, time, limiter_metrics](caf::actor_system& sys) {
             return ptr(actors::spawn_limiter(sys, "limiter", limits, time, limiter_metrics));
           }),
    worker("breaker:generate",
           [breaker_policy, faults, time, generate_metrics](caf::actor_system& sys) {
             actors::breaker_config<actors::generation_request, actors::generated_message> b;
             b.name = "breaker:generate";
             b.policy = breaker_policy;
             b.provider = spawn_generation_provider(sys, faults);
             b.fallback = actors::spawn_template_generator(sys);
             b.time = time;
             b.metrics = generate_metrics;
             return ptr(actors::spawn_breaker(sys, std::move(b)));
           }),
  };
  stages.back().on_started = [generator](const caf::strong_actor_ptr& breaker, unsigned) {
    std::lock_guard<std::mutex> guard{generator->mutex};
    generator->handle = caf::actor_cast<actors::generation_provider>(breaker);
  };

  actors::campaign_manager_config campaigns;
  campaigns.db = store;
  campaigns.generator = [generator] {
    std::lock_guard<std::mutex> guard{generator->mutex};
    return generator->handle;
  };
  campaigns.metrics = campaign_metrics;
  campaigns.node_blocklist = cfg.blocklist;
  campaigns.audit = audit;

  tree.children = {
    worker("admin",
           [admin](caf::actor_system& sys) { return ptr(spawn_admin_actor(sys, admin)); }),
    worker("storage",
           [store, import_metrics](caf::actor_system& sys) {
             return ptr(actors::spawn_storage_actor(sys, store, import_metrics));
           }),
    worker("customers",
           [customers, store, time, customer_metrics](caf::actor_system& sys) {
             return ptr(
               actors::spawn_customer_registry(sys, customers, store, time, customer_metrics));
           }),
    actors::supervisor_child("stages", tree.policy, std::move(stages), supervisor_metrics),
    worker("campaigns",
           [campaigns](caf::actor_system& sys) {
             return ptr(actors::spawn_campaign_manager(sys, campaigns));
           }),
  };
  return tree;
}

} // namespace troupe::runtime
