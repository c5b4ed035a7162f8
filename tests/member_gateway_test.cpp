// The member gateway refuses member messages from a peer that is not in
// the view: a second actor system in this process (another CAF node)
// reaches the gateway over the middleman, as another process would, and
// sends a forged handoff batch and a forged handover. The store keeps what it
// had, the cluster actor hears nothing, and the refusals are counted. The
// same batch from the shard's primary, to this replica catching up, is written.

#include <gtest/gtest.h>

#include <chrono>
#include <memory>

#include <caf/all.hpp>
#include <caf/io/all.hpp>
#include <prometheus/registry.h>

#include "cluster/member_protocol.hpp"
#include "cluster/wire_types.hpp"
#include "customers/storage_actor.hpp"
#include "runtime/member_gateway.hpp"
#include "storage/keys.hpp"
#include "tests/temp_dir.hpp"
#include "tests/two_member_view.hpp"
#include "tests/test_store.hpp"

using namespace troupe;
using namespace std::chrono_literals;

namespace {

constexpr uint32_t shard = 5;

struct member_gateway_test : ::testing::Test {
  test::temp_dir dir;
  std::shared_ptr<storage::store> db;
  prometheus::Registry registry;
  caf::actor_system_config node_cfg;
  caf::actor_system_config peer_cfg;
  std::unique_ptr<caf::actor_system> node; // runs the gateway
  std::unique_ptr<caf::actor_system> peer; // another CAF node
  std::shared_ptr<trust::peer_directory> peers = std::make_shared<trust::peer_directory>(true);
  std::shared_ptr<trust::refusals> refusals = std::make_shared<trust::refusals>(registry);
  std::shared_ptr<actors::handle_slot<std::shared_ptr<const cluster::member_handles>>> members =
    std::make_shared<actors::handle_slot<std::shared_ptr<const cluster::member_handles>>>();
  std::shared_ptr<int> cluster_heard = std::make_shared<int>(0);
  caf::actor storage_actor;
  caf::actor cluster_stand_in;
  cluster::member_api gateway;
  caf::actor remote; // the gateway as the peer sees it

  void SetUp() override {
    db = test::open_test_store(dir, 16);
    ASSERT_TRUE(db);
    for (auto* cfg : {&node_cfg, &peer_cfg}) {
      cluster::register_wire_types(*cfg);
      cfg->load<caf::io::middleman>();
    }
    node = std::make_unique<caf::actor_system>(node_cfg);
    peer = std::make_unique<caf::actor_system>(peer_cfg);
    ASSERT_NE(node->node(), peer->node());

    storage_actor = caf::actor_cast<caf::actor>(customers::spawn_storage_actor(
      *node, customers::local_storage(db, std::make_shared<customers::import_metrics>(registry))));
    // `heard` goes in as an argument: CAF 0.17 spawning a function without
    // one binds a reference to a null tuple (UBSan reports it).
    cluster_stand_in = node->spawn(
      [](caf::event_based_actor*, decltype(cluster_heard) heard) -> caf::behavior {
        return {[heard](caf::message&) { ++*heard; }};
      },
      cluster_heard);
    runtime::gateway_context ctx;
    ctx.status = std::make_shared<runtime::node_status>();
    ctx.cluster = std::make_shared<actors::handle_slot<caf::actor>>();
    ctx.cluster->set(cluster_stand_in);
    ctx.storage = std::make_shared<actors::handle_slot<caf::actor>>();
    ctx.storage->set(storage_actor);
    ctx.members = members;
    ctx.peers = peers;
    ctx.refusals = refusals;
    // n1 (this node) leads n1 and n2 (elsewhere); n2 is shard 5's primary
    // and n1 its replica catching up: it takes shard 5's batches from n2.
    set_view("a node that is gone");
    gateway = runtime::spawn_member_gateway(*node, ctx);
    remote = test::reach_gateway(*node, *peer, gateway);
    ASSERT_TRUE(remote);
  }

  void TearDown() override {
    remote = nullptr;
    for (auto* a : {&storage_actor, &cluster_stand_in})
      caf::anon_send_exit(*a, caf::exit_reason::user_shutdown);
    caf::anon_send_exit(gateway, caf::exit_reason::user_shutdown);
    storage_actor = cluster_stand_in = nullptr;
    gateway = nullptr;
    peer.reset();
    node.reset();
  }

  /// The roster the cluster actor would publish, n2 on CAF node `n2_node`.
  void set_view(const std::string& n2_node) {
    auto map = sharding::initial_placement(16, "n1", 2);
    map.shards[shard].primary = "n2";
    map.shards[shard].replicas = {{"n1", false}};
    members->set(test::two_member_view(caf::to_string(node->node()), n2_node, std::move(map)));
  }

  std::string id_in(uint32_t s) {
    for (int i = 0;; ++i)
      if (auto id = "c" + std::to_string(i); db->shard_of(id) == s)
        return id;
  }

  bool has_customer(const std::string& id) {
    auto r = db->get_raw(storage::column::customers, storage::keys::customer(shard, id));
    return r.ok() && r->has_value();
  }

  static std::string batch_of(const std::string& id) {
    v1::RecordBatch b;
    b.set_shard(shard);
    b.set_sequence(0);
    b.add_records()->mutable_customer()->set_id(id);
    return b.SerializeAsString();
  }

  /// Sends a handoff batch from the peer: the records written, or the error.
  std::pair<uint64_t, caf::error> send_batch(const std::string& id) {
    caf::scoped_actor self{*peer};
    std::pair<uint64_t, caf::error> out{0, caf::error{}};
    self->request(remote, 10s, cluster::handoff_atom::value, shard, batch_of(id))
      .receive([&](uint64_t n) { out.first = n; }, [&](caf::error& e) { out.second = e; });
    return out;
  }
};

} // namespace

TEST_F(member_gateway_test, a_forged_batch_and_handover_from_outside_the_view_change_nothing) {
  auto id = id_in(shard);
  // Nobody authenticated the peer.
  auto [written, err] = send_batch(id);
  EXPECT_EQ(written, 0u);
  EXPECT_NE(actors::describe(err).find("refused (unknown_peer)"), std::string::npos)
    << actors::describe(err);
  EXPECT_EQ(refusals->count("unknown_peer"), 1u);

  // An authenticated node that is not in the view.
  peers->bind(peer->node(), 1, trust::peer{"n9", trust::role::node, "127.0.0.1:1"});
  {
    caf::scoped_actor self{*peer};
    self->send(remote, cluster::handover_atom::value,
               sharding::placement_change{sharding::change_kind::switch_primary, 0, "n9", 1});
  }
  std::tie(written, err) = send_batch(id); // after it: same sender, same connection
  EXPECT_EQ(written, 0u);
  EXPECT_NE(actors::describe(err).find("refused (not_a_member)"), std::string::npos)
    << actors::describe(err);
  EXPECT_EQ(refusals->count("not_a_member"), 2u); // the handover and the batch
  EXPECT_FALSE(has_customer(id));
  EXPECT_EQ(*cluster_heard, 0);

  // A shell's role, even of a peer the view names.
  set_view(caf::to_string(peer->node()));
  peers->unbind(1);
  peers->bind(peer->node(), 2, trust::peer{"alice", trust::role::operator_, "127.0.0.1:2"});
  std::tie(written, err) = send_batch(id);
  EXPECT_NE(actors::describe(err).find("refused (not_node_role)"), std::string::npos);
  EXPECT_FALSE(has_customer(id));

  // Shard 5's primary, copying it to this node.
  peers->unbind(2);
  peers->bind(peer->node(), 3, trust::peer{"n2", trust::role::node, "127.0.0.1:3"});
  std::tie(written, err) = send_batch(id);
  EXPECT_EQ(written, 1u) << actors::describe(err);
  EXPECT_TRUE(has_customer(id));
}
