// trust/certificate: loading this process's certificate, key and CA, and
// verifying a peer's certificate and signature, with certificates from a
// throwaway CA (tests/test_ca.hpp).

#include <memory>

#include <gtest/gtest.h>

#include "tests/temp_dir.hpp"
#include "tests/test_ca.hpp"
#include "trust/certificate.hpp"
#include "trust/proof.hpp"
#include "trust/trust_error.hpp"

using namespace troupe;
using namespace troupe::trust;

namespace {

using identity = std::shared_ptr<const certificate_identity>;

bool has(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

class certificate_test : public ::testing::Test {
protected:
  static void SetUpTestSuite() {
    dir = new test::temp_dir;
    ca = new test::test_ca(dir->path());
    made =
        ca->make_ca("ca") && ca->make_ca("rogue") && ca->make_cert("n1", "ca", "node") &&
        ca->make_cert("alice", "ca", "operator") && ca->make_cert("nobody", "ca", "") &&
        ca->make_cert("opener", "ca", "open") && ca->make_cert("evil", "rogue", "node");
  }
  static void TearDownTestSuite() {
    delete ca;
    delete dir;
  }

  void SetUp() override {
    ASSERT_TRUE(made) << "openssl failed, see " << ca->path("openssl.log");
  }

  static identity load(const std::string& name, const std::string& issuer = "ca") {
    auto id = certificate_identity::load(ca->files(name, issuer));
    EXPECT_TRUE(id.ok()) << name << ": " << id.err().message();
    return id.ok() ? *id : nullptr;
  }

  /// `who` signs `data`; the signature.
  static std::string signature(const identity& who, const std::string& data) {
    auto sig = who->sign(data);
    EXPECT_TRUE(sig.ok());
    return sig.ok() ? *sig : std::string{};
  }

  static inline test::temp_dir* dir = nullptr;
  static inline test::test_ca* ca = nullptr;
  static inline bool made = false;
  std::string data = signed_bytes(side::client, fresh_nonce(), fresh_nonce(), "");
};

} // namespace

TEST_F(certificate_test, verify_accepts_a_signed_node_certificate_with_its_role_and_cn) {
  auto n1 = load("n1");
  auto alice = load("alice");
  ASSERT_TRUE(n1 && alice);
  auto peer = alice->verify(n1->der(), data, signature(n1, data));
  ASSERT_TRUE(peer.ok()) << peer.err().message();
  EXPECT_EQ(peer->role, role::node);
  EXPECT_EQ(peer->name, "n1");
  auto back = n1->verify(alice->der(), data, signature(alice, data));
  ASSERT_TRUE(back.ok()) << back.err().message();
  EXPECT_EQ(back->role, role::operator_);
  EXPECT_EQ(back->name, "alice");
}

TEST_F(certificate_test, verify_refuses_a_certificate_of_another_ca) {
  auto n1 = load("n1");
  auto evil = load("evil", "rogue");
  ASSERT_TRUE(n1 && evil);
  auto peer = n1->verify(evil->der(), data, signature(evil, data));
  ASSERT_FALSE(peer.ok());
  EXPECT_TRUE(peer.err().is(trust_errc::bad_proof));
  EXPECT_TRUE(has(peer.err().message(), "not signed by the CA")) << peer.err().message();
  // And the rogue CA's holder refuses ours.
  EXPECT_FALSE(evil->verify(n1->der(), data, signature(n1, data)).ok());
}

TEST_F(certificate_test, verify_refuses_a_certificate_without_a_role) {
  auto n1 = load("n1");
  auto nobody = load("nobody");
  auto opener = load("opener");
  ASSERT_TRUE(n1 && nobody && opener);
  auto peer = n1->verify(nobody->der(), data, signature(nobody, data));
  ASSERT_FALSE(peer.ok());
  EXPECT_TRUE(has(peer.err().message(), "no troupe:role:<role> URI"))
      << peer.err().message();
  // No certificate may grant `open`.
  EXPECT_FALSE(n1->verify(opener->der(), data, signature(opener, data)).ok());
}

TEST_F(certificate_test, verify_refuses_a_wrong_signature) {
  auto n1 = load("n1");
  auto alice = load("alice");
  ASSERT_TRUE(n1 && alice);
  // Alice signs, but presents n1's certificate.
  auto stolen = alice->verify(n1->der(), data, signature(alice, data));
  ASSERT_FALSE(stolen.ok());
  EXPECT_TRUE(has(stolen.err().message(), "signature does not verify"))
      << stolen.err().message();
  // n1's signature over other bytes (the server's side of the same nonces).
  auto other = data;
  other[14] = static_cast<char>(side::server);
  EXPECT_FALSE(alice->verify(n1->der(), data, signature(n1, other)).ok());
  auto sig = signature(n1, data);
  sig[sig.size() / 2] ^= 1;
  EXPECT_FALSE(alice->verify(n1->der(), data, sig).ok());
  EXPECT_FALSE(alice->verify(n1->der(), data, "").ok());
}

TEST_F(certificate_test, verify_refuses_oversized_or_garbled_inputs) {
  auto n1 = load("n1");
  auto alice = load("alice");
  ASSERT_TRUE(n1 && alice);
  auto sig = signature(n1, data);
  auto big_der = n1->der() + std::string(max_certificate_bytes, '\0');
  auto big = alice->verify(big_der, data, sig);
  ASSERT_FALSE(big.ok());
  EXPECT_TRUE(has(big.err().message(), "too large")) << big.err().message();
  auto big_sig =
      alice->verify(n1->der(), data, sig + std::string(max_signature_bytes, '\0'));
  ASSERT_FALSE(big_sig.ok());
  EXPECT_TRUE(has(big_sig.err().message(), "too large")) << big_sig.err().message();
  auto garbage = alice->verify("not a certificate", data, sig);
  ASSERT_FALSE(garbage.ok());
  EXPECT_TRUE(has(garbage.err().message(), "not a DER certificate"))
      << garbage.err().message();
  EXPECT_FALSE(alice->verify(n1->der().substr(0, n1->der().size() / 2), data, sig).ok());
}

TEST_F(certificate_test, load_errors_name_the_file) {
  auto expect_names = [](const config::tls_files& files, const std::string& file) {
    auto id = certificate_identity::load(files);
    ASSERT_FALSE(id.ok()) << file;
    EXPECT_TRUE(id.err().is(trust_errc::bad_file));
    EXPECT_TRUE(has(id.err().message(), file)) << id.err().message();
  };
  auto good = ca->files("n1", "ca");
  auto missing = ca->path("missing.pem");
  expect_names({missing, good.key, good.ca}, missing);
  expect_names({good.cert, missing, good.ca}, missing);
  expect_names({good.cert, good.key, missing}, missing);
  // A file of the wrong kind: a key where the certificate goes, and back.
  expect_names({good.key, good.key, good.ca}, good.key);
  expect_names({good.cert, good.cert, good.ca}, good.cert);
  expect_names({good.cert, good.key, good.key}, good.key);
}

TEST_F(certificate_test, der_is_the_certificate_sent_to_peers) {
  auto n1 = load("n1");
  ASSERT_TRUE(n1);
  EXPECT_FALSE(n1->der().empty());
  EXPECT_LE(n1->der().size(), max_certificate_bytes);
  // DER starts with a SEQUENCE.
  EXPECT_EQ(static_cast<uint8_t>(n1->der()[0]), 0x30);
}
