#include "runtime/node.hpp"

#include <thread>

#include <caf/all.hpp>
#include <caf/io/all.hpp>

#include "actors/supervisor.hpp"
#include "cluster/cluster_actor.hpp"
#include "cluster/cluster_policy.hpp"
#include "cluster/replicating_writer.hpp"
#include "runtime/node_credentials.hpp"
#include "wire/transport.hpp"
#include "cluster/wire_types.hpp"
#include "common/log.hpp"
#include "runtime/shell_gateway.hpp"
#include "runtime/event_sink.hpp"
#include "runtime/http_server.hpp"
#include "runtime/node_status.hpp"
#include "runtime/node_tree.hpp"
#include "runtime/process_probe.hpp"
#include "runtime/runtime_error.hpp"
#include "storage/audit_log.hpp"
#include "storage/corpus_versions.hpp"
#include "storage/storage_probe.hpp"
#include "storage/store.hpp"

namespace troupe::runtime {

struct node::impl {
  config::node_config cfg;
  std::shared_ptr<node_status> state = std::make_shared<node_status>();
  std::shared_ptr<prometheus::Registry> registry = std::make_shared<prometheus::Registry>();
  std::shared_ptr<trust::refusals> refusals = std::make_shared<trust::refusals>(*registry);
  /// Filled by the gate in front of BASP; authentication is on with TLS,
  /// tokens or a cluster secret.
  std::shared_ptr<trust::peer_directory> peers;
  /// In front of BASP: every connection proves who it is through it.
  std::shared_ptr<wire::gate> gate;
  /// The gated middleman actor everything connects and publishes through.
  caf::io::middleman_actor transport;
  std::unique_ptr<storage::storage_probe> storage_metrics;
  std::unique_ptr<process_probe> process_metrics;
  std::unique_ptr<caf::actor_system_config> actor_cfg;
  std::unique_ptr<caf::actor_system> system;
  caf::actor guardian;
  shell_api admin; ///< the shell gateway, published on the cluster port
  uint16_t cluster_port = 0;
  std::unique_ptr<http_server> http;
  /// What POST /v1/events needs: the gateways' view of the node, and who may post.
  gateway_context http_ctx;
  http_access event_posters;
  std::shared_ptr<std::atomic<bool>> guardian_failed =
    std::make_shared<std::atomic<bool>>(false);
  std::shared_ptr<std::atomic<bool>> drained = std::make_shared<std::atomic<bool>>(false);
  /// The bound admin/cluster port, for the cluster actor (0 until published).
  std::shared_ptr<std::atomic<uint16_t>> bound_port =
    std::make_shared<std::atomic<uint16_t>>(0);
  std::shared_ptr<actors::handle_slot<caf::actor>> cluster_actor_slot;
  /// Handles the admin actor reads without asking (cleared at stop: a strong
  /// handle to a detached actor would keep its thread waiting).
  std::shared_ptr<actors::handle_slot<std::shared_ptr<const cluster::member_handles>>>
    members_slot;
  std::shared_ptr<actors::handle_slot<customers::customer_registry_actor>> customers_slot;
  std::shared_ptr<actors::handle_slot<caf::actor>> member_gateway_slot;
  std::shared_ptr<actors::handle_slot<caf::actor>> storage_slot;
  std::shared_ptr<actors::handle_slot<caf::actor>> campaigns_slot;
  std::shared_ptr<actors::handle_slot<caf::actor>> replicas_slot;
  bool started = false;
  std::shared_ptr<campaign::campaign_metrics> campaign_metrics; ///< swept before each scrape
  std::shared_ptr<metrics_history> history; ///< the status page's plots

  status start_storage() {
    storage::store_options opts;
    opts.data_dir = cfg.data_dir;
    opts.node_id = cfg.node_id;
    opts.shard_count = cfg.shards;
    opts.sync_writes = cfg.sync_writes;
    auto opened = storage::store::open(opts);
    if (!opened)
      return opened.err();
    state->store = std::shared_ptr<storage::store>{std::move(*opened)};
    if (auto st = storage::mark_earlier_corpus_versions(*state->store); !st)
      return st;
    auto& meta = state->store->metadata();
    if (meta.shard_count() != cfg.shards)
      log::warn("storage", "data dir keeps its ", meta.shard_count(),
                " shards (fixed at first start); --shards ", cfg.shards, " ignored");
    log::info("storage", "opened ", cfg.data_dir.string(), " (node ", meta.node_id(),
              ", schema ", meta.schema_version(), ", ", meta.shard_count(), " shards)");
    storage_metrics = std::make_unique<storage::storage_probe>(*registry);
    return status::success();
  }

  status start_actors() {
    actor_cfg = std::make_unique<caf::actor_system_config>();
    actor_cfg->set("scheduler.max-threads", static_cast<size_t>(cfg.scheduler_threads));
    // An idle scheduler thread polls for 1 ms (CAF's default: about 25 ms,
    // 500 sleeps of 50 us) before it waits to be woken: the campaign
    // pipeline's own threads get the cores it would spin on.
    actor_cfg->set("work-stealing.moderate-poll-attempts", size_t{20});
    auto creds = node_credentials(cfg);
    if (!creds)
      return creds.err();
    state->authentication = describe_authentication(*creds);
    event_posters.authentication_on = creds->authentication_on();
    event_posters.tokens = creds->tokens;
    peers = std::make_shared<trust::peer_directory>(creds->authentication_on());
    wire::gate_limits limits;
    limits.max_message_bytes = cfg.max_message_bytes;
    limits.max_unauthenticated = cfg.max_unauthenticated;
    gate = std::make_shared<wire::gate>(std::move(*creds), limits, peers, refusals);
    wire::load_transport(*actor_cfg, cfg.tls);
    // CAF's middleman heartbeats stay off: whether a member is live is
    // etcd's word (its lease); a lost connection is seen by the down
    // message of the member's gateway, and opened again.
    cluster::register_wire_types(*actor_cfg);
    system = std::make_unique<caf::actor_system>(*actor_cfg);
    process_metrics = std::make_unique<process_probe>(*registry, cfg.scheduler_threads);
    transport = wire::start_transport(*system, gate);

    // The admin actor learns the root's handle through this slot, filled
    // before the admin port opens.
    auto guardian_slot = std::make_shared<caf::actor>();
    gateway_context admin_ctx;
    admin_ctx.status = state;
    admin_ctx.guardian = guardian_slot;
    admin_ctx.cluster = std::make_shared<actors::handle_slot<caf::actor>>();
    members_slot = std::make_shared<
      actors::handle_slot<std::shared_ptr<const cluster::member_handles>>>();
    customers_slot = std::make_shared<actors::handle_slot<customers::customer_registry_actor>>();
    admin_ctx.members = members_slot;
    admin_ctx.customers = customers_slot;
    member_gateway_slot = std::make_shared<actors::handle_slot<caf::actor>>();
    admin_ctx.member_gateway = member_gateway_slot;
    storage_slot = std::make_shared<actors::handle_slot<caf::actor>>();
    admin_ctx.storage = storage_slot;
    campaigns_slot = std::make_shared<actors::handle_slot<caf::actor>>();
    admin_ctx.campaigns = campaigns_slot;
    replicas_slot = std::make_shared<actors::handle_slot<caf::actor>>();
    admin_ctx.replicas = replicas_slot;
    admin_ctx.peers = peers;
    admin_ctx.refusals = refusals;
    cluster::cluster_config cc;
    cc.node_id = cfg.node_id;
    cc.host = cfg.cluster_host;
    cc.port = bound_port;
    cc.etcd.endpoints = cfg.etcd.endpoints;
    cc.etcd.ca_file = cfg.etcd.ca_file;
    cc.etcd.cert_file = cfg.etcd.cert_file;
    cc.etcd.key_file = cfg.etcd.key_file;
    cc.etcd.user = cfg.etcd.user;
    cc.etcd.password = cfg.etcd.password;
    cc.etcd.timeout = std::chrono::milliseconds{cfg.etcd.timeout_ms};
    cc.etcd_prefix = cfg.etcd.prefix;
    cc.lease_ttl = std::chrono::seconds{cfg.etcd.lease_ttl_seconds};
    cc.replication_factor = cfg.etcd.replication_factor;
    cc.lease = std::make_shared<cluster::lease_view>();
    cc.interval = std::chrono::milliseconds{cfg.heartbeat_interval_ms};
    cc.handoff_batch = cfg.handoff_batch;
    cc.transport = transport;
    cc.gate = gate;
    cc.db = state->store;
    cc.ownership = std::make_shared<sharding::shard_ownership>(state->store->shard_count());
    cc.metrics = std::make_shared<cluster::cluster_metrics>(*registry);
    cc.joined = state->joined;
    cc.admin = std::make_shared<actors::handle_slot<caf::actor_addr>>();
    cc.members_out = members_slot;
    auto drained_flag = drained;
    cc.drained = [drained_flag] { drained_flag->store(true); };
    auto failed_flag = guardian_failed;
    cc.fatal = [failed_flag](const std::string& why) {
      log::error("cluster", "cannot be a member: ", why);
      failed_flag->store(true);
    };
    auto sup_metrics = std::make_shared<actors::supervisor_metrics>(*registry);
    auto log = storage::audit_log::open(*state->store);
    if (!log)
      return log.err();
    cluster_actor_slot = admin_ctx.cluster;
    admin_ctx.audit = std::make_shared<storage::shared_audit_log>(std::move(*log));
    admin_ctx.limits = cfg.input;
    // Every write of shard data goes through one writer: to this store
    // alone, or in a cluster to the shard's in-sync replicas too.
    shard_writes writes;
    writes.log = std::make_shared<storage::shard_log>(*state->store);
    cc.log = writes.log;
    if (cc.etcd.endpoints.empty()) {
      writes.writer = std::make_shared<storage::local_writer>(state->store, writes.log);
    } else {
      cluster::replication_config rc;
      rc.self = cfg.node_id;
      rc.sys = system.get();
      rc.db = state->store;
      rc.log = writes.log;
      rc.lease = cc.lease;
      rc.members = members_slot;
      rc.cluster = admin_ctx.cluster;
      rc.metrics = std::make_shared<cluster::replication_metrics>(*registry);
      writes.writer = std::make_shared<cluster::replicating_writer>(std::move(rc));
    }
    if (!cc.etcd.endpoints.empty()) {
      if (auto agreed = agree_holdout(cc); !agreed)
        return agreed;
      cc.policy = cluster::cluster_policy{cfg.holdout_basis_points};
    }
    http_ctx = admin_ctx;
    auto tree = build_node_tree(cfg, admin_ctx, writes, *registry, sup_metrics, std::move(cc));
    campaign_metrics = tree.campaign_metrics;
    guardian = actors::spawn_supervisor(*system, "node_guardian", tree.policy,
                                        std::move(tree.children), sup_metrics);
    *guardian_slot = guardian;
    auto flag = guardian_failed;
    guardian->attach_functor([flag](const caf::error& reason) {
      if (reason && reason != caf::exit_reason::user_shutdown) {
        log::error("node", "the root supervisor stopped: the node cannot go on");
        flag->store(true);
      }
    });
    caf::scoped_actor self{*system};
    status result = status::success();
    self->request(guardian, std::chrono::seconds(5), caf::get_atom::value,
                  std::string{"admin"})
      .receive(
        [&](caf::strong_actor_ptr& ptr) { admin = caf::actor_cast<shell_api>(ptr); },
        [&](caf::error& err) {
          result = make_error(runtime_errc::cannot_listen,
                              "the admin actor did not start: " + system->render(err));
        });
    return result;
  }

  /// The global holdout, agreed with the cluster in etcd before this node
  /// joins; etcd out of reach is tried again for up to 30 s.
  status agree_holdout(const cluster::cluster_config& cc) {
    auto client = coord::etcd_client::create(cc.etcd);
    if (!client)
      return client.err();
    auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds{30};
    for (;;) {
      auto agreed = cluster::agree_policy(**client, cc.etcd_prefix,
                                          {cfg.holdout_basis_points}, cfg.holdout_change,
                                          cfg.node_id);
      if (agreed)
        return status::success();
      if (!agreed.err().retryable() || std::chrono::steady_clock::now() >= give_up)
        return agreed.err();
      log::warn("cluster", "cannot read the cluster's policy yet: ", agreed.err().message());
      std::this_thread::sleep_for(std::chrono::seconds{1});
    }
  }

  status publish_admin() {
    // Shells may reach this one actor (the shell door) and nothing else.
    gate->set_public_actor(admin->id());
    caf::scoped_actor self{*system};
    auto sigs = system->message_types(admin);
    status result = status::success();
    self->request(transport, std::chrono::seconds(10), caf::publish_atom::value, cfg.cluster_port,
                  caf::actor_cast<caf::strong_actor_ptr>(admin), std::move(sigs),
                  cfg.cluster_host, true)
      .receive([&](uint16_t port) { cluster_port = port; },
               [&](caf::error& err) {
                 result = make_error(runtime_errc::cannot_listen,
                                     "cannot listen on --cluster-port " + cfg.cluster_host + ":"
                                       + std::to_string(cfg.cluster_port) + ": "
                                       + system->render(err));
               });
    if (!result)
      return result;
    bound_port->store(cluster_port);
    log::info("admin", "admin endpoint on ", cfg.cluster_host, ":", cluster_port,
              cfg.tls.enabled() ? " (TLS, peers checked against " + cfg.tls.ca + ")" : "",
              "; authentication ", state->authentication);
    if (state->authentication == "off")
      log::info("admin", "authentication is off: any process that reaches ", cfg.cluster_host,
                ":", cluster_port, " may command this node and speak for a member (give "
                "--tokens and --cluster-secret-file, or --tls-*)");
    if (config::exposed_without_tls(cfg))
      log::warn("admin", "--insecure: the admin/cluster endpoint on ", cfg.cluster_host, ":",
                cluster_port, " is not loopback and has no TLS: member and shell traffic "
                "is unencrypted",
                state->authentication == "off"
                  ? " and unauthenticated, anyone who reaches it can command this node"
                  : " (peers prove who they are: " + state->authentication + ")");
    return status::success();
  }

  status start_http() {
    http_options opts;
    opts.host = cfg.http_host;
    opts.port = cfg.http_port;
    auto st = state;
    auto* storage_probe = storage_metrics.get();
    auto* proc_probe = process_metrics.get();
    auto campaigns = campaign_metrics;
    history = std::make_shared<metrics_history>(registry);
    auto events = std::make_shared<events_endpoint>(
      cfg.input, event_posters, make_event_sink(*system, http_ctx), [st] { return st->ready(); },
      std::make_shared<events_metrics>(*registry));
    std::shared_ptr<const unsubscribe_endpoint> unsubscribe;
    if (cfg.mail.enabled())
      unsubscribe = std::make_shared<unsubscribe_endpoint>(
        contact_policy::unsubscribe_link{cfg.mail.unsubscribe_key, cfg.mail.public_url},
        make_event_sink(*system, http_ctx, unsubscribe_sink_timeout),
        [st] { return st->ready(); }, *registry, opts.threads / 4);
    auto started_http = http_server::start(
      opts, registry, [st] { return st->ready(); },
      [st, storage_probe, proc_probe, campaigns] {
        proc_probe->update();
        if (campaigns)
          campaigns->sweep();
        if (st->store)
          storage_probe->update(*st->store);
      },
      std::move(events),
      std::make_shared<status_api>(*system, [this] { return admin; }, event_posters, registry,
                                   history, std::chrono::seconds{3}, opts.threads / 2,
                                   config::is_loopback_host(cfg.http_host)),
      std::move(unsubscribe));
    if (!started_http)
      return started_http.err();
    http = std::move(*started_http);
    return status::success();
  }
};

node::node(config::node_config cfg) : impl_(std::make_unique<impl>()) {
  impl_->cfg = std::move(cfg);
  impl_->state->node_id = impl_->cfg.node_id;
}

node::~node() { stop(); }

namespace {

/// What a node says first: its version and the options it was given (the
/// defaults hold for the rest), fault injection loudly.
void log_start(const config::node_config& cfg) {
  std::string given;
  for (const auto& o : cfg.options_given)
    given += (given.empty() ? "" : " ") + o;
  log::info("node", "troupe-node ", TROUPE_VERSION, " starting as node ", cfg.node_id,
            "; options given: ", given.empty() ? "none (every default)" : given);
  const auto& f = cfg.fault_generate;
  if (f.enabled)
    log::warn("node", "FAULT INJECTION is on in front of the generation provider (",
              f.hang ? std::string{"hang"}
                     : "failure-rate=" + std::to_string(f.failure_rate)
                         + ", latency-ms=" + std::to_string(f.latency_ms),
              "): calls fail or wait on purpose (--fault-generate)");
}

/// The smtp channel's unsubscribe key and link base, where not given.
status resolve_mail(config::node_config& cfg) {
  auto& mail = cfg.mail;
  if (!mail.enabled())
    return status::success();
  if (mail.unsubscribe_key.empty()) {
    auto key = config::node_unsubscribe_key(cfg.data_dir);
    if (!key)
      return key.err();
    mail.unsubscribe_key = std::move(*key);
    if (!cfg.etcd.endpoints.empty())
      log::warn("node", "the unsubscribe links are signed with this node's own key (",
                (cfg.data_dir / "unsubscribe.key").string(), "): another member cannot verify "
                "them; give every member the same --unsubscribe-key-file");
  }
  if (mail.public_url.rfind("https://", 0) != 0)
    log::warn("node", "--public-url ", mail.public_url, " is not https: mail providers expect "
              "one-click unsubscribe links over HTTPS (RFC 8058); put TLS in front of the port");
  log::info("node", "smtp channel: relay ", mail.smtp_url,
            mail.smtp_tls ? " (TLS required)" : " (plain text, loopback)",
            "; unsubscribe links at ", mail.public_url, "/v1/unsubscribe");
  return status::success();
}

} // namespace

status node::start() {
  auto& d = *impl_;
  impl_->started = true;
  log_start(d.cfg);
  if (auto st = resolve_mail(d.cfg); !st) {
    stop();
    return st;
  }
  for (auto step : {&impl::start_storage, &impl::start_actors, &impl::publish_admin,
                    &impl::start_http}) {
    if (auto st = (d.*step)(); !st) {
      stop();
      return st;
    }
  }
  log::info("node", "node ", d.cfg.node_id, " is up");
  return status::success();
}

void node::stop() {
  auto& d = *impl_;
  if (!d.started)
    return;
  d.started = false;
  log::info("node", "stopping: no longer ready, closing endpoints");
  d.state->draining = true;
  if (d.http)
    d.http->stop();
  if (d.history)
    d.history->stop();
  if (d.system && d.admin && d.cluster_port != 0) {
    caf::scoped_actor self{*d.system};
    self->request(d.transport, std::chrono::seconds(5),
                  caf::unpublish_atom::value, caf::actor_cast<caf::actor_addr>(d.admin),
                  d.cluster_port)
      .receive([] {},
               [&](const caf::error& err) {
                 log::warn("admin", "unpublish failed: ", d.system->render(err));
               });
  }
  if (d.system) {
    if (d.guardian)
      caf::anon_send_exit(d.guardian, caf::exit_reason::user_shutdown);
    d.admin = nullptr;
    d.guardian = nullptr;
    if (d.transport)
      wire::stop_transport(d.transport);
    d.transport = nullptr;
    d.system->await_all_actors_done();
    // The slot's strong handle would keep the (detached) cluster actor's
    // thread waiting for its destruction; so would CAF's, were the system
    // destroyed before it lets go (see release_cluster_actor).
    if (d.cluster_actor_slot) {
      auto cluster = d.cluster_actor_slot->get();
      d.cluster_actor_slot->set(caf::actor{});
      if (!cluster::release_cluster_actor(*d.system, std::move(cluster),
                                          std::chrono::seconds(10)))
        log::warn("node", "CAF still holds the cluster actor after 10 s: stopping anyway");
    }
    if (d.members_slot)
      d.members_slot->set(nullptr);
    if (d.customers_slot)
      d.customers_slot->set(customers::customer_registry_actor{});
    for (auto& slot : {d.member_gateway_slot, d.storage_slot, d.campaigns_slot, d.replicas_slot})
      if (slot)
        slot->set(caf::actor{});
    log::info("node", "actors stopped");
    d.system.reset();
    d.actor_cfg.reset();
  }
  d.http.reset();
  if (d.state->store) {
    auto closed = d.state->store->close();
    if (closed)
      log::info("storage", "flushed and closed ", d.cfg.data_dir.string());
    else
      log::error("storage", "close failed: ", closed.err().message());
  }
}

bool node::failed() const { return impl_->guardian_failed->load(); }
bool node::drained() const { return impl_->drained->load(); }

void node::drain() {
  auto& d = *impl_;
  if (!d.system || !d.cluster_actor_slot)
    return;
  if (auto cluster = d.cluster_actor_slot->get()) {
    caf::scoped_actor self{*d.system};
    self->request(cluster, std::chrono::seconds(30), cluster::drain_atom::value, d.cfg.node_id)
      .receive([](std::string& text) { log::info("node", text); },
               [&](caf::error& err) {
                 log::warn("node", "cannot drain: ", d.system->render(err),
                           " (stopping without handing off)");
                 d.drained->store(true);
               });
  }
}
uint16_t node::cluster_port() const { return impl_->cluster_port; }
uint16_t node::http_port() const { return impl_->http ? impl_->http->port() : 0; }

} // namespace troupe::runtime
