// Fuzz target: wire/preamble's frame parser and body decoders, which read
// a connection's first bytes before the peer has proved anything.
//
// The input is a stream of frames, read as the gate reads it: a header
// (parse_header), then its body. Invariants: no read past the input; a
// header is taken only with our magic, a known type and a body within
// max_body_bytes; every decoder, tried on every body, refuses or takes it,
// and what it takes encodes back to exactly the frame it came from (the
// encoding is canonical: no two frames mean the same).

#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz/check.hpp"
#include "wire/preamble.hpp"

using namespace troupe::wire;

namespace {

/// Frame of `type` around `body`, as the encoders write it.
std::string frame_of(frame_type type, const std::string& body) {
  std::string out = "TRP";
  out.push_back(static_cast<char>(type));
  for (int shift = 24; shift >= 0; shift -= 8)
    out.push_back(static_cast<char>((body.size() >> shift) & 0xff));
  return out + body;
}

template <class Decode>
void check_canonical(Decode decode, frame_type type, const std::string& body) {
  if (auto x = decode(body))
    FUZZ_CHECK(encode(*x) == frame_of(type, body), "a decoded body encodes back to its frame");
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const char* p = reinterpret_cast<const char*>(data);
  size_t at = 0;
  while (size - at >= frame_header_bytes) {
    auto h = parse_header(p + at);
    if (!h)
      break;
    FUZZ_CHECK(h->length <= max_body_bytes, "a header over the body limit is refused");
    auto t = static_cast<uint8_t>(h->type);
    FUZZ_CHECK(t >= 1 && t <= 5, "a header's type is a known one");
    FUZZ_CHECK(std::string(p + at, 3) == "TRP", "a header has the magic");
    at += frame_header_bytes;
    if (size - at < h->length)
      break; // the gate waits for the rest of the body
    std::string body(p + at, h->length);
    at += h->length;
    check_canonical(decode_challenge, frame_type::challenge, body);
    check_canonical(decode_proof, frame_type::proof, body);
    check_canonical(decode_accept, frame_type::accept, body);
    if (auto r = decode_refuse(body)) {
      FUZZ_CHECK(r->reason.size() <= max_reason_bytes, "a refusal's reason is bounded");
      FUZZ_CHECK(encode(*r) == frame_of(frame_type::refuse, body), "a refusal encodes back");
    }
    if (is_hello(body))
      FUZZ_CHECK(hello_frame() == frame_of(frame_type::hello, body), "a hello is the hello");
  }
  return 0;
}
