// wire/handshake: the server and client ends of the preamble driven
// against each other in memory, for each way a peer proves itself.

#include <memory>
#include <optional>

#include <gtest/gtest.h>

#include "tests/preamble_frames.hpp"
#include "tests/temp_dir.hpp"
#include "tests/test_ca.hpp"
#include "trust/trust_error.hpp"
#include "wire/handshake.hpp"

using namespace troupe;
using namespace troupe::wire;
using troupe::test::body_of;

namespace {

const std::string cluster_secret = "the-cluster-secret-0123456789";
const std::string alice_secret = "alice-token-secret-0123456789";
const std::string bob_secret = "bob-token-secret-0123456789ab";

bool has(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

credentials node(const std::string& name, std::optional<std::string> secret) {
  credentials c;
  c.node_name = name;
  c.cluster_secret = std::move(secret);
  return c;
}

credentials shell(std::optional<std::string> token) {
  credentials c;
  c.token_secret = std::move(token);
  return c;
}

/// What both ends concluded.
struct exchange {
  std::string proof_body;                    ///< what the client sent
  server_handshake::outcome server;          ///< the server's verdict
  std::optional<result<trust::peer>> client; ///< on_accept, when accepted
  std::optional<error> refusal;              ///< on_refuse, when refused
};

/// challenge -> proof -> accept | refuse (the client's hello comes first
/// on the wire, from the scribe, and carries nothing to check here).
exchange run(const credentials& server_creds, const credentials& client_creds) {
  server_handshake server{server_creds};
  client_handshake client{client_creds};
  exchange out;
  auto proof =
      client.on_challenge(body_of(server.challenge_frame(), frame_type::challenge));
  if (!proof.ok()) {
    ADD_FAILURE() << proof.err().message();
    return out;
  }
  out.proof_body = body_of(*proof, frame_type::proof);
  out.server = server.on_proof(out.proof_body);
  if (out.server.peer)
    out.client = client.on_accept(body_of(out.server.reply, frame_type::accept));
  else
    out.refusal = client.on_refuse(body_of(out.server.reply, frame_type::refuse));
  return out;
}

void expect_refused(const exchange& x, const std::string& reason) {
  EXPECT_FALSE(x.server.peer);
  EXPECT_TRUE(has(x.server.reason, reason)) << x.server.reason;
  ASSERT_TRUE(x.refusal);
  EXPECT_TRUE(x.refusal->is(trust::trust_errc::not_permitted));
  EXPECT_EQ(x.refusal->message(), "permission denied: " + x.server.reason);
}

/// The client accepted the server's proof of nothing: it refuses, saying `why`.
void expect_client_refuses(const exchange& x, const std::string& why) {
  ASSERT_TRUE(x.client);
  ASSERT_FALSE(x.client->ok());
  EXPECT_TRUE(has(x.client->err().message(), why)) << x.client->err().message();
}

class handshake_test : public ::testing::Test {
protected:
  credentials tokens_node() {
    auto c = node("n1", cluster_secret);
    c.tokens = {{"alice", trust::role::viewer, alice_secret},
                {"bob", trust::role::operator_, bob_secret}};
    return c;
  }
};

} // namespace

TEST_F(handshake_test, nodes_with_the_cluster_secret_accept_each_other_as_nodes) {
  auto server = node("n1", cluster_secret);
  auto client = node("n2", cluster_secret);
  auto x = run(server, client);
  ASSERT_TRUE(x.server.peer) << x.server.reason;
  EXPECT_EQ(x.server.peer->role, trust::role::node);
  EXPECT_EQ(x.server.peer->name, "node n2");
  ASSERT_TRUE(x.client);
  ASSERT_TRUE(x.client->ok()) << x.client->err().message();
  EXPECT_EQ((*x.client)->role, trust::role::node);
}

TEST_F(handshake_test, a_token_gets_its_role_and_name) {
  auto server = tokens_node();
  for (auto [secret, name, role] :
       {std::tuple{alice_secret, "alice", trust::role::viewer},
        std::tuple{bob_secret, "bob", trust::role::operator_}}) {
    auto client = shell(secret);
    auto x = run(server, client);
    ASSERT_TRUE(x.server.peer) << x.server.reason;
    EXPECT_EQ(x.server.peer->name, name);
    EXPECT_EQ(x.server.peer->role, role);
    ASSERT_TRUE(x.client && x.client->ok());
    EXPECT_EQ((*x.client)->role, trust::role::node);
  }
}

TEST_F(handshake_test, a_wrong_secret_or_unknown_token_is_refused_with_the_reason) {
  auto server = tokens_node();
  auto wrong = node("n2", "another-cluster-secret-0123");
  expect_refused(run(server, wrong), "the cluster secret does not match");
  auto stranger = shell(std::string{"nobody-token-secret-0123456"});
  expect_refused(run(server, stranger), "no token of this node matches");
  // A token is not the cluster secret, nor the other way round.
  auto token_as_secret = node("n2", alice_secret);
  expect_refused(run(server, token_as_secret), "the cluster secret does not match");
  auto secret_as_token = shell(cluster_secret);
  expect_refused(run(server, secret_as_token), "no token of this node matches");
}

TEST_F(handshake_test,
       a_client_without_credentials_is_refused_when_authentication_is_on) {
  auto server = tokens_node();
  auto bare = shell(std::nullopt);
  expect_refused(run(server, bare), "authentication is on");
  // A node with tokens but no cluster secret accepts no node.
  credentials only_tokens;
  only_tokens.tokens = tokens_node().tokens;
  auto n2 = node("n2", cluster_secret);
  expect_refused(run(only_tokens, n2), "this node has no cluster secret");
}

TEST_F(handshake_test, authentication_off_makes_every_peer_open) {
  credentials off = node("n1", std::nullopt);
  ASSERT_FALSE(off.authentication_on());
  auto bare_node = node("n2", std::nullopt);
  auto x = run(off, bare_node);
  ASSERT_TRUE(x.server.peer) << x.server.reason;
  EXPECT_EQ(x.server.peer->role, trust::role::open);
  EXPECT_EQ(x.server.peer->name, "n2");
  ASSERT_TRUE(x.client && x.client->ok());
  EXPECT_EQ((*x.client)->role, trust::role::open);
  auto bare_shell = shell(std::nullopt);
  auto y = run(off, bare_shell);
  ASSERT_TRUE(y.server.peer);
  EXPECT_EQ(y.server.peer->role, trust::role::open);
  EXPECT_EQ(y.server.peer->name, "anonymous");
}

TEST_F(handshake_test, a_client_with_a_secret_refuses_a_server_that_cannot_prove_it) {
  credentials off = node("n1", std::nullopt);
  auto n2 = node("n2", cluster_secret);
  auto x = run(off, n2);
  ASSERT_TRUE(x.server.peer);
  expect_client_refuses(x, "does not prove the cluster secret");
  auto token = shell(alice_secret);
  auto y = run(off, token);
  expect_client_refuses(y, "does not prove the token");
}

TEST_F(handshake_test, a_client_without_credentials_refuses_a_server_that_wants_them) {
  // A server that claims a role other than open to a bare client.
  auto bare = shell(std::nullopt);
  auto server_creds = tokens_node();
  server_handshake server{server_creds};
  client_handshake client{bare};
  ASSERT_TRUE(
      client.on_challenge(body_of(server.challenge_frame(), frame_type::challenge)).ok());
  accept_body a;
  a.role = trust::role::node;
  auto peer = client.on_accept(body_of(encode(a), frame_type::accept));
  ASSERT_FALSE(peer.ok());
  EXPECT_TRUE(has(peer.err().message(), "requires authentication"))
      << peer.err().message();
}

TEST_F(handshake_test, a_server_that_fakes_or_reflects_its_proof_is_refused) {
  auto creds = node("n2", cluster_secret);
  auto server_creds = node("n1", cluster_secret);
  server_handshake server{server_creds};
  client_handshake client{creds};
  auto proof =
      client.on_challenge(body_of(server.challenge_frame(), frame_type::challenge));
  ASSERT_TRUE(proof.ok());
  auto sent = decode_proof(body_of(*proof, frame_type::proof));
  ASSERT_TRUE(sent);
  accept_body reflected;
  reflected.role = trust::role::node;
  reflected.proof = sent->proof; // the client's own answer, side client
  EXPECT_FALSE(client.on_accept(body_of(encode(reflected), frame_type::accept)).ok());
  accept_body faked = reflected;
  faked.proof = std::string(trust::proof_bytes, '\0');
  EXPECT_FALSE(client.on_accept(body_of(encode(faked), frame_type::accept)).ok());
  EXPECT_FALSE(client.on_accept("garbage").ok());
}

TEST_F(handshake_test, a_replayed_proof_is_refused_by_a_fresh_server_nonce) {
  auto server_creds = tokens_node();
  auto client = node("n2", cluster_secret);
  auto first = run(server_creds, client);
  ASSERT_TRUE(first.server.peer) << first.server.reason;
  server_handshake again{server_creds};
  auto replay = again.on_proof(first.proof_body);
  EXPECT_FALSE(replay.peer);
  EXPECT_TRUE(has(replay.reason, "the cluster secret does not match")) << replay.reason;
  EXPECT_TRUE(decode_refuse(body_of(replay.reply, frame_type::refuse)));
  auto token = shell(bob_secret);
  auto second = run(server_creds, token);
  ASSERT_TRUE(second.server.peer);
  server_handshake third{server_creds};
  EXPECT_FALSE(third.on_proof(second.proof_body).peer);
}

TEST_F(handshake_test, malformed_frames_are_refused) {
  auto server_creds = tokens_node();
  server_handshake server{server_creds};
  auto out = server.on_proof("not a proof");
  EXPECT_FALSE(out.peer);
  EXPECT_EQ(out.reason, "malformed proof");
  auto creds = node("n2", cluster_secret);
  client_handshake client{creds};
  EXPECT_FALSE(client.on_challenge("short").ok());
  challenge_body other_version;
  other_version.version = preamble_version + 1;
  EXPECT_FALSE(
      client.on_challenge(body_of(encode(other_version), frame_type::challenge)).ok());
  auto refusal = client.on_refuse("garbled");
  EXPECT_TRUE(refusal.is(trust::trust_errc::not_permitted));
  EXPECT_EQ(refusal.message(), "permission denied: the node refused the connection");
}

TEST_F(handshake_test, challenges_differ_per_connection) {
  auto creds = tokens_node();
  server_handshake a{creds};
  server_handshake b{creds};
  EXPECT_NE(a.challenge_frame(), b.challenge_frame());
}

class certificate_handshake_test : public ::testing::Test {
protected:
  static void SetUpTestSuite() {
    dir = new test::temp_dir;
    ca = new test::test_ca(dir->path());
    made = ca->make_ca("ca") && ca->make_ca("rogue") &&
           ca->make_cert("n1", "ca", "node") && ca->make_cert("n2", "ca", "node") &&
           ca->make_cert("alice", "ca", "operator") &&
           ca->make_cert("evil", "rogue", "node");
  }
  static void TearDownTestSuite() {
    delete ca;
    delete dir;
  }
  void SetUp() override {
    ASSERT_TRUE(made) << "openssl failed, see " << ca->path("openssl.log");
  }

  static credentials with_cert(const std::string& name,
                               const std::string& issuer = "ca") {
    credentials c;
    c.node_name = name;
    auto st = load_certificate(c, ca->files(name, issuer));
    EXPECT_TRUE(st.ok()) << name << ": " << st.err().message();
    return c;
  }

  static inline test::temp_dir* dir = nullptr;
  static inline test::test_ca* ca = nullptr;
  static inline bool made = false;
};

TEST_F(certificate_handshake_test, the_role_comes_from_the_certificate) {
  auto n1 = with_cert("n1");
  auto n2 = with_cert("n2");
  auto alice = with_cert("alice");
  auto x = run(n1, n2);
  ASSERT_TRUE(x.server.peer) << x.server.reason;
  EXPECT_EQ(x.server.peer->role, trust::role::node);
  EXPECT_EQ(x.server.peer->name, "n2");
  ASSERT_TRUE(x.client && x.client->ok()) << x.client->err().message();
  EXPECT_EQ((*x.client)->role, trust::role::node);
  EXPECT_EQ((*x.client)->name, "n1");
  auto y = run(n1, alice);
  ASSERT_TRUE(y.server.peer) << y.server.reason;
  EXPECT_EQ(y.server.peer->role, trust::role::operator_);
  EXPECT_EQ(y.server.peer->name, "alice");
  ASSERT_TRUE(y.client && y.client->ok());
}

TEST_F(certificate_handshake_test, a_certificate_outranks_the_cluster_secret) {
  auto n1 = with_cert("n1");
  n1.cluster_secret = cluster_secret;
  auto alice = with_cert("alice");
  alice.cluster_secret = cluster_secret;
  auto x = run(n1, alice);
  ASSERT_TRUE(x.server.peer) << x.server.reason;
  EXPECT_EQ(x.server.peer->role, trust::role::operator_);
}

TEST_F(certificate_handshake_test,
       a_client_refuses_a_server_whose_certificate_is_no_nodes) {
  auto impostor = with_cert("alice");
  auto n2 = with_cert("n2");
  auto x = run(impostor, n2);
  ASSERT_TRUE(x.server.peer) << x.server.reason;
  expect_client_refuses(x, "not a node's (role operator)");
}

TEST_F(certificate_handshake_test, a_certificate_of_another_ca_is_refused_both_ways) {
  auto n1 = with_cert("n1");
  auto evil = with_cert("evil", "rogue");
  expect_refused(run(n1, evil), "not signed by the CA");
  // The client trusts our CA; a server with the rogue certificate fails its check.
  auto evil_server = with_cert("evil", "ca");
  auto n2 = with_cert("n2");
  auto x = run(evil_server, n2);
  expect_client_refuses(x, "the node's certificate");
}

TEST_F(certificate_handshake_test, a_server_without_a_ca_refuses_a_certificate) {
  auto n1 = node("n1", cluster_secret);
  auto alice = with_cert("alice");
  expect_refused(run(n1, alice), "no TLS CA");
}
