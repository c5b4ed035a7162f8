#pragma once
/// Errors of the config folder. Every one names the offending option and
/// value; `main` prints the message and exits with status 2.

#include "common/error.hpp"

namespace troupe::config {

enum class config_errc {
  unknown_option = 1, ///< an option no binary of ours knows
  bad_value,          ///< a value that does not parse or is out of range
  missing_value,      ///< an option given without its value
  bad_file,           ///< the --config file cannot be read or parsed
  unusable_data_dir,  ///< --data-dir cannot be created or written
};

constexpr error_domain domain_of(config_errc) { return error_domain::config; }

error make_error(config_errc code, std::string message);

/// "invalid value 'VALUE' for --OPTION: WHY"
error bad_value(const std::string& option, const std::string& value,
                const std::string& why);

} // namespace troupe::config
