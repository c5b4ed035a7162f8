#include "trust/role.hpp"

namespace troupe::trust {

std::string_view to_string(role r) {
  switch (r) {
    case role::viewer:
      return "viewer";
    case role::operator_:
      return "operator";
    case role::node:
      return "node";
    case role::open:
      return "open";
    case role::ingest:
      return "ingest";
  }
  return "unknown";
}

std::optional<role> parse_role(std::string_view text) {
  for (auto r : {role::viewer, role::operator_, role::node, role::ingest})
    if (text == to_string(r))
      return r;
  return std::nullopt;
}

bool may(role r, permission p) {
  switch (r) {
    case role::open:
    case role::operator_:
      return true;
    case role::viewer:
      return p == permission::read;
    case role::ingest:
      return p == permission::ingest;
    case role::node:
      // A node runs a command for a shell only as that shell's coordinator:
      // its shell-API calls to another member are the shell's, already checked.
      return true;
  }
  return false;
}

bool is_member(role r) { return r == role::node || r == role::open; }

} // namespace troupe::trust
