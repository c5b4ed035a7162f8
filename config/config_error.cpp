#include "config/config_error.hpp"

namespace troupe::config {

error make_error(config_errc code, std::string message) {
  return error{error_domain::config, static_cast<int>(code), std::move(message),
               false};
}

error bad_value(const std::string& option, const std::string& value,
                const std::string& why) {
  return make_error(config_errc::bad_value, "invalid value '" + value
                                              + "' for --" + option + ": " + why);
}

} // namespace troupe::config
