// trust/proof: the HMAC each side of a handshake answers with depends on
// every input, and nonces are fresh.

#include <set>

#include <gtest/gtest.h>

#include "trust/proof.hpp"

using namespace troupe::trust;

namespace {

constexpr const char* secret = "0123456789abcdef-cluster";

nonce filled(uint8_t byte) {
  nonce n{};
  n.fill(byte);
  return n;
}

class proof_test : public ::testing::Test {
protected:
  nonce server = filled(1);
  nonce client = filled(2);
  proof base = proof_of(secret, side::client, server, client, "n1");
};

} // namespace

TEST_F(proof_test, the_same_inputs_give_the_same_proof) {
  EXPECT_TRUE(same_proof(base, proof_of(secret, side::client, server, client, "n1")));
}

TEST_F(proof_test, proofs_differ_by_side) {
  EXPECT_FALSE(same_proof(base, proof_of(secret, side::server, server, client, "n1")));
}

TEST_F(proof_test, proofs_differ_by_either_nonce) {
  auto other_server = server;
  other_server[31] ^= 1;
  auto other_client = client;
  other_client[0] ^= 1;
  EXPECT_FALSE(
      same_proof(base, proof_of(secret, side::client, other_server, client, "n1")));
  EXPECT_FALSE(
      same_proof(base, proof_of(secret, side::client, server, other_client, "n1")));
  // Swapping the nonces is another input too.
  EXPECT_FALSE(same_proof(base, proof_of(secret, side::client, client, server, "n1")));
}

TEST_F(proof_test, proofs_differ_by_name_and_by_secret) {
  EXPECT_FALSE(same_proof(base, proof_of(secret, side::client, server, client, "n2")));
  EXPECT_FALSE(same_proof(base, proof_of(secret, side::client, server, client, "")));
  EXPECT_FALSE(same_proof(
      base, proof_of("0123456789abcdef-clustex", side::client, server, client, "n1")));
}

TEST_F(proof_test, same_proof_compares_every_byte) {
  for (size_t i = 0; i < proof_bytes; ++i) {
    auto other = base;
    other[i] ^= 0x80;
    EXPECT_FALSE(same_proof(base, other)) << "byte " << i;
  }
  EXPECT_TRUE(same_proof(base, base));
}

TEST_F(proof_test, signed_bytes_cover_side_nonces_and_name) {
  auto bytes = signed_bytes(side::client, server, client, "n1");
  EXPECT_NE(bytes, signed_bytes(side::server, server, client, "n1"));
  EXPECT_NE(bytes, signed_bytes(side::client, client, server, "n1"));
  EXPECT_NE(bytes, signed_bytes(side::client, server, client, "n2"));
}

TEST(proof_nonce_test, fresh_nonce_differs_between_calls) {
  std::set<nonce> seen;
  for (int i = 0; i < 64; ++i)
    EXPECT_TRUE(seen.insert(fresh_nonce()).second) << "call " << i;
  EXPECT_NE(fresh_nonce(), nonce{});
}
