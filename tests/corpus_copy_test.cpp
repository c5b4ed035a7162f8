// A catch-up's first step (cluster/corpus_copy): the primary sends a new
// replica the corpus versions it lacks. Two real stores; the replica's
// member gateway is reached over the middleman from a second actor system
// (the primary, as another process would), which runs copy_corpus.

#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <memory>

#include <caf/all.hpp>
#include <caf/io/all.hpp>
#include <prometheus/registry.h>

#include "actors/actor_error.hpp"
#include "cluster/corpus_copy.hpp"
#include "cluster/member_protocol.hpp"
#include "cluster/wire_types.hpp"
#include "customers/storage_actor.hpp"
#include "runtime/member_gateway.hpp"
#include "storage/corpus_versions.hpp"
#include "tests/temp_dir.hpp"
#include "tests/two_member_view.hpp"
#include "tests/test_store.hpp"

using namespace troupe;
using namespace std::chrono_literals;

namespace {

struct corpus_copy_test : ::testing::Test {
  test::temp_dir replica_dir;
  test::temp_dir primary_dir;
  std::shared_ptr<storage::store> replica; // n1's store, behind its gateway
  std::shared_ptr<storage::store> primary; // n2's store
  prometheus::Registry registry;
  caf::actor_system_config node_cfg;
  caf::actor_system_config peer_cfg;
  std::unique_ptr<caf::actor_system> node; // n1
  std::unique_ptr<caf::actor_system> peer; // n2
  std::shared_ptr<trust::peer_directory> peers = std::make_shared<trust::peer_directory>(true);
  std::shared_ptr<trust::refusals> refusals = std::make_shared<trust::refusals>(registry);
  std::shared_ptr<actors::handle_slot<std::shared_ptr<const cluster::member_handles>>> members =
    std::make_shared<actors::handle_slot<std::shared_ptr<const cluster::member_handles>>>();
  caf::actor storage_actor;
  cluster::member_api gateway;
  caf::actor remote;

  void SetUp() override {
    replica = test::open_test_store(replica_dir, 16);
    primary = test::open_test_store(primary_dir, 16);
    ASSERT_TRUE(replica && primary);
    for (auto* cfg : {&node_cfg, &peer_cfg}) {
      cluster::register_wire_types(*cfg);
      cfg->load<caf::io::middleman>();
    }
    node = std::make_unique<caf::actor_system>(node_cfg);
    peer = std::make_unique<caf::actor_system>(peer_cfg);
    storage_actor = caf::actor_cast<caf::actor>(customers::spawn_storage_actor(
      *node,
      customers::local_storage(replica, std::make_shared<customers::import_metrics>(registry))));
    runtime::gateway_context ctx;
    ctx.status = std::make_shared<runtime::node_status>();
    ctx.storage = std::make_shared<actors::handle_slot<caf::actor>>();
    ctx.storage->set(storage_actor);
    ctx.members = members;
    ctx.peers = peers;
    ctx.refusals = refusals;
    set_view(caf::to_string(peer->node()));
    gateway = runtime::spawn_member_gateway(*node, ctx);
    remote = test::reach_gateway(*node, *peer, gateway);
    ASSERT_TRUE(remote);
    peers->bind(peer->node(), 1, trust::peer{"n2", trust::role::node, "127.0.0.1:1"});
  }

  /// n1 (this node) and n2 on CAF node `n2_node`; n2 leads every shard.
  void set_view(const std::string& n2_node) {
    members->set(test::two_member_view(caf::to_string(node->node()), n2_node,
                                       sharding::initial_placement(16, "n2", 2)));
  }

  void TearDown() override {
    remote = nullptr;
    caf::anon_send_exit(storage_actor, caf::exit_reason::user_shutdown);
    caf::anon_send_exit(gateway, caf::exit_reason::user_shutdown);
    storage_actor = nullptr;
    gateway = nullptr;
    peer.reset();
    node.reset();
  }

  /// Writes `count` documents under `version` of `db` (named by the
  /// version), each with a body of about `body` bytes, committed or not.
  static void put_version(storage::store& db, uint64_t version, int count, bool commit,
                          std::size_t body = 300) {
    ASSERT_EQ(*storage::begin_corpus_version(db, version), version);
    storage::write_batch b;
    for (int i = 0; i < count; ++i) {
      v1::ContentDocument d;
      d.set_id("v" + std::to_string(version) + "-doc" + std::to_string(i));
      d.set_title("Title \"" + std::to_string(i) + "\" \xc3\xa9t\xc3\xa9");
      d.set_body(std::string(body + static_cast<std::size_t>(i % 7), 'x') + "\nline two");
      d.add_tags("spring");
      d.add_tags("tag " + std::to_string(i));
      d.set_approved(i % 3 != 0);
      d.set_corpus_version(static_cast<int64_t>(version));
      storage::put_document(b, version, d);
    }
    ASSERT_TRUE(db.write(b));
    if (commit) {
      ASSERT_TRUE(storage::commit_corpus_version(db, version));
    }
  }

  static void pin(storage::store& db, const std::string& campaign, uint64_t version) {
    v1::CampaignState c;
    c.mutable_spec()->set_id(campaign);
    c.set_corpus_version(version);
    storage::write_batch b;
    b.put(storage::column::campaigns, campaign, c);
    ASSERT_TRUE(db.write(b));
  }

  static std::map<std::string, std::string> documents(const storage::store& db, uint64_t v) {
    std::map<std::string, std::string> out;
    EXPECT_TRUE(storage::scan_corpus_version(db, v, [&](const v1::ContentDocument& d) {
      out[d.id()] = d.SerializeAsString();
      return true;
    }));
    return out;
  }

  result<cluster::corpus_sent> copy() {
    caf::scoped_actor self{*peer};
    return cluster::copy_corpus(self.ptr(), *primary, remote, "n1");
  }
};

} // namespace

TEST_F(corpus_copy_test, the_replica_gets_the_versions_in_use_it_lacks_and_nothing_twice) {
  // The primary: version 1 pinned by a campaign (a dozen documents of 700
  // KiB: chunks cut at 4 MiB), 2 unused, 3 current (2,500 small documents:
  // chunks cut at 1,000 lines), 4 begun and never committed.
  put_version(*primary, 1, 12, true, 700 << 10);
  pin(*primary, "spring", 1);
  put_version(*primary, 2, 5, true);
  put_version(*primary, 3, 2500, true);
  put_version(*primary, 4, 3, false);
  ASSERT_EQ(*storage::corpus_versions_in_use(*primary), (std::vector<uint64_t>{1, 3}));

  auto sent = copy();
  ASSERT_TRUE(sent) << sent.err().message();
  EXPECT_EQ(sent->versions, (std::vector<uint64_t>{1, 3}));
  EXPECT_EQ(sent->documents, 2512u);
  EXPECT_EQ(*storage::current_corpus_version(*replica), 3u);
  for (uint64_t v : {1, 3}) {
    EXPECT_TRUE(*storage::holds_corpus_version(*replica, v)) << v;
    auto theirs = documents(*primary, v);
    EXPECT_EQ(documents(*replica, v), theirs) << "version " << v;
  }
  for (uint64_t v : {2, 4}) {
    EXPECT_FALSE(*storage::holds_corpus_version(*replica, v)) << v;
    EXPECT_TRUE(documents(*replica, v).empty()) << v;
  }

  // The next catch-up to it sends nothing.
  sent = copy();
  ASSERT_TRUE(sent) << sent.err().message();
  EXPECT_TRUE(sent->versions.empty());
  EXPECT_EQ(sent->documents, 0u);
}

TEST_F(corpus_copy_test, a_version_a_campaign_pins_but_the_primary_lacks_is_not_passed_on) {
  // A campaign copied in from elsewhere pins version 6, which this primary
  // never got: it is not sent as an empty version marked complete.
  put_version(*primary, 2, 3, true);
  pin(*primary, "autumn", 6);
  auto sent = copy();
  ASSERT_TRUE(sent) << sent.err().message();
  EXPECT_EQ(sent->versions, (std::vector<uint64_t>{2}));
  EXPECT_FALSE(*storage::holds_corpus_version(*replica, 6));
  EXPECT_EQ(*storage::current_corpus_version(*replica), 2u);
}

TEST_F(corpus_copy_test, a_version_half_copied_is_sent_again_and_the_replicas_current_stays_newer) {
  put_version(*primary, 2, 4, true);
  // The replica holds version 2's documents from a copy cut short (never
  // committed), and a newer version 5 of its own.
  put_version(*replica, 2, 1, false);
  put_version(*replica, 5, 1, true);
  auto sent = copy();
  ASSERT_TRUE(sent) << sent.err().message();
  EXPECT_EQ(sent->versions, (std::vector<uint64_t>{2}));
  EXPECT_EQ(documents(*replica, 2), documents(*primary, 2));
  EXPECT_TRUE(*storage::holds_corpus_version(*replica, 2));
  EXPECT_EQ(*storage::current_corpus_version(*replica), 5u);
}

TEST_F(corpus_copy_test, a_document_over_the_replicas_limits_fails_the_copy_naming_the_limit) {
  put_version(*primary, 3, 4, true, 2 << 20); // over --max-line-bytes (1 MiB)
  auto sent = copy();
  ASSERT_FALSE(sent);
  EXPECT_NE(sent.err().message().find("version 3: 1 of its documents refused"), std::string::npos)
    << sent.err().message();
  EXPECT_NE(sent.err().message().find("--max-line-bytes"), std::string::npos)
    << sent.err().message();
  EXPECT_FALSE(*storage::holds_corpus_version(*replica, 3)); // never committed: never read
  EXPECT_EQ(*storage::current_corpus_version(*replica), 0u);
}

TEST_F(corpus_copy_test, a_peer_that_is_not_a_member_is_refused_and_nothing_is_written) {
  put_version(*primary, 1, 3, true);
  set_view("a node that is gone"); // the peer is no longer in the view
  auto sent = copy();
  ASSERT_FALSE(sent);
  EXPECT_NE(sent.err().message().find("refused (not_a_member)"), std::string::npos)
    << sent.err().message();
  EXPECT_EQ(*storage::current_corpus_version(*replica), 0u);
  EXPECT_TRUE(documents(*replica, 1).empty());
  EXPECT_EQ(refusals->count("not_a_member"), 1u);
}

TEST_F(corpus_copy_test, versions_committed_before_stores_marked_them_count_as_held) {
  // A store of an earlier release: documents and a current version, no
  // mark per version (the metadata keys of storage/corpus_versions.hpp).
  auto number = [](uint64_t v) {
    std::string out(8, '\0');
    for (int i = 7; i >= 0; --i, v >>= 8)
      out[static_cast<std::size_t>(i)] = static_cast<char>(v & 0xff);
    return out;
  };
  storage::write_batch b;
  for (uint64_t v : {1, 2, 4, 9}) { // 9: begun after 4, never committed
    v1::ContentDocument d;
    d.set_id("d" + std::to_string(v));
    storage::put_document(b, v, d);
  }
  b.put_raw(storage::column::metadata, "corpus_next", number(9));
  b.put_raw(storage::column::metadata, "corpus_current", number(4));
  ASSERT_TRUE(replica->write(b));
  EXPECT_FALSE(*storage::holds_corpus_version(*replica, 4));
  ASSERT_TRUE(storage::mark_earlier_corpus_versions(*replica));
  for (uint64_t v : {1, 2, 4})
    EXPECT_TRUE(*storage::holds_corpus_version(*replica, v)) << v;
  for (uint64_t v : {3, 9})
    EXPECT_FALSE(*storage::holds_corpus_version(*replica, v)) << v;
  // Once: a version half copied later is not marked by a second call.
  storage::write_batch later;
  v1::ContentDocument d;
  d.set_id("d3");
  storage::put_document(later, 3, d);
  ASSERT_TRUE(replica->write(later));
  ASSERT_TRUE(storage::mark_earlier_corpus_versions(*replica));
  EXPECT_FALSE(*storage::holds_corpus_version(*replica, 3));
}

TEST_F(corpus_copy_test, no_corpus_asks_nothing) {
  auto sent = copy();
  ASSERT_TRUE(sent) << sent.err().message();
  EXPECT_TRUE(sent->versions.empty());
}
