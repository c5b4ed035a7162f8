// actors/storage_actor: receiving a handed-off shard over an old copy of it.

#include <caf/all.hpp>
#include <gtest/gtest.h>
#include <prometheus/registry.h>

#include "customers/storage_actor.hpp"
#include "storage/keys.hpp"
#include "tests/actor_fixture.hpp"
#include "tests/actor_test_support.hpp"

using namespace troupe;
using namespace troupe::actors;
using namespace troupe::test;
using namespace troupe::customers;
using namespace troupe::sharding;

namespace {

class storage_actor_handoff_test : public store_actor_fixture {
protected:
  std::shared_ptr<import_metrics> metrics = std::make_shared<import_metrics>(registry);

  /// The first customer id (c0, c1, ...) whose shard is `shard`, after `skip` others.
  std::string id_in(uint32_t shard, int skip = 0) {
    for (int i = 0;; ++i) {
      auto id = "c" + std::to_string(i);
      if (db->shard_of(id) == shard && skip-- == 0)
        return id;
    }
  }

  void put_customer_with_delivery(const std::string& id) {
    v1::Customer c;
    c.set_id(id);
    ASSERT_TRUE(db->put(storage::column::customers,
                        storage::keys::customer(db->shard_of(id), id), c));
    v1::Delivery d;
    d.set_campaign_id("k");
    d.set_customer_id(id);
    ASSERT_TRUE(db->put(storage::column::deliveries, storage::keys::delivery("k", id), d));
  }

  bool has_customer(const std::string& id) {
    auto r = db->get_raw(storage::column::customers,
                         storage::keys::customer(db->shard_of(id), id));
    return r.ok() && r->has_value();
  }

  bool has_delivery(const std::string& id) {
    auto r = db->get_raw(storage::column::deliveries, storage::keys::delivery("k", id));
    return r.ok() && r->has_value();
  }

  /// Batch `sequence` of shard `shard` holding customer `id`.
  static std::string batch_of(uint32_t shard, uint64_t sequence, const std::string& id) {
    v1::RecordBatch b;
    b.set_shard(shard);
    b.set_sequence(sequence);
    b.add_records()->mutable_customer()->set_id(id);
    return b.SerializeAsString();
  }
};

} // namespace

TEST_F(storage_actor_handoff_test, the_first_batch_replaces_an_old_copy_of_the_shard) {
  const uint32_t shard = 3;
  auto stale = id_in(shard, 0), fresh = id_in(shard, 1), later = id_in(shard, 2);
  auto elsewhere = id_in(shard + 1);
  // This node once owned shard 3 and still holds a copy of it (among them a
  // customer deleted since on the owner), and it owns shard 4.
  put_customer_with_delivery(stale);
  put_customer_with_delivery(elsewhere);
  auto ownership = std::make_shared<shard_ownership>(db->shard_count());
  std::vector<bool> owned(db->shard_count(), false);
  owned[shard + 1] = true;
  ownership->assign(owned);
  auto deps = local_storage(db, metrics);
  deps.ownership = ownership;
  auto storage = spawn_storage_actor(*sys, deps);
  caf::scoped_actor self{*sys};
  ASSERT_TRUE(call<uint64_t>(self, storage, handoff_atom::value, batch_of(shard, 0, fresh)));
  EXPECT_FALSE(has_customer(stale)) << "the old copy came back";
  EXPECT_FALSE(has_delivery(stale));
  EXPECT_TRUE(has_customer(fresh));
  // Later batches add to the first.
  ASSERT_TRUE(call<uint64_t>(self, storage, handoff_atom::value, batch_of(shard, 1, later)));
  EXPECT_TRUE(has_customer(fresh));
  EXPECT_TRUE(has_customer(later));
  // Other shards are untouched.
  EXPECT_TRUE(has_customer(elsewhere));
  EXPECT_TRUE(has_delivery(elsewhere));
  // A shard this node owns is never cleared by a batch.
  ASSERT_TRUE(call<uint64_t>(self, storage, handoff_atom::value,
                             batch_of(shard + 1, 0, id_in(shard + 1, 1))));
  EXPECT_TRUE(has_customer(elsewhere));
  self->send_exit(storage, caf::exit_reason::user_shutdown);
}
