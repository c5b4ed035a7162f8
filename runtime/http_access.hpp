#pragma once
/// Who may call the node's HTTP API, and its answers' shape: a bearer token
/// of --tokens (`Authorization: Bearer SECRET`, compared in constant time)
/// whose role has the permission the endpoint needs; anyone when the node
/// has no authentication at all. Used by POST /v1/events (ingest) and the
/// read-only GET /api/v1/ (read: viewer and above).

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "trust/credentials.hpp"
#include "trust/role.hpp"

namespace troupe::runtime {

struct http_access {
  bool authentication_on = false;
  std::vector<trust::token> tokens;
};

/// An answer: status code and JSON body.
struct http_reply {
  int code = 200;
  std::string body;
};

/// `body` as JSON text (invalid UTF-8 replaced).
http_reply json_reply(int code, const nlohmann::json& body);
/// {"error": why}.
http_reply error_reply(int code, const std::string& why);

/// nullopt if the caller whose Authorization header is `authorization`
/// (nullopt: none) may `need`; else the 401 (no or an unknown token) or
/// 403 (a role without it) answer, naming `roles` (e.g. "viewer or
/// operator") as what would do.
std::optional<http_reply> refuse_caller(const http_access& access,
                                        const std::optional<std::string>& authorization,
                                        trust::permission need, const std::string& roles);

} // namespace troupe::runtime
