// Fuzz target: wire/basp_filter, which reads every BASP byte a peer sends
// before CAF does (a shell's bytes included, whatever its role).
//
// The first input byte picks the peer (its role, which end accepted) and
// how the stream is cut into reads; the rest is the stream. Invariants:
//  - cut into pieces or fed whole, the stream meets the same fate: pieces
//    may only refuse sooner (a header split over two reads is refused, not
//    neutralized); when neither refuses, both pass the same bytes (after
//    neutralizing) and announce the same node;
//  - a stream that passes holds no frame over the size limit and, from a
//    shell, no routed message, no server handshake and no direct message
//    to any actor but the door unless neutralized (sent to no actor).

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include <caf/binary_deserializer.hpp>
#include <caf/io/basp/header.hpp>
#include <caf/node_id.hpp>
#include <caf/optional.hpp>

#include "fuzz/check.hpp"
#include "wire/basp_filter.hpp"

using namespace troupe;
using caf::io::basp::header;
using caf::io::basp::message_type;

namespace {

constexpr caf::actor_id door = 42;
constexpr uint64_t max_bytes = 1 << 16;
constexpr caf::actor_id no_actor = ~caf::actor_id{0};

struct fate {
  std::string refusal;
  std::optional<caf::node_id> announced;
  bool dropped = false;
  std::string passed; ///< the bytes fed before a refusal, as the filter left them
};

fate feed(trust::role role, bool accepting, std::string stream, size_t piece) {
  static const auto self = *caf::make_node_id(77, "ffffffffffeeeeeeeeeeddddddddddcccccccccc");
  wire::basp_filter filter{role, accepting, max_bytes, door, self};
  fate out;
  for (size_t at = 0; at < stream.size(); at += piece) {
    auto n = std::min(piece, stream.size() - at);
    auto v = filter.feed(stream.data() + at, n);
    if (v.announced)
      out.announced = v.announced;
    out.dropped = out.dropped || !v.dropped.empty();
    if (!v.refusal.empty()) {
      out.refusal = v.refusal;
      stream.resize(at);
      break;
    }
  }
  out.passed = stream;
  return out;
}

/// Walks the frames of a stream that passed and checks each header.
void check_passed(const std::string& s, bool shell) {
  size_t at = 0;
  while (s.size() - at >= caf::io::basp::header_size) {
    header h;
    caf::binary_deserializer src{static_cast<caf::execution_unit*>(nullptr), s.data() + at,
                                 caf::io::basp::header_size};
    FUZZ_CHECK(!src(h), "a header that passed is a header");
    FUZZ_CHECK(h.payload_len <= max_bytes, "no frame over the size limit passes");
    if (shell) {
      FUZZ_CHECK(h.operation != message_type::routed_message &&
                   h.operation != message_type::server_handshake,
                 "a shell routes nothing");
      if (h.operation == message_type::direct_message)
        FUZZ_CHECK((h.dest_actor == door && !h.has(header::named_receiver_flag)) ||
                     (h.dest_actor == no_actor && !h.has(header::named_receiver_flag)),
                   "a shell's direct message reaches the door or no actor");
    }
    at += caf::io::basp::header_size + h.payload_len;
    if (at > s.size())
      break;
  }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1)
    return 0;
  auto role = static_cast<trust::role>(data[0] & 3);
  bool accepting = (data[0] & 4) != 0;
  size_t piece = 1 + (data[0] >> 3); // 1 to 32 bytes a read
  std::string stream(reinterpret_cast<const char*>(data) + 1, size - 1);
  auto whole = feed(role, accepting, stream, stream.size() + 1);
  auto cut = feed(role, accepting, stream, piece);
  if (!whole.refusal.empty())
    FUZZ_CHECK(!cut.refusal.empty(), "what is refused whole is refused in pieces");
  if (whole.refusal.empty() && cut.refusal.empty()) {
    FUZZ_CHECK(whole.passed == cut.passed, "pieces pass the same bytes");
    FUZZ_CHECK(whole.announced == cut.announced, "pieces announce the same node");
    FUZZ_CHECK(whole.dropped == cut.dropped, "pieces drop the same frames");
    check_passed(whole.passed, accepting && !trust::is_member(role));
  }
  return 0;
}
