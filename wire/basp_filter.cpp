#include "wire/basp_filter.hpp"

#include <string_view>

#include <caf/binary_deserializer.hpp>
#include <caf/message_id.hpp>

namespace troupe::wire {

namespace {

using caf::io::basp::message_type;

/// The first node id of a payload, and the second when there is one.
std::pair<std::optional<caf::node_id>, std::optional<caf::node_id>>
leading_nodes(const std::string& payload) {
  caf::binary_deserializer source{static_cast<caf::execution_unit*>(nullptr), payload.data(),
                                  payload.size()};
  caf::node_id first;
  if (source(first) || !first)
    return {};
  caf::node_id second;
  if (source(second) || !second)
    return {first, std::nullopt};
  return {first, second};
}

} // namespace

basp_filter::basp_filter(trust::role peer_role, bool accepting, uint64_t max_message_bytes,
                         caf::actor_id public_actor, std::optional<caf::node_id> self)
  : role_(peer_role), accepting_(accepting), max_message_bytes_(max_message_bytes),
    public_actor_(public_actor), self_(std::move(self)) {
}

bool basp_filter::from_shell() const { return accepting_ && !trust::is_member(role_); }

bool basp_filter::merge(verdict& out, const verdict& v) {
  if (!v.dropped.empty())
    out.dropped = v.dropped;
  if (v.announced)
    out.announced = v.announced;
  if (!v.refusal.empty())
    out.refusal = v.refusal;
  return !out.refusal.empty();
}

void basp_filter::neutralize(char* header) {
  header[3] = static_cast<char>(header[3] & ~caf::io::basp::header::named_receiver_flag);
  // dest_actor: no actor has the largest id (0 would make the header invalid).
  std::fill(header + 24, header + 32, static_cast<char>(0xff));
}

basp_filter::verdict basp_filter::feed(char* data, size_t n) {
  verdict out;
  while (n > 0) {
    if (payload_left_ == 0) {
      // BASP reads a header whole; one split over two reads is still checked,
      // but cannot be neutralized, so it is refused instead.
      char* whole = header_bytes_.empty() && n >= caf::io::basp::header_size ? data : nullptr;
      auto take = std::min(n, caf::io::basp::header_size - header_bytes_.size());
      header_bytes_.append(data, take);
      data += take;
      n -= take;
      if (header_bytes_.size() < caf::io::basp::header_size)
        break;
      auto v = on_header(whole);
      header_bytes_.clear();
      if (merge(out, v))
        return out;
      continue;
    }
    auto take = static_cast<size_t>(std::min<uint64_t>(n, payload_left_));
    if (keep_payload_)
      payload_.append(data, std::min(take, keep_limit_ - std::min(keep_limit_, payload_.size())));
    data += take;
    n -= take;
    payload_left_ -= take;
    if (payload_left_ == 0 && keep_payload_ && merge(out, on_payload()))
      return out;
  }
  return out;
}

basp_filter::verdict basp_filter::on_header(char* whole) {
  caf::binary_deserializer source{static_cast<caf::execution_unit*>(nullptr),
                                  header_bytes_.data(), header_bytes_.size()};
  if (source(header_))
    return {"malformed_header", std::nullopt, ""};
  if (header_.payload_len > max_message_bytes_)
    return {"message_too_large", std::nullopt, ""};
  auto op = header_.operation;
  bool handshake = op == message_type::server_handshake || op == message_type::client_handshake;
  bool about_nodes = op == message_type::monitor_message || op == message_type::down_message;
  if (from_shell()) {
    if (op == message_type::server_handshake || op == message_type::routed_message)
      return {"shell_cannot_route", std::nullopt, ""};
    if (op == message_type::direct_message &&
        (header_.has(caf::io::basp::header::named_receiver_flag) ||
         header_.dest_actor != public_actor_)) {
      if (whole == nullptr)
        return {"shell_reaches_only_the_gateway", std::nullopt, ""};
      // CAF's own hello to the node's SpawnServ, and a shell's SpawnServ
      // answering the node's: neutralized without a word. Any other answer
      // is dropped too (a shell is never asked anything but that).
      bool response = (header_.operation_data & caf::message_id::response_flag_mask) != 0;
      bool housekeeping = response ||
                          (header_.has(caf::io::basp::header::named_receiver_flag) &&
                           (header_.dest_actor == caf::atom_uint(caf::atom("SpawnServ")) ||
                            header_.dest_actor == caf::atom_uint(caf::atom("ConfigServ"))));
      neutralize(whole);
      payload_left_ = header_.payload_len;
      keep_payload_ = false;
      verdict v;
      v.dropped = housekeeping ? "" : "shell_reaches_only_the_gateway";
      return v;
    }
    if (op == message_type::client_handshake && node_ &&
        !header_.has(caf::io::basp::header::select_connection_flag))
      return {"second_handshake", std::nullopt, ""};
  }
  bool command = from_shell() && op == message_type::direct_message;
  keep_payload_ = handshake || (from_shell() && about_nodes) || command;
  // A command's payload is checked by its start (no stages, an atom first):
  // only that much is kept.
  keep_limit_ = command ? max_command_prefix_bytes : max_control_payload_bytes;
  if (keep_payload_ && !command && header_.payload_len > max_control_payload_bytes)
    return {"control_message_too_large", std::nullopt, ""};
  payload_.clear();
  payload_left_ = header_.payload_len;
  if (payload_left_ == 0 && keep_payload_)
    return on_payload();
  return {};
}

basp_filter::verdict basp_filter::on_payload() {
  keep_payload_ = false;
  auto op = header_.operation;
  if (op == message_type::direct_message) {
    bool ok = is_command(payload_);
    payload_.clear();
    if (!ok)
      return {"shell_message_not_a_command", std::nullopt, ""};
    return {};
  }
  auto nodes = leading_nodes(payload_);
  payload_.clear();
  if (!nodes.first)
    return {"malformed_payload", std::nullopt, ""};
  auto node = nodes.first;
  if (op == message_type::server_handshake || op == message_type::client_handshake) {
    // Nobody speaks as this node: CAF would take the peer's messages as
    // this node's own actors' (and the door as "local").
    if (self_ && *node == *self_)
      return {"speaks_for_this_node", std::nullopt, ""};
    if (node_ && *node_ != *node)
      return {"second_handshake", std::nullopt, ""};
    node_ = node;
    return {"", node, ""};
  }
  // A shell's monitor or down message is about its own node and this one:
  // not forwarded to another member, not speaking for anyone else.
  if (!node_ || *node_ != *node || !nodes.second || !self_ || *nodes.second != *self_)
    return {"shell_speaks_for_another_node", std::nullopt, ""};
  return {};
}

namespace {

/// Whether `names` ("@<>+@atom+@str+troupe.campaign_id") is a shell
/// command's: an atom first (no system message, exit, error or down, may
/// reach the door), then only types the shell API carries. CAF 0.17 throws
/// on some other types' bad bytes (a config_value's unknown alternative,
/// found by fuzz/member_message), and nothing catches it: the node ends.
bool command_types(std::string_view names) {
  constexpr std::string_view start = "@<>+@atom";
  if (names.substr(0, start.size()) != start)
    return false;
  names.remove_prefix(4); // "@<>+"
  for (;;) {
    auto end = names.find('+');
    auto name = names.substr(0, end);
    bool carried = name == "@atom" || name == "@str" || name == "@u32" || name == "@u64" ||
                   (name.size() > 7 && name.substr(0, 7) == "troupe.");
    if (!carried)
      return false;
    if (end == std::string_view::npos)
      return true;
    names.remove_prefix(end + 1);
  }
}

} // namespace

bool basp_filter::is_command(const std::string& p) {
  // stages: a varbyte count, which must be 0 (a forwarding stack would send
  // the answer, an error included, to any actor it names)
  if (p.size() < 3 || p[0] != 0)
    return false;
  // the message: object number 0 (2 bytes), then its type names as a
  // string "@<>+@atom+...", whole within the prefix kept
  if (p[1] != 0 || p[2] != 0)
    return false;
  size_t len = 0;
  size_t at = 3;
  for (int shift = 0; at < p.size() && shift < 35; shift += 7) {
    auto byte = static_cast<unsigned char>(p[at++]);
    len |= static_cast<size_t>(byte & 0x7f) << shift;
    if ((byte & 0x80) == 0)
      return len <= p.size() - at && command_types(std::string_view{p}.substr(at, len));
  }
  return false;
}

} // namespace troupe::wire
