// wire/basp_filter: which BASP frames a peer may send, by its role. Frames
// are made with CAF's own serializer, as a peer's BASP broker would.

#include <algorithm>
#include <string>
#include <vector>

#include <caf/all.hpp>
#include <caf/binary_serializer.hpp>
#include <caf/io/basp/header.hpp>
#include <gtest/gtest.h>

#include "wire/basp_filter.hpp"

using namespace troupe;
using namespace troupe::wire;
using caf::io::basp::header;
using caf::io::basp::message_type;

namespace {

constexpr caf::actor_id door = 42; ///< the published shell gateway
constexpr caf::actor_id other = 7; ///< any other actor
constexpr uint64_t max_bytes = 1 << 20;
constexpr uint8_t named = header::named_receiver_flag;
constexpr uint8_t select_flag = header::select_connection_flag;

/// What feeding a stream came to.
struct summary {
  std::string refusal;
  std::vector<caf::node_id> announced;
  std::vector<std::string> dropped;

  /// A refused connection closes: what else its last bytes said is moot.
  bool operator==(const summary& o) const {
    return refusal == o.refusal &&
           (!refusal.empty() || (announced == o.announced && dropped == o.dropped));
  }
};

void PrintTo(const summary& s, std::ostream* os) {
  *os << "{refusal '" << s.refusal << "', " << s.announced.size() << " announced, "
      << s.dropped.size() << " dropped}";
}

class basp_filter_test : public ::testing::Test {
protected:
  // (An actor system's own node id is invalid until the middleman is loaded.)
  caf::node_id shell_node =
      *caf::make_node_id(1234, "aaaaaaaaaabbbbbbbbbbccccccccccdddddddddd");
  caf::node_id another_node =
      *caf::make_node_id(4242, "0123456789abcdef0123456789abcdef01234567");
  /// The node the filter guards (no peer may announce it).
  caf::node_id self_node = *caf::make_node_id(77, "ffffffffffeeeeeeeeeeddddddddddcccccccccc");

  /// A shell command's payload as CAF writes it: no stages, object number 0,
  /// the type names "@<>+@atom..." and then the elements (`rest`).
  static std::string cmd(const std::string& types = "@<>+@atom", const std::string& rest = "x",
                         char stages = 0) {
    return std::string(1, stages) + std::string(2, '\0') +
           std::string(1, static_cast<char>(types.size())) + types + rest;
  }

  /// A node id as CAF serializes it.
  std::string raw(const caf::node_id& node) { return about(node, ""); }

  /// A monitor or down message's payload: from `from`, to `to`.
  std::string between(const caf::node_id& from, const caf::node_id& to) {
    return about(from, raw(to));
  }

  /// A frame: the header (its payload_len set to the payload's) and payload.
  std::string frame(message_type op, uint8_t flags, caf::actor_id dest,
                    const std::string& payload = "", uint64_t operation_data = 1) {
    header h{op, flags, static_cast<uint32_t>(payload.size()), operation_data, 3, dest};
    return serialized(h) + payload;
  }

  /// A header alone, claiming `length` bytes of payload.
  std::string claims(message_type op, uint64_t length, uint8_t flags = 0) {
    header h{op, flags, static_cast<uint32_t>(length), 1, 3, door};
    return serialized(h);
  }

  /// A payload that begins with `node`, as handshakes, monitor and down messages do.
  std::string about(const caf::node_id& node, const std::string& rest = "app-ids") {
    std::vector<char> buf;
    caf::binary_serializer sink{static_cast<caf::execution_unit*>(nullptr), buf};
    auto copy = node;
    EXPECT_TRUE(copy);
    EXPECT_FALSE(sink(copy));
    return std::string(buf.begin(), buf.end()) + rest;
  }

  std::string handshake(const caf::node_id& node, uint8_t flags = 0) {
    return frame(message_type::client_handshake, flags, 0, about(node));
  }

  std::string serialized(header h) {
    std::vector<char> buf;
    caf::binary_serializer sink{static_cast<caf::execution_unit*>(nullptr), buf};
    EXPECT_FALSE(sink(h));
    EXPECT_EQ(buf.size(), caf::io::basp::header_size);
    return std::string(buf.begin(), buf.end());
  }

  /// Feeds `bytes` (edited in place) in pieces of `piece` bytes (0: whole).
  static summary feed(basp_filter& f, std::string& bytes, size_t piece = 0) {
    summary out;
    if (piece == 0)
      piece = bytes.size();
    for (size_t at = 0; at < bytes.size() && out.refusal.empty(); at += piece) {
      auto v = f.feed(bytes.data() + at, std::min(piece, bytes.size() - at));
      out.refusal = v.refusal;
      if (v.announced)
        out.announced.push_back(*v.announced);
      if (!v.dropped.empty())
        out.dropped.push_back(v.dropped);
    }
    return out;
  }

  /// The refusal of a fresh filter for a shell on the node's side, after
  /// its client handshake, on `bytes`.
  std::string shell_refusal(std::string bytes, trust::role r = trust::role::viewer) {
    basp_filter f{r, true, max_bytes, door, self_node};
    auto hello = handshake(shell_node);
    EXPECT_TRUE(feed(f, hello).refusal.empty());
    return feed(f, bytes).refusal;
  }

  static bool neutralized(const std::string& hdr) {
    return std::all_of(hdr.begin() + 24, hdr.begin() + 32,
                       [](char c) { return c == '\xff'; }) &&
           (hdr[3] & named) == 0;
  }
};

} // namespace

TEST_F(basp_filter_test, a_shells_client_handshake_announces_its_node) {
  basp_filter f{trust::role::viewer, true, max_bytes, door, self_node};
  auto bytes = handshake(shell_node);
  auto before = bytes;
  auto s = feed(f, bytes);
  EXPECT_EQ(s.refusal, "");
  ASSERT_EQ(s.announced.size(), 1u);
  EXPECT_EQ(s.announced[0], shell_node);
  EXPECT_EQ(bytes, before);
}

TEST_F(basp_filter_test, a_handshake_without_a_node_is_malformed) {
  basp_filter f{trust::role::viewer, true, max_bytes, door, self_node};
  auto empty = frame(message_type::client_handshake, 0, 0);
  EXPECT_EQ(feed(f, empty).refusal, "malformed_payload");
  basp_filter g{trust::role::node, true, max_bytes, door, self_node};
  auto garbage = frame(message_type::client_handshake, 0, 0, "xy");
  EXPECT_EQ(feed(g, garbage).refusal, "malformed_payload");
}

TEST_F(basp_filter_test, a_second_handshake_with_another_node_is_refused) {
  EXPECT_EQ(shell_refusal(handshake(another_node)), "second_handshake");
  EXPECT_EQ(shell_refusal(handshake(shell_node)), "second_handshake");
  // CAF's select-connection handshake may repeat the node, never change it.
  EXPECT_EQ(shell_refusal(handshake(another_node, select_flag)), "second_handshake");
  EXPECT_EQ(shell_refusal(handshake(shell_node, select_flag)), "");
}

TEST_F(basp_filter_test, a_direct_message_to_the_door_passes_untouched) {
  basp_filter f{trust::role::operator_, true, max_bytes, door, self_node};
  auto bytes = handshake(shell_node) +
               frame(message_type::direct_message, 0, door, cmd()) +
               frame(message_type::heartbeat, 0, 0);
  auto before = bytes;
  auto s = feed(f, bytes);
  EXPECT_EQ(s.refusal, "");
  EXPECT_TRUE(s.dropped.empty());
  EXPECT_EQ(bytes, before);
}

TEST_F(basp_filter_test, a_direct_message_to_another_actor_is_neutralized_in_place) {
  basp_filter f{trust::role::viewer, true, max_bytes, door, self_node};
  auto hello = handshake(shell_node);
  feed(f, hello);
  auto msg = frame(message_type::direct_message, 0, other, "payload");
  auto next = frame(message_type::direct_message, 0, door, cmd());
  auto bytes = msg + next;
  auto s = feed(f, bytes);
  EXPECT_EQ(s.refusal, "");
  EXPECT_EQ(s.dropped, (std::vector<std::string>{"shell_reaches_only_the_gateway"}));
  EXPECT_TRUE(neutralized(bytes.substr(0, 32)));
  // Only the receiver changed; the payload and the next frame are intact.
  EXPECT_EQ(bytes.substr(0, 24), msg.substr(0, 24));
  EXPECT_EQ(bytes.substr(32), msg.substr(32) + next);
}

TEST_F(basp_filter_test, a_message_to_a_named_actor_is_neutralized_and_counted) {
  basp_filter f{trust::role::viewer, true, max_bytes, door, self_node};
  auto hello = handshake(shell_node);
  feed(f, hello);
  // Even one whose name happens to read as the door's id.
  for (caf::actor_id dest : {door, caf::atom_uint("MyServ")}) {
    auto bytes = frame(message_type::direct_message, named, dest, "x");
    auto s = feed(f, bytes);
    EXPECT_EQ(s.refusal, "");
    EXPECT_EQ(s.dropped, (std::vector<std::string>{"shell_reaches_only_the_gateway"}));
    EXPECT_TRUE(neutralized(bytes));
  }
}

TEST_F(basp_filter_test, spawnserv_messages_and_responses_are_neutralized_silently) {
  basp_filter f{trust::role::viewer, true, max_bytes, door, self_node};
  auto hello = handshake(shell_node);
  feed(f, hello);
  std::vector<std::string> quiet = {
      frame(message_type::direct_message, named, caf::atom_uint("SpawnServ"), "hello"),
      frame(message_type::direct_message, named, caf::atom_uint("ConfigServ"), "hello"),
      frame(message_type::direct_message, 0, other, "answer",
            caf::message_id::response_flag_mask | 5),
  };
  for (auto& bytes : quiet) {
    auto s = feed(f, bytes);
    EXPECT_EQ(s.refusal, "");
    EXPECT_TRUE(s.dropped.empty());
    EXPECT_TRUE(neutralized(bytes));
  }
  // SpawnServ's id unnamed is just another actor id.
  auto unnamed = frame(message_type::direct_message, 0, caf::atom_uint("SpawnServ"), "x");
  EXPECT_EQ(feed(f, unnamed).dropped.size(), 1u);
}

TEST_F(basp_filter_test, a_shell_may_not_route_or_serve) {
  EXPECT_EQ(shell_refusal(frame(message_type::routed_message, 0, door, "x")),
            "shell_cannot_route");
  EXPECT_EQ(shell_refusal(frame(message_type::server_handshake, 0, 0, about(shell_node))),
            "shell_cannot_route");
  basp_filter f{trust::role::viewer, true, max_bytes, door, self_node};
  auto first = frame(message_type::server_handshake, 0, 0, about(shell_node));
  EXPECT_EQ(feed(f, first).refusal, "shell_cannot_route");
}

TEST_F(basp_filter_test, monitor_and_down_messages_must_name_the_shells_own_node) {
  for (auto op : {message_type::monitor_message, message_type::down_message}) {
    EXPECT_EQ(shell_refusal(frame(op, 0, other, between(shell_node, self_node))), "") << int(op);
    // Nor may it send one on to another member (CAF would forward it).
    EXPECT_EQ(shell_refusal(frame(op, 0, other, between(shell_node, another_node))),
              "shell_speaks_for_another_node")
        << int(op);
    EXPECT_EQ(shell_refusal(frame(op, 0, other, about(another_node))),
              "shell_speaks_for_another_node")
        << int(op);
    EXPECT_EQ(shell_refusal(frame(op, 0, other, "")), "malformed_payload") << int(op);
    // Before its handshake a shell has no node to speak for.
    basp_filter f{trust::role::viewer, true, max_bytes, door, self_node};
    auto early = frame(op, 0, other, between(shell_node, self_node));
    EXPECT_EQ(feed(f, early).refusal, "shell_speaks_for_another_node") << int(op);
  }
}

TEST_F(basp_filter_test, a_header_claiming_too_much_is_refused_for_every_role) {
  for (auto r : {trust::role::viewer, trust::role::operator_, trust::role::node,
                 trust::role::open}) {
    for (bool accepting : {true, false}) {
      for (auto op : {message_type::direct_message, message_type::client_handshake,
                      message_type::routed_message, message_type::heartbeat}) {
        basp_filter f{r, accepting, max_bytes, door, self_node};
        auto bytes = claims(op, max_bytes + 1);
        EXPECT_EQ(feed(f, bytes).refusal, "message_too_large")
            << trust::to_string(r) << " " << accepting << " " << int(op);
      }
      basp_filter f{r, accepting, max_bytes, door, self_node};
      auto largest = claims(message_type::direct_message, max_bytes);
      EXPECT_NE(feed(f, largest).refusal, "message_too_large") << trust::to_string(r);
    }
  }
  basp_filter f{trust::role::node, true, default_max_message_bytes, door};
  auto huge = claims(message_type::direct_message, 0xffffffffu);
  EXPECT_EQ(feed(f, huge).refusal, "message_too_large");
}

TEST_F(basp_filter_test, a_control_payload_over_64_kib_is_refused) {
  auto over = max_control_payload_bytes + 1;
  basp_filter f{trust::role::viewer, true, max_bytes, door, self_node};
  auto bytes = claims(message_type::client_handshake, over);
  EXPECT_EQ(feed(f, bytes).refusal, "control_message_too_large");
  EXPECT_EQ(shell_refusal(claims(message_type::monitor_message, over)),
            "control_message_too_large");
  EXPECT_EQ(shell_refusal(claims(message_type::down_message, over)),
            "control_message_too_large");
  basp_filter g{trust::role::viewer, true, max_bytes, door, self_node};
  auto largest = handshake(shell_node);
  largest += std::string(max_control_payload_bytes + 32 - largest.size(), 'x');
  {
    header h{message_type::client_handshake,
             0,
             static_cast<uint32_t>(largest.size() - 32),
             1,
             3,
             0};
    largest.replace(0, 32, serialized(h));
  }
  EXPECT_EQ(feed(g, largest).refusal, "");
}

TEST_F(basp_filter_test, members_may_send_anything_within_the_size_limit) {
  for (auto r : {trust::role::node, trust::role::open}) {
    basp_filter f{r, true, max_bytes, door, self_node};
    auto bytes =
        handshake(another_node) + handshake(another_node, select_flag) +
        frame(message_type::server_handshake, 0, 0, about(another_node)) +
        frame(message_type::direct_message, 0, other, "to anyone") +
        frame(message_type::direct_message, named, caf::atom_uint("SpawnServ"), "x") +
        frame(message_type::routed_message, 0, other, std::string(1000, 'r')) +
        frame(message_type::monitor_message, 0, other, about(another_node)) +
        frame(message_type::down_message, 0, other, about(another_node)) +
        frame(message_type::heartbeat, 0, 0);
    auto before = bytes;
    auto s = feed(f, bytes);
    EXPECT_EQ(s.refusal, "") << trust::to_string(r);
    EXPECT_TRUE(s.dropped.empty()) << trust::to_string(r);
    EXPECT_EQ(bytes, before) << trust::to_string(r);
  }
}

TEST_F(basp_filter_test, no_peer_may_change_its_node_on_one_connection) {
  // The gate binds one node id to a connection: a member cannot borrow another's.
  for (auto r : {trust::role::node, trust::role::open}) {
    basp_filter f{r, true, max_bytes, door, self_node};
    auto bytes = handshake(another_node) + handshake(shell_node);
    EXPECT_EQ(feed(f, bytes).refusal, "second_handshake") << trust::to_string(r);
    basp_filter g{r, false, max_bytes, door, self_node};
    auto served = frame(message_type::server_handshake, 0, 0, about(another_node)) +
                  frame(message_type::server_handshake, 0, 0, about(shell_node));
    EXPECT_EQ(feed(g, served).refusal, "second_handshake") << trust::to_string(r);
  }
}

TEST_F(basp_filter_test, the_connecting_end_checks_only_sizes) {
  // A shell's own filter, on the connection it opened to a node.
  basp_filter f{trust::role::node, false, max_bytes, door, self_node};
  auto bytes = frame(message_type::server_handshake, 0, 0, about(another_node)) +
               frame(message_type::direct_message, 0, other, "x") +
               frame(message_type::routed_message, 0, other, "y");
  auto before = bytes;
  EXPECT_EQ(feed(f, bytes).refusal, "");
  EXPECT_EQ(bytes, before);
}

TEST_F(basp_filter_test, bytes_in_odd_pieces_give_the_same_verdicts) {
  std::vector<std::string> streams = {
      handshake(shell_node) + frame(message_type::direct_message, 0, door, cmd()) +
          frame(message_type::heartbeat, 0, 0) +
          frame(message_type::monitor_message, 0, other, between(shell_node, self_node)) +
          frame(message_type::direct_message, 0, door, cmd()),
      handshake(shell_node) + frame(message_type::direct_message, 0, door, cmd()) +
          handshake(another_node),
      handshake(shell_node) +
          frame(message_type::down_message, 0, other, about(another_node)),
      handshake(shell_node) + frame(message_type::routed_message, 0, door, "x"),
      handshake(shell_node) + claims(message_type::direct_message, max_bytes + 1),
  };
  for (size_t i = 0; i < streams.size(); ++i) {
    basp_filter whole{trust::role::viewer, true, max_bytes, door, self_node};
    auto bytes = streams[i];
    auto expected = feed(whole, bytes);
    for (size_t piece : {size_t{1}, size_t{3}, size_t{31}, size_t{33}}) {
      basp_filter f{trust::role::viewer, true, max_bytes, door, self_node};
      auto copy = streams[i];
      EXPECT_EQ(feed(f, copy, piece), expected)
          << "stream " << i << ", pieces of " << piece;
      EXPECT_EQ(copy, streams[i]);
    }
  }
}

TEST_F(basp_filter_test, a_split_header_that_needs_neutralizing_is_refused) {
  // CAF reads a BASP header whole, so a header split over two reads never
  // comes from CAF; it cannot be edited in place, so the connection closes.
  basp_filter f{trust::role::viewer, true, max_bytes, door, self_node};
  auto hello = handshake(shell_node);
  feed(f, hello);
  auto bytes = frame(message_type::direct_message, 0, other, "x");
  EXPECT_EQ(feed(f, bytes, 1).refusal, "shell_reaches_only_the_gateway");
  // A whole header whose payload comes in pieces is neutralized as usual.
  basp_filter g{trust::role::viewer, true, max_bytes, door, self_node};
  auto again = handshake(shell_node);
  feed(g, again);
  auto msg = frame(message_type::direct_message, 0, other, "a longer payload");
  EXPECT_TRUE(g.feed(msg.data(), 32).refusal.empty());
  EXPECT_TRUE(neutralized(msg.substr(0, 32)));
  for (size_t at = 32; at < msg.size(); ++at)
    EXPECT_TRUE(g.feed(msg.data() + at, 1).refusal.empty());
  auto next = frame(message_type::direct_message, 0, door, cmd());
  auto s = feed(g, next);
  EXPECT_EQ(s.refusal, "");
  EXPECT_TRUE(s.dropped.empty());
}

TEST_F(basp_filter_test, nobody_announces_this_nodes_own_id) {
  // A shell that did would be this node's own actors to CAF, and "local"
  // (the node role) to the door.
  for (auto r : {trust::role::viewer, trust::role::operator_, trust::role::node}) {
    basp_filter f{r, true, max_bytes, door, self_node};
    auto bytes = handshake(self_node);
    EXPECT_EQ(feed(f, bytes).refusal, "speaks_for_this_node") << trust::to_string(r);
  }
}

TEST_F(basp_filter_test, a_shell_may_send_the_door_commands_only) {
  EXPECT_EQ(shell_refusal(frame(message_type::direct_message, 0, door, cmd())), "");
  EXPECT_EQ(shell_refusal(frame(message_type::direct_message, 0, door,
                                cmd("@<>+@atom+troupe.customer_id", std::string(5000, 'c')))),
            "");
  // A forwarding stack would send the door's answer (an error too) to any actor.
  EXPECT_EQ(shell_refusal(frame(message_type::direct_message, 0, door, cmd("@<>+@atom", "x", 1))),
            "shell_message_not_a_command");
  // A system message would stop the door (an exit with reason kill cannot be ignored).
  for (const char* types : {"@<>+@exit", "@<>+@error", "@<>+@down", "@<>", "@<>+@str"})
    EXPECT_EQ(shell_refusal(frame(message_type::direct_message, 0, door, cmd(types))),
              "shell_message_not_a_command")
        << types;
  EXPECT_EQ(shell_refusal(frame(message_type::direct_message, 0, door, "")),
            "shell_message_not_a_command");
}

// CAF 0.17 throws decoding a config_value with an unknown alternative, and
// nothing catches it: one message from a viewer ended the node. A shell's
// command carries only the types of the shell API (found by
// fuzz/member_message).
TEST_F(basp_filter_test, a_shells_command_carries_only_the_shell_apis_types) {
  for (const char* types : {"@<>+@atom+@str", "@<>+@atom+troupe.campaign_id+@str+@u32",
                            "@<>+@atom+troupe.import_chunk", "@<>+@atom+@u64"})
    EXPECT_EQ(shell_refusal(frame(message_type::direct_message, 0, door, cmd(types))), "")
        << types;
  for (const char* types : {"@<>+@atom+@config_value", "@<>+@atom+@message", "@<>+@atom+@actor",
                            "@<>+@atom+", "@<>+@atomic", "@<>+@atom+troupe."})
    EXPECT_EQ(shell_refusal(frame(message_type::direct_message, 0, door, cmd(types))),
              "shell_message_not_a_command")
        << types;
  // The type names are read whole, or the message is no command.
  auto cut = cmd("@<>+@atom+@str");
  cut[3] = static_cast<char>(100);
  EXPECT_EQ(shell_refusal(frame(message_type::direct_message, 0, door, cut)),
            "shell_message_not_a_command");
}

