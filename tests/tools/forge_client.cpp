// forge_client: an attacker on the same machine as a troupe-node, for the
// trust-boundary process tests (tests/trust_process_test.cpp). Each mode
// tries one way past the gate on the node's cluster port and says, on
// stdout, what the node answered.
//
//   plain-caf HOST PORT
//       a plain CAF 0.17 client (CAF's own middleman, no preamble) asks for
//       the published actor
//   raw-header HOST PORT [--hold S]
//       a raw TCP socket sends one BASP header claiming a 4 GiB payload and
//       waits up to S seconds (default 5) for the node to close it
//   auth-then-header HOST PORT --token SECRET [--hold S]
//       does the preamble as a shell with that token, then sends the same header
//   forge HOST PORT [--token SECRET] [--victim ID] [--owner NODE] [--shards N]
//       connects with the project's transport (as troupe-shell does), asks
//       for the member handle, and sends forged member messages (a handoff
//       batch overwriting customer ID, a handover of ID's shard to this
//       process, a drain of NODE) to the published actor and, if the node
//       gave one, to the member handle
//
// Exit status: 0 the node refused (the connection, the handle, every forged
// message); 3 the attack got through (a handle, a socket left open, a forged
// message answered with a value); 4 (forge) the node gave the member handle
// (authentication off) but refused or left unanswered every forged message;
// 1 the attack could not be tried (no TCP connection, a failed preamble); 2 usage.

#include <chrono>
#include <iostream>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include <caf/all.hpp>
#include <caf/io/all.hpp>
#include <caf/io/basp/header.hpp>

#include "actors/actor_error.hpp"
#include "cluster/wire_types.hpp"
#include "sharding/placement_plan.hpp"
#include "storage/keys.hpp"
#include "tests/tools/raw_socket.hpp"
#include "troupe.pb.h"
#include "wire/handshake.hpp"
#include "wire/preamble.hpp"
#include "wire/transport.hpp"

namespace {

using namespace troupe;
using namespace std::chrono_literals;
using troupe::test::tools::raw_socket;

constexpr int exit_refused = 0;
constexpr int exit_not_tried = 1;
constexpr int exit_usage = 2;
constexpr int exit_got_through = 3;
constexpr int exit_open_but_refused = 4;

struct options {
  std::string mode;
  std::string host;
  uint16_t port = 0;
  std::map<std::string, std::string> flags; ///< --token, --hold, --victim, --owner, --shards

  std::string flag(const std::string& name, const std::string& fallback) const {
    auto it = flags.find(name);
    return it == flags.end() ? fallback : it->second;
  }
};

/// A BASP direct-message header whose payload length is 4 GiB - 16.
std::string huge_header() {
  caf::io::basp::header hdr{caf::io::basp::message_type::direct_message, 0, 0xFFFFFFF0u, 0, 0,
                            0};
  std::vector<char> buf;
  caf::binary_serializer sink{static_cast<caf::execution_unit*>(nullptr), buf};
  if (auto err = sink(hdr))
    return {};
  return std::string(buf.begin(), buf.end());
}

/// Sends the header on `sock` and waits for the node to close it.
int send_header_and_wait(raw_socket& sock, const options& o) {
  auto header = huge_header();
  if (header.size() != caf::io::basp::header_size) {
    std::cout << "cannot serialize a BASP header" << std::endl;
    return exit_not_tried;
  }
  if (!sock.send_all(header)) {
    std::cout << "closed by the node before the header was sent: " << sock.error() << std::endl;
    return exit_refused;
  }
  std::cout << "sent a BASP header claiming " << 0xFFFFFFF0u << " bytes" << std::endl;
  auto hold = std::chrono::seconds{std::stoi(o.flag("--hold", "5"))};
  if (auto after = sock.wait_closed(hold)) {
    std::cout << "closed by the node after " << after->count() << " ms" << std::endl;
    return exit_refused;
  }
  std::cout << "still open after " << hold.count() << " s" << std::endl;
  return exit_got_through;
}

int raw_header(const options& o) {
  raw_socket sock{o.host, o.port};
  if (!sock.ok()) {
    std::cout << "cannot connect: " << sock.error() << std::endl;
    return exit_not_tried;
  }
  return send_header_and_wait(sock, o);
}

/// One preamble frame off `sock`: its type and body.
std::optional<std::pair<wire::frame_type, std::string>> read_frame(raw_socket& sock) {
  auto head = sock.read_exactly(wire::frame_header_bytes, 10s);
  if (!head)
    return std::nullopt;
  auto parsed = wire::parse_header(head->data());
  if (!parsed)
    return std::nullopt;
  std::string body;
  if (parsed->length > 0) {
    auto got = sock.read_exactly(parsed->length, 10s);
    if (!got)
      return std::nullopt;
    body = std::move(*got);
  }
  return std::pair{parsed->type, std::move(body)};
}

int auth_then_header(const options& o) {
  raw_socket sock{o.host, o.port};
  if (!sock.ok()) {
    std::cout << "cannot connect: " << sock.error() << std::endl;
    return exit_not_tried;
  }
  wire::credentials creds;
  creds.token_secret = o.flag("--token", "");
  wire::client_handshake handshake{creds};
  auto fail = [&](const std::string& why) {
    std::cout << "preamble failed: " << why << std::endl;
    return exit_not_tried;
  };
  if (!sock.send_all(wire::hello_frame()))
    return fail("hello: " + sock.error());
  auto challenge = read_frame(sock);
  if (!challenge || challenge->first != wire::frame_type::challenge)
    return fail("no challenge: " + sock.error());
  auto proof = handshake.on_challenge(challenge->second);
  if (!proof)
    return fail(proof.err().message());
  if (!sock.send_all(*proof))
    return fail("proof: " + sock.error());
  auto answer = read_frame(sock);
  if (!answer)
    return fail("no answer to the proof: " + sock.error());
  if (answer->first == wire::frame_type::refuse)
    return fail(handshake.on_refuse(answer->second).message());
  auto node = handshake.on_accept(answer->second);
  if (answer->first != wire::frame_type::accept || !node)
    return fail(node ? "an unexpected frame" : node.err().message());
  std::cout << "authenticated" << std::endl;
  return send_header_and_wait(sock, o);
}

int plain_caf(const options& o) {
  caf::actor_system_config cfg;
  cfg.load<caf::io::middleman>();
  cfg.set("scheduler.max-threads", size_t{2});
  caf::actor_system sys{cfg};
  // What `sys.middleman().remote_actor(host, port)` asks CAF's middleman
  // actor, with a deadline: a node waiting for a preamble never answers.
  caf::scoped_actor self{sys};
  int code = exit_refused;
  self->request(sys.middleman().actor_handle(), 10s, caf::connect_atom::value, o.host, o.port)
    .receive(
      [&](const caf::node_id&, caf::strong_actor_ptr& ptr, const std::set<std::string>&) {
        if (ptr) {
          std::cout << "got a handle to the published actor" << std::endl;
          code = exit_got_through;
        } else {
          std::cout << "connected, but no actor is published" << std::endl;
        }
      },
      [&](caf::error& err) { std::cout << "refused: " << sys.render(err) << std::endl; });
  return code;
}

// -- forge ------------------------------------------------------------------

enum class outcome { refused, silent, accepted };

/// Asks `dest` and prints the answer, `Value` being what a taken message answers.
template <class Value, class... Ts>
outcome ask(caf::actor_system& sys, const caf::actor& dest, const std::string& label,
            Ts&&... xs) {
  caf::scoped_actor self{sys};
  outcome out = outcome::silent;
  self->request(dest, 10s, std::forward<Ts>(xs)...)
    .receive(
      [&](Value&) {
        out = outcome::accepted;
        std::cout << label << ": ACCEPTED" << std::endl;
      },
      [&](caf::error& err) {
        bool timed_out = err == caf::sec::request_timeout;
        out = timed_out ? outcome::silent : outcome::refused;
        std::cout << label << (timed_out ? ": no answer: " : ": refused: ")
                  << actors::describe(err) << std::endl;
      });
  return out;
}

/// A one-way message: an empty answer says only that it arrived.
template <class... Ts>
outcome tell(caf::actor_system& sys, const caf::actor& dest, const std::string& label,
             Ts&&... xs) {
  caf::scoped_actor self{sys};
  outcome out = outcome::silent;
  self->request(dest, 10s, std::forward<Ts>(xs)...)
    .receive([&] { std::cout << label << ": no answer (one-way)" << std::endl; },
             [&](caf::error& err) {
               out = err == caf::sec::request_timeout ? outcome::silent : outcome::refused;
               std::cout << label << ": refused: " << actors::describe(err) << std::endl;
             });
  return out;
}

/// The batch that overwrites `victim` with what no import would write.
std::string forged_batch(const std::string& victim, uint32_t shard) {
  v1::RecordBatch batch;
  batch.set_shard(shard);
  batch.set_shard_map_version(1ull << 40);
  batch.set_sequence(0);
  batch.set_last(true);
  auto* c = batch.add_records()->mutable_customer();
  c->set_id(victim);
  c->set_email("forged@attacker.example");
  c->set_order_count(-42);
  c->set_updated_at_ms(4102444800000); // 2100: newer than anything
  std::string bytes;
  batch.SerializeToString(&bytes);
  return bytes;
}

/// Sends the three forged member messages to `dest`; the worst outcome.
outcome forge_at(caf::actor_system& sys, const caf::actor& dest, const std::string& target,
                 const options& o) {
  auto victim = o.flag("--victim", "c0001");
  auto shards = static_cast<uint32_t>(std::stoul(o.flag("--shards", "64")));
  auto shard = storage::keys::shard_of(victim, shards);
  std::vector<outcome> all;
  all.push_back(ask<uint64_t>(sys, dest, target + " handoff batch", cluster::handoff_atom::value,
                              shard, forged_batch(victim, shard)));
  sharding::placement_change handover{sharding::change_kind::switch_primary, shard, "attacker", 1};
  all.push_back(tell(sys, dest, target + " handover", cluster::handover_atom::value, handover));
  all.push_back(ask<std::string>(sys, dest, target + " drain", cluster::drain_atom::value,
                                 o.flag("--owner", "n1")));
  for (auto x : {outcome::accepted, outcome::silent})
    for (auto y : all)
      if (y == x)
        return x;
  return outcome::refused;
}

int forge(const options& o) {
  caf::actor_system_config cfg;
  cfg.set("scheduler.max-threads", size_t{2});
  wire::load_transport(cfg, config::tls_files{});
  cluster::register_wire_types(cfg);
  caf::actor_system sys{cfg};
  wire::credentials creds;
  if (auto token = o.flag("--token", ""); !token.empty())
    creds.token_secret = token;
  wire::client_transport transport{sys, std::move(creds)};
  caf::actor door;
  {
    caf::scoped_actor self{sys};
    self->request(transport.actor(), 10s, caf::connect_atom::value, o.host, o.port)
      .receive(
        [&](const caf::node_id&, caf::strong_actor_ptr& ptr, const std::set<std::string>&) {
          door = caf::actor_cast<caf::actor>(ptr);
        },
        [&](caf::error& err) {
          auto why = transport.gate().refused_at(o.port);
          std::cout << "connect: refused: "
                    << (why ? why->message() : sys.render(err)) << std::endl;
        });
  }
  if (!door)
    return exit_refused;
  caf::actor member;
  {
    caf::scoped_actor self{sys};
    self->request(door, 10s, cluster::member_atom::value)
      .receive(
        [&](caf::actor& handle) {
          member = handle;
          std::cout << "member handle: granted" << std::endl;
        },
        [&](caf::error& err) {
          std::cout << "member handle: refused: " << actors::describe(err) << std::endl;
        });
  }
  auto at_door = forge_at(sys, door, "door", o);
  auto at_member = member ? forge_at(sys, member, "member", o) : outcome::refused;
  if (at_door == outcome::accepted || at_member == outcome::accepted)
    return exit_got_through;
  if (member)
    return exit_open_but_refused;
  // The door answers every message; silence there is no refusal.
  return at_door == outcome::refused ? exit_refused : exit_got_through;
}

int usage() {
  std::cerr << "usage: forge_client plain-caf|raw-header|auth-then-header|forge HOST PORT "
               "[--token SECRET] [--hold S] [--victim ID] [--owner NODE] [--shards N]\n";
  return exit_usage;
}

} // namespace

int main(int argc, char** argv) {
  if (argc < 4)
    return usage();
  options o;
  o.mode = argv[1];
  o.host = argv[2];
  o.port = static_cast<uint16_t>(std::stoul(argv[3]));
  for (int i = 4; i + 1 < argc; i += 2)
    o.flags[argv[i]] = argv[i + 1];
  if (o.mode == "plain-caf")
    return plain_caf(o);
  if (o.mode == "raw-header")
    return raw_header(o);
  if (o.mode == "auth-then-header")
    return auth_then_header(o);
  if (o.mode == "forge")
    return forge(o);
  return usage();
}
