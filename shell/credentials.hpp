#pragma once
/// What the shell proves itself with: its certificate (--tls-*), else the
/// token secret of --token-file or TROUPE_TOKEN, else nothing.

#include "common/error.hpp"
#include "shell/config.hpp"
#include "wire/handshake.hpp"

namespace troupe::shell {

/// Reads the files; an error names the file or the variable.
result<wire::credentials> shell_credentials(const shell_config& cfg);

} // namespace troupe::shell
