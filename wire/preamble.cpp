#include "wire/preamble.hpp"

#include <cstring>

namespace troupe::wire {

namespace {

constexpr char magic[3] = {'T', 'R', 'P'};

void put_u32(std::string& out, uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8)
    out.push_back(static_cast<char>((v >> shift) & 0xff));
}

void put_blob(std::string& out, const std::string& blob) {
  put_u32(out, static_cast<uint32_t>(blob.size()));
  out.append(blob);
}

template <size_t N>
void put_bytes(std::string& out, const std::array<uint8_t, N>& bytes) {
  out.append(reinterpret_cast<const char*>(bytes.data()), N);
}

std::string framed(frame_type type, const std::string& body) {
  std::string out(magic, sizeof(magic));
  out.push_back(static_cast<char>(type));
  put_u32(out, static_cast<uint32_t>(body.size()));
  return out + body;
}

/// Reads fields off a body; any read past the end fails the whole decode.
class reader {
public:
  explicit reader(const std::string& body) : body_(body) {}

  bool u8(uint8_t& v) {
    if (pos_ + 1 > body_.size())
      return false;
    v = static_cast<uint8_t>(body_[pos_++]);
    return true;
  }

  bool u32(uint32_t& v) {
    if (pos_ + 4 > body_.size())
      return false;
    v = 0;
    for (int i = 0; i < 4; ++i)
      v = (v << 8) | static_cast<uint8_t>(body_[pos_++]);
    return true;
  }

  bool blob(std::string& out, size_t limit) {
    uint32_t len = 0;
    if (!u32(len) || len > limit || pos_ + len > body_.size())
      return false;
    out.assign(body_, pos_, len);
    pos_ += len;
    return true;
  }

  template <size_t N>
  bool bytes(std::array<uint8_t, N>& out) {
    if (pos_ + N > body_.size())
      return false;
    std::memcpy(out.data(), body_.data() + pos_, N);
    pos_ += N;
    return true;
  }

  bool done() const { return pos_ == body_.size(); }

private:
  const std::string& body_;
  size_t pos_ = 0;
};

std::optional<trust::role> role_from(uint8_t v) {
  if (v > static_cast<uint8_t>(trust::role::ingest)) // the last role
    return std::nullopt;
  return static_cast<trust::role>(v);
}

} // namespace

std::optional<frame_header> parse_header(const char* p) {
  if (std::memcmp(p, magic, sizeof(magic)) != 0)
    return std::nullopt;
  auto type = static_cast<uint8_t>(p[3]);
  if (type < 1 || type > 5)
    return std::nullopt;
  uint32_t len = 0;
  for (int i = 4; i < 8; ++i)
    len = (len << 8) | static_cast<uint8_t>(p[i]);
  if (len > max_body_bytes)
    return std::nullopt;
  return frame_header{static_cast<frame_type>(type), len};
}

std::string hello_frame() {
  return framed(frame_type::hello, std::string(1, static_cast<char>(preamble_version)));
}

bool is_hello(const std::string& body) {
  return body.size() == 1 && static_cast<uint8_t>(body[0]) == preamble_version;
}

std::string encode(const challenge_body& x) {
  std::string body(1, static_cast<char>(x.version));
  put_bytes(body, x.server_nonce);
  return framed(frame_type::challenge, body);
}

std::string encode(const proof_body& x) {
  std::string body(1, static_cast<char>(x.kind));
  put_blob(body, x.name);
  put_bytes(body, x.client_nonce);
  put_blob(body, x.proof);
  put_blob(body, x.certificate);
  return framed(frame_type::proof, body);
}

std::string encode(const accept_body& x) {
  std::string body(1, static_cast<char>(x.role));
  put_blob(body, x.proof);
  put_blob(body, x.certificate);
  return framed(frame_type::accept, body);
}

std::string encode(const refuse_body& x) {
  std::string body;
  put_blob(body, x.reason.substr(0, max_reason_bytes));
  return framed(frame_type::refuse, body);
}

std::optional<challenge_body> decode_challenge(const std::string& body) {
  reader in{body};
  challenge_body x;
  if (!in.u8(x.version) || !in.bytes(x.server_nonce) || !in.done())
    return std::nullopt;
  return x;
}

std::optional<proof_body> decode_proof(const std::string& body) {
  reader in{body};
  proof_body x;
  uint8_t kind = 0;
  if (!in.u8(kind) || kind > static_cast<uint8_t>(proof_kind::certificate) ||
      !in.blob(x.name, 64) || !in.bytes(x.client_nonce) || !in.blob(x.proof, 1024) ||
      !in.blob(x.certificate, 16 * 1024) || !in.done())
    return std::nullopt;
  x.kind = static_cast<proof_kind>(kind);
  return x;
}

std::optional<accept_body> decode_accept(const std::string& body) {
  reader in{body};
  accept_body x;
  uint8_t role = 0;
  if (!in.u8(role) || !in.blob(x.proof, 1024) || !in.blob(x.certificate, 16 * 1024) ||
      !in.done())
    return std::nullopt;
  auto r = role_from(role);
  if (!r)
    return std::nullopt;
  x.role = *r;
  return x;
}

std::optional<refuse_body> decode_refuse(const std::string& body) {
  reader in{body};
  refuse_body x;
  if (!in.blob(x.reason, max_reason_bytes) || !in.done())
    return std::nullopt;
  return x;
}

} // namespace troupe::wire
