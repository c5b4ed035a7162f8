// The etcd client and the lease keeper against a real etcd (tests/etcd_server).

#include <gtest/gtest.h>

#include <atomic>
#include <csignal>
#include <netinet/in.h>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>

#include "coord/coord_error.hpp"
#include "coord/etcd_client.hpp"
#include "coord/lease_keeper.hpp"
#include "tests/etcd_server.hpp"

namespace troupe::coord {
namespace {

using namespace std::chrono_literals;
using test::etcd_server;
using test::eventually;
using clock = std::chrono::steady_clock;

#define SKIP_WITHOUT_ETCD()                                                              \
  if (!etcd_server::available())                                                         \
  GTEST_SKIP() << etcd_server::binary << " is not installed (scripts/setup installs etcd-server)"

std::unique_ptr<etcd_client> make_client(etcd_options o) {
  auto c = etcd_client::create(std::move(o));
  if (!c)
    ADD_FAILURE() << c.err().message();
  return c ? std::move(*c) : nullptr;
}

std::unique_ptr<etcd_client> client_of(const etcd_server& s, etcd_options o = {}) {
  o.endpoints = {s.endpoint()};
  return make_client(std::move(o));
}

/// One etcd for the tests that neither stop it nor enable auth; each test
/// writes under its own prefix.
class etcd_client_test : public ::testing::Test {
protected:
  static void SetUpTestSuite() {
    if (etcd_server::available())
      shared_ = new etcd_server();
  }
  static void TearDownTestSuite() {
    delete shared_;
    shared_ = nullptr;
  }
  void SetUp() override {
    SKIP_WITHOUT_ETCD();
    client_ = client_of(*shared_);
  }

  static etcd_server* shared_;
  std::unique_ptr<etcd_client> client_;
};

etcd_server* etcd_client_test::shared_ = nullptr;

bool key_exists(etcd_client& c, const std::string& key) {
  auto r = c.get(key);
  return r.ok() && !r->kvs.empty();
}

TEST_F(etcd_client_test, put_get_range_prefix_erase) {
  auto& c = *client_;
  auto r1 = c.put("kv/a", "1");
  ASSERT_TRUE(r1.ok()) << r1.err().message();
  auto r2 = c.put("kv/b", std::string("\0\xff bytes", 8));
  ASSERT_TRUE(r2.ok());
  EXPECT_GT(*r2, *r1);
  ASSERT_TRUE(c.put("kv/c", "3").ok());
  ASSERT_TRUE(c.put("kw", "outside").ok());

  auto a = c.get("kv/a");
  ASSERT_TRUE(a.ok()) << a.err().message();
  ASSERT_EQ(a->kvs.size(), 1u);
  EXPECT_EQ(a->kvs[0].key, "kv/a");
  EXPECT_EQ(a->kvs[0].value, "1");
  EXPECT_EQ(a->kvs[0].create_revision, *r1);
  EXPECT_EQ(a->kvs[0].mod_revision, *r1);
  EXPECT_EQ(a->kvs[0].version, 1);
  EXPECT_EQ(a->kvs[0].lease, 0);
  EXPECT_GE(a->revision, *r2);
  EXPECT_EQ(c.get("kv/b")->kvs.at(0).value, std::string("\0\xff bytes", 8));

  auto missing = c.get("kv/none");
  ASSERT_TRUE(missing.ok());
  EXPECT_TRUE(missing->kvs.empty());

  auto ab = c.range("kv/a", "kv/c");
  ASSERT_TRUE(ab.ok());
  ASSERT_EQ(ab->kvs.size(), 2u);
  EXPECT_EQ(ab->kvs[1].key, "kv/b");

  auto all = c.prefix("kv/");
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->kvs.size(), 3u); // not "kw"

  auto again = c.put("kv/a", "2");
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(c.get("kv/a")->kvs.at(0).version, 2);
  EXPECT_EQ(c.get("kv/a")->kvs.at(0).create_revision, *r1);

  auto one = c.erase("kv/a");
  ASSERT_TRUE(one.ok());
  EXPECT_EQ(*one, 1);
  EXPECT_EQ(*c.erase("kv/a"), 0);
  auto rest = c.erase_prefix("kv/");
  ASSERT_TRUE(rest.ok());
  EXPECT_EQ(*rest, 2);
  EXPECT_TRUE(key_exists(c, "kw"));
}

TEST_F(etcd_client_test, txn_compare_and_swap) {
  auto& c = *client_;
  auto rev = c.put("cas/k", "v1");
  ASSERT_TRUE(rev.ok());

  auto won = c.txn({compare::mod_revision_is("cas/k", *rev)}, {txn_op::put("cas/k", "v2"),
                                                               txn_op::get("cas/k")},
                   {txn_op::get("cas/k")});
  ASSERT_TRUE(won.ok()) << won.err().message();
  EXPECT_TRUE(won->succeeded);
  ASSERT_EQ(won->ranges.size(), 1u);
  EXPECT_EQ(won->ranges[0].kvs.at(0).value, "v2");
  EXPECT_GT(won->revision, *rev);

  // The same compare again: the revision moved on, the failure branch runs.
  auto lost = c.txn({compare::mod_revision_is("cas/k", *rev)}, {txn_op::put("cas/k", "v3")},
                    {txn_op::get("cas/k"), txn_op::prefix("cas/")});
  ASSERT_TRUE(lost.ok()) << lost.err().message();
  EXPECT_FALSE(lost->succeeded);
  ASSERT_EQ(lost->ranges.size(), 2u);
  EXPECT_EQ(lost->ranges[0].kvs.at(0).value, "v2");
  EXPECT_EQ(lost->ranges[0].kvs.at(0).mod_revision, won->revision);
  EXPECT_EQ(lost->ranges[1].kvs.size(), 1u);

  auto by_value = c.txn({compare::value_is("cas/k", "v2")}, {txn_op::erase("cas/k")});
  ASSERT_TRUE(by_value.ok());
  EXPECT_TRUE(by_value->succeeded);
  EXPECT_FALSE(key_exists(c, "cas/k"));
}

TEST_F(etcd_client_test, create_if_absent_has_exactly_one_winner) {
  for (int round = 0; round < 10; ++round) {
    auto key = "race/" + std::to_string(round);
    std::atomic<int> ready{0};
    result<txn_reply> replies[2] = {error{}, error{}};
    std::vector<std::thread> threads;
    for (int i = 0; i < 2; ++i)
      threads.emplace_back([&, i] {
        ++ready;
        while (ready.load() < 2) {
        }
        replies[i] = client_->txn({compare::absent(key)}, {txn_op::put(key, std::to_string(i))},
                                  {txn_op::get(key)});
      });
    for (auto& t : threads)
      t.join();
    ASSERT_TRUE(replies[0].ok()) << replies[0].err().message();
    ASSERT_TRUE(replies[1].ok()) << replies[1].err().message();
    ASSERT_NE(replies[0]->succeeded, replies[1]->succeeded) << "round " << round;
    int winner = replies[0]->succeeded ? 0 : 1;
    const auto& loser = *replies[1 - winner];
    ASSERT_EQ(loser.ranges.size(), 1u);
    EXPECT_EQ(loser.ranges[0].kvs.at(0).value, std::to_string(winner));
    EXPECT_EQ(client_->get(key)->kvs.at(0).value, std::to_string(winner));
  }
}

TEST_F(etcd_client_test, a_leased_key_goes_with_the_lease) {
  auto& c = *client_;
  auto l = c.grant(1s);
  ASSERT_TRUE(l.ok()) << l.err().message();
  EXPECT_GE(l->ttl, 1s); // etcd raises it to its minimum (2 s with default timings)
  ASSERT_TRUE(c.put("lease/k", "v", l->id).ok());
  EXPECT_EQ(c.get("lease/k")->kvs.at(0).lease, l->id);
  // Without a keepalive the key goes once the TTL is over (etcd checks
  // expiry every 500 ms): the deadline is generous, not a timing claim.
  EXPECT_TRUE(eventually([&] { return !key_exists(c, "lease/k"); }, l->ttl + 10s));
  auto gone = c.keepalive(l->id);
  ASSERT_FALSE(gone.ok());
  EXPECT_TRUE(gone.err().is(coord_errc::lease_gone)) << gone.err().message();
}

TEST_F(etcd_client_test, keepalive_keeps_and_revoke_removes) {
  auto& c = *client_;
  auto l = c.grant(2s);
  ASSERT_TRUE(l.ok());
  ASSERT_TRUE(c.put("keep/k", "v", l->id).ok());
  auto until = clock::now() + 2 * l->ttl;
  while (clock::now() < until) {
    auto ttl = c.keepalive(l->id);
    ASSERT_TRUE(ttl.ok()) << ttl.err().message();
    EXPECT_EQ(*ttl, l->ttl);
    std::this_thread::sleep_for(300ms); // well inside the TTL
    ASSERT_TRUE(key_exists(c, "keep/k"));
  }
  auto revoked = c.revoke(l->id);
  ASSERT_TRUE(revoked.ok()) << revoked.err().message();
  EXPECT_FALSE(key_exists(c, "keep/k"));
  auto gone = c.keepalive(l->id);
  ASSERT_FALSE(gone.ok());
  EXPECT_TRUE(gone.err().is(coord_errc::lease_gone)) << gone.err().message();
  EXPECT_TRUE(c.revoke(l->id).ok()); // already gone: success
}

TEST_F(etcd_client_test, an_etcd_error_answer_is_rejected_with_its_message) {
  auto r = client_->put("bad/k", "v", 424242);
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(r.err().is(coord_errc::rejected)) << r.err().message();
  EXPECT_NE(r.err().message().find("requested lease not found"), std::string::npos)
    << r.err().message();
  EXPECT_NE(r.err().message().find("gRPC code 5 NotFound"), std::string::npos);
  EXPECT_FALSE(r.err().retryable());
  auto t = client_->txn({}, {txn_op::put("bad/k", "v", 424242)});
  ASSERT_FALSE(t.ok());
  EXPECT_TRUE(t.err().is(coord_errc::rejected)) << t.err().message();
  auto empty_key = client_->put("", "v");
  ASSERT_FALSE(empty_key.ok());
  EXPECT_TRUE(empty_key.err().is(coord_errc::rejected)) << empty_key.err().message();
}

TEST_F(etcd_client_test, an_answer_over_the_limit_is_refused) {
  ASSERT_TRUE(client_->put("big/k", std::string(64 * 1024, 'x')).ok());
  ASSERT_TRUE(client_->put("big/small", "s").ok());
  etcd_options o;
  o.max_response_bytes = 4096;
  auto small = client_of(*shared_, o);
  auto r = small->get("big/k");
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(r.err().is(coord_errc::bad_response)) << r.err().message();
  EXPECT_NE(r.err().message().find("max_response_bytes (4096 bytes)"), std::string::npos)
    << r.err().message();
  auto ok = small->get("big/small");
  ASSERT_TRUE(ok.ok()) << ok.err().message();
  EXPECT_EQ(ok->kvs.at(0).value, "s");
}

TEST_F(etcd_client_test, a_dead_first_endpoint_fails_over) {
  etcd_options o;
  o.endpoints = {"http://127.0.0.1:" + std::to_string(test::free_port()), shared_->endpoint()};
  o.timeout = 500ms;
  auto c = make_client(o);
  auto put = c->put("failover/k", "v");
  ASSERT_TRUE(put.ok()) << put.err().message();
  auto got = c->get("failover/k");
  ASSERT_TRUE(got.ok()) << got.err().message();
  EXPECT_EQ(got->kvs.at(0).value, "v");
}

TEST(etcd_client_bounds, every_endpoint_dead_is_unreachable_within_the_bound) {
  etcd_options o;
  o.endpoints = {"http://127.0.0.1:" + std::to_string(test::free_port()),
                 "http://127.0.0.1:" + std::to_string(test::free_port())};
  o.timeout = 300ms;
  auto c = make_client(o);
  auto start = clock::now();
  auto r = c->get("k");
  auto took = clock::now() - start;
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(r.err().is(coord_errc::unreachable)) << r.err().message();
  EXPECT_TRUE(r.err().retryable());
  EXPECT_NE(r.err().message().find(o.endpoints[1]), std::string::npos) << r.err().message();
  EXPECT_LT(took, 10 * o.timeout); // never waits forever; not a speed claim
}

TEST(etcd_client_bounds, a_silent_endpoint_times_out_within_the_bound) {
  // Listens but never accepts: the connection is made, no answer ever comes.
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
  ASSERT_EQ(::listen(fd, 8), 0);
  socklen_t len = sizeof(addr);
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  etcd_options o;
  o.endpoints = {"http://127.0.0.1:" + std::to_string(ntohs(addr.sin_port))};
  o.timeout = 300ms;
  auto c = make_client(o);
  auto start = clock::now();
  auto r = c->put("k", "v");
  auto took = clock::now() - start;
  ::close(fd);
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(r.err().is(coord_errc::timeout)) << r.err().message();
  EXPECT_LT(took, 10 * o.timeout);
}

TEST_F(etcd_client_test, the_keeper_keeps_the_lease_and_stop_revokes_it) {
  std::atomic<int> lost{0};
  lease_keeper keeper{*client_, {2s, 0ms, 200ms}, [&](const error&) { ++lost; }};
  auto started = keeper.start();
  ASSERT_TRUE(started.ok()) << started.err().message();
  ASSERT_NE(keeper.id(), 0);
  ASSERT_TRUE(client_->put("keeper/k", "v", keeper.id()).ok());
  EXPECT_TRUE(keeper.valid(clock::now()));
  std::this_thread::sleep_for(2 * keeper.ttl()); // past the TTL: only keepalives keep it
  EXPECT_TRUE(key_exists(*client_, "keeper/k"));
  EXPECT_TRUE(keeper.valid(clock::now()));
  EXPECT_FALSE(keeper.valid(clock::now(), keeper.ttl() + 1s)); // never beyond one TTL
  keeper.stop();
  EXPECT_FALSE(keeper.valid(clock::now()));
  EXPECT_FALSE(key_exists(*client_, "keeper/k"));
  EXPECT_EQ(lost.load(), 0);
}

TEST_F(etcd_client_test, the_keeper_reports_a_lease_revoked_behind_its_back) {
  std::atomic<int> lost{0};
  std::atomic<bool> gone_code{false};
  lease_keeper keeper{*client_, {2s, 0ms, 200ms}, [&](const error& e) {
                        gone_code = e.is(coord_errc::lease_gone);
                        ++lost;
                      }};
  ASSERT_TRUE(keeper.start().ok());
  ASSERT_TRUE(client_->revoke(keeper.id()).ok());
  EXPECT_TRUE(eventually([&] { return lost.load() > 0; }, 10s));
  EXPECT_TRUE(gone_code.load());
  EXPECT_FALSE(keeper.valid(clock::now()));
  keeper.stop();
  EXPECT_EQ(lost.load(), 1);
}


// ---- tests with an etcd of their own: stopped, restarted, with auth -------------

TEST(etcd_keeper_outage, the_keeper_is_lost_no_later_than_valid_until_when_etcd_dies) {
  SKIP_WITHOUT_ETCD();
  etcd_server server;
  etcd_options o;
  o.timeout = 300ms;
  auto c = client_of(server, o);
  std::atomic<bool> lost{false};
  std::atomic<clock::rep> lost_at{0};
  lease_keeper keeper{*c, {2s, 0ms, 200ms}, [&](const error& e) {
                        lost_at = clock::now().time_since_epoch().count();
                        lost = true;
                      }};
  ASSERT_TRUE(keeper.start().ok());
  std::this_thread::sleep_for(1s); // a keepalive or two
  auto killed_at = clock::now();
  server.stop(SIGKILL);
  auto until = keeper.valid_until();
  EXPECT_LE(until, killed_at + keeper.ttl()); // no contact since: at most one TTL
  ASSERT_TRUE(eventually([&] { return lost.load(); }, keeper.ttl() + 10s));
  auto when = clock::time_point{clock::duration{lost_at.load()}};
  // valid() is false from valid_until on; on_lost follows at most a request
  // (timeout 300 ms) later.
  EXPECT_FALSE(keeper.valid(until));
  EXPECT_FALSE(keeper.valid(clock::now()));
  EXPECT_LT(when, until + 2s);
  keeper.stop(); // the revoke fails (etcd is down) and is bounded
}

TEST(etcd_auth, a_user_and_password_work_and_a_wrong_password_is_auth_failed) {
  SKIP_WITHOUT_ETCD();
  etcd_server server;
  server.enable_auth("s3cret");
  etcd_options o;
  o.user = "root";
  o.password = "s3cret";
  auto c = client_of(server, o);
  auto put = c->put("auth/k", "v");
  ASSERT_TRUE(put.ok()) << put.err().message();
  EXPECT_EQ(c->get("auth/k")->kvs.at(0).value, "v");

  o.password = "wrong";
  auto bad = client_of(server, o)->get("auth/k");
  ASSERT_FALSE(bad.ok());
  EXPECT_TRUE(bad.err().is(coord_errc::auth_failed)) << bad.err().message();
  EXPECT_FALSE(bad.err().retryable());

  auto anonymous = client_of(server)->get("auth/k");
  ASSERT_FALSE(anonymous.ok());
  EXPECT_TRUE(anonymous.err().is(coord_errc::auth_failed)) << anonymous.err().message();

  // A restart forgets etcd's simple tokens: the client's is now invalid, and
  // it authenticates again on its own.
  server.restart();
  auto after = c->get("auth/k");
  ASSERT_TRUE(after.ok()) << after.err().message();
  EXPECT_EQ(after->kvs.at(0).value, "v");
}

} // namespace
} // namespace troupe::coord
