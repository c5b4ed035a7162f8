// Fuzz target: decoding a member's (or a shell's) message from bytes. After
// BASP's header, a message's payload is a CAF message whose elements are the
// wire types of cluster/wire_types.hpp (import chunks, campaign commands,
// member info, shard moves...); CAF reads its type names and calls each
// type's `inspect` on bytes the peer chose.
//
// Invariants: bytes decode to a message or an error, never a crash or an
// allocation of what a length field claims; a message that decodes
// serializes to bytes that decode to a message serializing the same (the
// encoding round-trips). Actor handles inside messages need a middleman's
// proxies and are refused here, as CAF refuses them without one.
//
// Not fed: a message naming CAF's config_value. CAF 0.17 throws decoding
// one with an unknown alternative, and nothing catches it in a node: the
// BASP filter keeps it from shells (their commands carry only the shell
// API's types); members, trusted with any message, are not filtered.
//
// Not checked: re-encoding a message that holds an infinite float. CAF
// 0.17's encoder never returns on one (detail::pack754 halves infinity
// forever), and its decoder makes one from a peer's bytes: a node must not
// forward a peer's floating-point values as they came (fuzz/README.md).

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include <caf/all.hpp>
#include <caf/binary_deserializer.hpp>
#include <caf/binary_serializer.hpp>

#include "cluster/wire_types.hpp"
#include "fuzz/check.hpp"

using namespace troupe;

namespace {

caf::actor_system& the_system() {
  static caf::actor_system_config* cfg = [] {
    auto* c = new caf::actor_system_config;
    cluster::register_wire_types(*c);
    c->set("scheduler.max-threads", 1);
    c->set("logger.verbosity", caf::atom("quiet"));
    return c;
  }();
  static auto* sys = new caf::actor_system{*cfg};
  return *sys;
}

/// Visits a message as a serializer would and notes any float that is not
/// finite (CAF 0.17 cannot encode it); writes nothing.
class finite_check final : public caf::serializer {
public:
  using caf::serializer::serializer;
  bool finite = true;

  caf::error begin_object(uint16_t&, std::string&) override { return {}; }
  caf::error end_object() override { return {}; }
  caf::error begin_sequence(size_t&) override { return {}; }
  caf::error end_sequence() override { return {}; }
  caf::error apply_raw(size_t, void*) override { return {}; }

protected:
  caf::error apply_impl(int8_t&) override { return {}; }
  caf::error apply_impl(uint8_t&) override { return {}; }
  caf::error apply_impl(int16_t&) override { return {}; }
  caf::error apply_impl(uint16_t&) override { return {}; }
  caf::error apply_impl(int32_t&) override { return {}; }
  caf::error apply_impl(uint32_t&) override { return {}; }
  caf::error apply_impl(int64_t&) override { return {}; }
  caf::error apply_impl(uint64_t&) override { return {}; }
  caf::error apply_impl(float& x) override { return note(x); }
  caf::error apply_impl(double& x) override { return note(x); }
  caf::error apply_impl(long double& x) override { return note(x); }
  caf::error apply_impl(std::string&) override { return {}; }
  caf::error apply_impl(std::u16string&) override { return {}; }
  caf::error apply_impl(std::u32string&) override { return {}; }

private:
  template <class T>
  caf::error note(T x) {
    finite = finite && std::isfinite(x);
    return {};
  }
};

std::vector<char> serialized(caf::actor_system& sys, caf::message& msg) {
  std::vector<char> out;
  caf::binary_serializer sink{sys, out};
  FUZZ_CHECK(!sink(msg), "a decoded message serializes");
  return out;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto& sys = the_system();
  static const std::string_view config_value = "config_value";
  if (std::string_view{reinterpret_cast<const char*>(data), size}.find(config_value) !=
      std::string_view::npos)
    return 0;
  caf::binary_deserializer source{sys, reinterpret_cast<const char*>(data), size};
  caf::message msg;
  if (source(msg))
    return 0;
  finite_check check{sys};
  if (check(msg) || !check.finite)
    return 0;
  auto bytes = serialized(sys, msg);
  caf::binary_deserializer again{sys, bytes};
  caf::message copy;
  FUZZ_CHECK(!again(copy), "a serialized message decodes");
  FUZZ_CHECK(again.remaining() == 0, "a serialized message is read whole");
  FUZZ_CHECK(serialized(sys, copy) == bytes, "decoding and encoding round-trip");
  return 0;
}
