// wire/preamble: the frames two ends say before BASP; every body
// round-trips, and every decoder refuses what is not exactly one body.

#include <gtest/gtest.h>

#include "tests/preamble_frames.hpp"
#include "wire/preamble.hpp"

using namespace troupe;
using namespace troupe::wire;
using troupe::test::body_of;

namespace {

trust::nonce filled(uint8_t byte) {
  trust::nonce n{};
  for (size_t i = 0; i < n.size(); ++i)
    n[i] = static_cast<uint8_t>(byte + i);
  return n;
}

std::string header(const std::string& magic, uint8_t type, uint32_t length) {
  std::string out = magic;
  out.push_back(static_cast<char>(type));
  for (int shift = 24; shift >= 0; shift -= 8)
    out.push_back(static_cast<char>((length >> shift) & 0xff));
  return out;
}

proof_body sample_proof() {
  proof_body p;
  p.kind = proof_kind::certificate;
  p.name = "n2";
  p.client_nonce = filled(7);
  p.proof = std::string(256, '\x01');
  p.certificate = std::string(1500, '\x30');
  return p;
}

/// Every prefix of `body` shorter than it, and `body` with a byte more,
/// are refused by `decode`.
template <class Decode>
void expect_exact(const std::string& body, Decode decode) {
  ASSERT_TRUE(decode(body));
  for (size_t n = 0; n < body.size(); ++n)
    EXPECT_FALSE(decode(body.substr(0, n)))
        << "truncated to " << n << " of " << body.size();
  EXPECT_FALSE(decode(body + '\0')) << "a trailing byte";
}

} // namespace

TEST(preamble_test, challenge_round_trips) {
  challenge_body c;
  c.server_nonce = filled(3);
  auto back = decode_challenge(body_of(encode(c), frame_type::challenge));
  ASSERT_TRUE(back);
  EXPECT_EQ(back->version, preamble_version);
  EXPECT_EQ(back->server_nonce, c.server_nonce);
}

TEST(preamble_test, proof_round_trips_for_every_kind) {
  for (auto kind : {proof_kind::none, proof_kind::secret, proof_kind::token,
                    proof_kind::certificate}) {
    auto p = sample_proof();
    p.kind = kind;
    auto back = decode_proof(body_of(encode(p), frame_type::proof));
    ASSERT_TRUE(back) << static_cast<int>(kind);
    EXPECT_EQ(back->kind, kind);
    EXPECT_EQ(back->name, p.name);
    EXPECT_EQ(back->client_nonce, p.client_nonce);
    EXPECT_EQ(back->proof, p.proof);
    EXPECT_EQ(back->certificate, p.certificate);
  }
}

TEST(preamble_test, accept_round_trips_for_every_role) {
  for (auto r : {trust::role::viewer, trust::role::operator_, trust::role::node,
                 trust::role::open}) {
    accept_body a;
    a.role = r;
    a.proof = std::string(32, '\xaa');
    a.certificate = "der";
    auto back = decode_accept(body_of(encode(a), frame_type::accept));
    ASSERT_TRUE(back) << trust::to_string(r);
    EXPECT_EQ(back->role, r);
    EXPECT_EQ(back->proof, a.proof);
    EXPECT_EQ(back->certificate, a.certificate);
  }
}

TEST(preamble_test, refuse_round_trips_and_cuts_a_long_reason) {
  auto back =
      decode_refuse(body_of(encode(refuse_body{"no token matches"}), frame_type::refuse));
  ASSERT_TRUE(back);
  EXPECT_EQ(back->reason, "no token matches");
  auto cut = decode_refuse(body_of(
      encode(refuse_body{std::string(max_reason_bytes + 100, 'r')}), frame_type::refuse));
  ASSERT_TRUE(cut);
  EXPECT_EQ(cut->reason, std::string(max_reason_bytes, 'r'));
}

TEST(preamble_test, empty_fields_round_trip) {
  auto back = decode_proof(body_of(encode(proof_body{}), frame_type::proof));
  ASSERT_TRUE(back);
  EXPECT_EQ(back->kind, proof_kind::none);
  EXPECT_TRUE(back->name.empty() && back->proof.empty() && back->certificate.empty());
  EXPECT_TRUE(decode_accept(body_of(encode(accept_body{}), frame_type::accept)));
  EXPECT_TRUE(decode_refuse(body_of(encode(refuse_body{}), frame_type::refuse)));
}

TEST(preamble_test, hello_frame_is_a_hello_of_this_version) {
  auto body = body_of(hello_frame(), frame_type::hello);
  EXPECT_TRUE(is_hello(body));
  EXPECT_FALSE(is_hello(""));
  EXPECT_FALSE(is_hello(std::string(1, static_cast<char>(preamble_version + 1))));
  EXPECT_FALSE(is_hello(body + body));
}

TEST(preamble_test, parse_header_refuses_wrong_magic_unknown_type_and_long_body) {
  EXPECT_TRUE(parse_header(header("TRP", 1, 0).data()));
  EXPECT_TRUE(parse_header(header("TRP", 5, max_body_bytes).data()));
  auto last = parse_header(header("TRP", 4, max_body_bytes).data());
  ASSERT_TRUE(last);
  EXPECT_EQ(last->length, max_body_bytes);
  EXPECT_FALSE(parse_header(header("TRQ", 1, 0).data()));
  EXPECT_FALSE(parse_header(header("trp", 1, 0).data()));
  // What a plain BASP client or an HTTP client says first.
  EXPECT_FALSE(parse_header("GET / HT"));
  EXPECT_FALSE(parse_header(std::string(8, '\0').data()));
  for (uint8_t type : {0, 6, 0x7f, 0xff})
    EXPECT_FALSE(parse_header(header("TRP", type, 0).data())) << int{type};
  EXPECT_FALSE(parse_header(header("TRP", 2, max_body_bytes + 1).data()));
  EXPECT_FALSE(parse_header(header("TRP", 2, 0xffffffff).data()));
}

TEST(preamble_test, decoders_refuse_truncated_bodies_and_trailing_bytes) {
  challenge_body c;
  c.server_nonce = filled(1);
  expect_exact(body_of(encode(c), frame_type::challenge), decode_challenge);
  auto p = sample_proof();
  p.proof = "0123456789";
  p.certificate = "cert";
  expect_exact(body_of(encode(p), frame_type::proof), decode_proof);
  accept_body a;
  a.role = trust::role::node;
  a.proof = "0123";
  a.certificate = "c";
  expect_exact(body_of(encode(a), frame_type::accept), decode_accept);
  expect_exact(body_of(encode(refuse_body{"why"}), frame_type::refuse), decode_refuse);
}

TEST(preamble_test, decode_proof_refuses_a_field_over_its_limit) {
  auto ok = sample_proof();
  ok.name = std::string(64, 'n');
  ok.proof = std::string(1024, 'p');
  ok.certificate = std::string(16 * 1024, 'c');
  EXPECT_TRUE(decode_proof(body_of(encode(ok), frame_type::proof)));
  auto name = ok;
  name.name += 'n';
  EXPECT_FALSE(decode_proof(body_of(encode(name), frame_type::proof)));
  auto proof = ok;
  proof.proof += 'p';
  EXPECT_FALSE(decode_proof(body_of(encode(proof), frame_type::proof)));
  auto cert = ok;
  cert.certificate += 'c';
  EXPECT_FALSE(decode_proof(body_of(encode(cert), frame_type::proof)));
}

TEST(preamble_test, decode_accept_and_refuse_refuse_a_field_over_its_limit) {
  accept_body a;
  a.proof = std::string(1025, 'p');
  EXPECT_FALSE(decode_accept(body_of(encode(a), frame_type::accept)));
  a.proof.clear();
  a.certificate = std::string(16 * 1024 + 1, 'c');
  EXPECT_FALSE(decode_accept(body_of(encode(a), frame_type::accept)));
  // A refusal whose length field claims more than the limit (encode cuts,
  // so the body is made by hand).
  std::string body = {0, 0, 0x02, 0x01};
  body += std::string(513, 'r');
  EXPECT_FALSE(decode_refuse(body));
}

TEST(preamble_test, a_blob_length_past_the_body_is_refused) {
  // A proof whose name length claims 64 bytes, with none behind it.
  std::string body = {static_cast<char>(proof_kind::secret), 0, 0, 0, 64};
  EXPECT_FALSE(decode_proof(body));
  std::string huge = {static_cast<char>(proof_kind::secret), '\xff', '\xff', '\xff',
                      '\xff'};
  EXPECT_FALSE(decode_proof(huge));
}

TEST(preamble_test, decoders_refuse_an_unknown_kind_or_role) {
  auto p = body_of(encode(sample_proof()), frame_type::proof);
  for (uint8_t kind : {4, 0x80, 0xff}) {
    p[0] = static_cast<char>(kind);
    EXPECT_FALSE(decode_proof(p)) << int{kind};
  }
  accept_body a;
  auto body = body_of(encode(a), frame_type::accept);
  for (uint8_t r : {5, 0x7f, 0xff}) { // 4 is ingest, the last role
    body[0] = static_cast<char>(r);
    EXPECT_FALSE(decode_accept(body)) << int{r};
  }
}

TEST(preamble_test, a_challenge_of_another_version_still_decodes) {
  // The version is the handshake's to judge (client_handshake refuses it).
  challenge_body c;
  c.version = preamble_version + 1;
  auto back = decode_challenge(body_of(encode(c), frame_type::challenge));
  ASSERT_TRUE(back);
  EXPECT_EQ(back->version, preamble_version + 1);
}
