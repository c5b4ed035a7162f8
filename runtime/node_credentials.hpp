#pragma once
/// What a node proves itself with and checks peers against, read from the
/// files its configuration names (--cluster-secret-file, --tokens, --tls-*).

#include <string>

#include "common/error.hpp"
#include "config/node_config.hpp"
#include "wire/handshake.hpp"

namespace troupe::runtime {

/// Reads and checks the files; an error names the file (and line).
result<wire::credentials> node_credentials(const config::node_config& cfg);

/// For `health` and the log: "off", or e.g. "tls, 3 tokens, cluster secret".
std::string describe_authentication(const wire::credentials& creds);

} // namespace troupe::runtime
