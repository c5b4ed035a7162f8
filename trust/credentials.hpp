#pragma once
/// The secrets this process proves its identity with, and checks others'
/// against, read from the files named on the command line.
///
///   --cluster-secret-file FILE   nodes: one secret shared by every member
///   --tokens FILE                nodes: one token a line, `NAME ROLE SECRET`
///                                (ROLE viewer, operator or ingest; `#` starts a comment)
///   --token-file FILE / TROUPE_TOKEN   shells: the SECRET of one token
///
/// Limits (going over one is an error naming the file and line): a secret is
/// 16 to 1024 bytes with no spaces; a NAME is 1 to 64 of [A-Za-z0-9_.@-]; a
/// tokens file holds at most 1024 tokens and 1 MiB; secrets are unique.

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "trust/role.hpp"

namespace troupe::trust {

constexpr size_t min_secret_bytes = 16;
constexpr size_t max_secret_bytes = 1024;
constexpr size_t max_name_bytes = 64;
constexpr size_t max_tokens = 1024;
constexpr size_t max_tokens_file_bytes = 1 << 20;

/// One shell token a node accepts.
struct token {
  std::string name;
  trust::role role = trust::role::viewer;
  std::string secret;
};

/// Reads a secret file (`--cluster-secret-file`, `--token-file`): its one
/// line, without the trailing newline.
result<std::string> read_secret_file(const std::string& path);

/// Checks a secret given another way (TROUPE_TOKEN); `source` names it in the error.
status check_secret(const std::string& secret, const std::string& source);

/// Parses a tokens file's text; `path` names it in errors.
result<std::vector<token>> parse_tokens(const std::string& text, const std::string& path);

/// Reads and parses `--tokens FILE`.
result<std::vector<token>> read_tokens_file(const std::string& path);

} // namespace troupe::trust
