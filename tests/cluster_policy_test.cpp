// The cluster's policy in a real etcd (cluster/cluster_policy): the first
// member's holdout is kept, a member that differs is refused naming both
// values, and --holdout-change replaces it only with no other member
// running; a record that is not a policy is refused, not trusted.

#include <gtest/gtest.h>

#include "cluster/cluster_errc.hpp"
#include "cluster/cluster_policy.hpp"
#include "cluster/etcd_records.hpp"
#include "coord/etcd_client.hpp"
#include "tests/etcd_fixture.hpp"

namespace troupe::cluster {
namespace {

using namespace std::chrono_literals;

class cluster_policy_test : public test::etcd_fixture {
protected:
  result<cluster_policy> agree(uint32_t basis_points, bool change = false,
                               const std::string& self = "n1") {
    return agree_policy(*client, "/t/", cluster_policy{basis_points}, change, self);
  }
};

TEST_F(cluster_policy_test, the_first_members_holdout_is_the_clusters_and_another_is_refused) {
  auto first = agree(500);
  ASSERT_TRUE(first) << first.err().message();
  EXPECT_EQ(first->holdout_basis_points, 500u);
  auto same = agree(500, false, "n2");
  ASSERT_TRUE(same) << same.err().message();
  auto other = agree(1000, false, "n2");
  ASSERT_FALSE(other);
  EXPECT_TRUE(other.err().is(cluster_errc::policy_differs));
  EXPECT_FALSE(other.err().retryable());
  EXPECT_EQ(other.err().message(),
            "--holdout-percent 10.00 differs from the cluster's holdout of 5.00% (etcd key "
            "/t/policy): every member holds out the same customers. Start with "
            "--holdout-percent 5.00, or change it with every member stopped (--holdout-change)");
  // Refused, it changed nothing.
  EXPECT_TRUE(agree(500, false, "n3"));
}

TEST_F(cluster_policy_test, a_change_waits_for_every_other_member_to_stop) {
  ASSERT_TRUE(agree(500));
  auto lease = client->grant(10s);
  ASSERT_TRUE(lease) << lease.err().message();
  ASSERT_TRUE(client->put(etcd_keys::member("/t/", "n1"), "record", lease->id));
  // n1 is still a member: n2 may not change it...
  auto refused = agree(0, true, "n2");
  ASSERT_FALSE(refused);
  EXPECT_TRUE(refused.err().is(cluster_errc::policy_differs));
  EXPECT_NE(refused.err().message().find("running: n1"), std::string::npos)
    << refused.err().message();
  EXPECT_TRUE(agree(500, false, "n3")) << "nothing changed";
  // ...but n1's own record (a lease not yet ended) is not another member.
  auto own = agree(250, true, "n1");
  ASSERT_TRUE(own) << own.err().message();
  EXPECT_EQ(own->holdout_basis_points, 250u);
  ASSERT_TRUE(client->revoke(lease->id));
  auto changed = agree(0, true, "n2");
  ASSERT_TRUE(changed) << changed.err().message();
  EXPECT_EQ(changed->holdout_basis_points, 0u);
  EXPECT_FALSE(agree(250, false, "n3")) << "the change is the cluster's now";
  EXPECT_TRUE(agree(0, false, "n3"));
}

TEST_F(cluster_policy_test, a_record_that_is_not_a_policy_is_refused) {
  ASSERT_TRUE(client->put(etcd_keys::policy("/t/"), "\xff\xff not a record"));
  auto read = agree(0);
  ASSERT_FALSE(read);
  EXPECT_TRUE(read.err().is(cluster_errc::bad_record)) << read.err().message();
  EXPECT_NE(read.err().message().find("/t/policy"), std::string::npos);
  // An operator may replace it, with nobody running.
  EXPECT_TRUE(agree(0, true));
  EXPECT_TRUE(agree(0));
}

TEST_F(cluster_policy_test, a_change_is_refused_if_a_member_entered_since_the_members_were_read) {
  // The guard of --holdout-change's transaction, against etcd itself: no
  // member record created after the read.
  ASSERT_TRUE(client->put(etcd_keys::member("/t/", "n1"), "record"));
  auto seen = client->prefix(etcd_keys::members("/t/"));
  ASSERT_TRUE(seen) << seen.err().message();
  auto guard = coord::compare::none_created_after(etcd_keys::members("/t/"), seen->revision);
  auto ok = client->txn({guard}, {coord::txn_op::put("/t/x", "1")});
  ASSERT_TRUE(ok) << ok.err().message();
  EXPECT_TRUE(ok->succeeded) << "nobody entered since";
  ASSERT_TRUE(client->put(etcd_keys::member("/t/", "n2"), "record"));
  auto late = client->txn({guard}, {coord::txn_op::put("/t/x", "2")});
  ASSERT_TRUE(late) << late.err().message();
  EXPECT_FALSE(late->succeeded) << "n2 entered after the read";
  auto x = client->get("/t/x");
  ASSERT_TRUE(x);
  EXPECT_EQ(x->kvs.front().value, "1");
}

TEST(cluster_policy_text, percent_text_has_two_decimals) {
  EXPECT_EQ(percent_text(0), "0.00");
  EXPECT_EQ(percent_text(1250), "12.50");
  EXPECT_EQ(percent_text(10000), "100.00");
  EXPECT_EQ(percent_text(1), "0.01");
}

} // namespace
} // namespace troupe::cluster
