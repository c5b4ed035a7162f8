#pragma once
/// Who a peer is to this node, and what each role may do.
///
///   viewer    reads: health, nodes, actors, breakers, segment count,
///             campaign list/status/report
///   operator  everything a shell can do (imports, campaigns, dead letters,
///             customer get/export/delete, events, drain)
///   ingest    events alone: `event ingest` and `POST /v1/events`
///   node      the member protocol, which no shell role may use
///
/// `open` is the one role of a peer when authentication is off (neither
/// tokens, a cluster secret nor TLS configured): it may do what `operator`
/// and `node` may, as every peer could before roles existed.

#include <optional>
#include <string>
#include <string_view>

namespace troupe::trust {

/// The values cross the wire (wire/preamble): add at the end, the last is `ingest`.
enum class role { viewer, operator_, node, open, ingest };

/// "viewer", "operator", "node", "open", "ingest".
std::string_view to_string(role r);

/// Parses "viewer", "operator", "ingest" or "node" (never "open": no
/// credential grants it).
std::optional<role> parse_role(std::string_view text);

/// What a shell command (or an HTTP request) needs: `ingest` is posting
/// events, which `operator` may do too.
enum class permission { read, operate, ingest };

/// Whether `r` may run a shell command that needs `p`.
bool may(role r, permission p);

/// Whether `r` may speak the member protocol.
bool is_member(role r);

} // namespace troupe::trust
