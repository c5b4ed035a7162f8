#pragma once
/// Files the shell writes that hold personal data (`customer export`,
/// `campaign export`): created readable and writable by their owner only,
/// from the first byte (an existing file is truncated and set to 0600).

#include <fstream>
#include <string>

#include "common/error.hpp"

namespace troupe::shell {

/// Opens `path` for writing as above; an error names it and why.
status open_private(const std::string& path, std::ofstream& file);

} // namespace troupe::shell
