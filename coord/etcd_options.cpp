#include "coord/etcd_options.hpp"

#include "config/etcd_settings.hpp"
#include "coord/coord_error.hpp"

namespace troupe::coord {

namespace {

/// One `http(s)://HOST:PORT`, as --etcd takes it (config/etcd_settings).
status check_endpoint(const std::string& entry) {
  if (auto ok = config::check_etcd_endpoint(entry); !ok)
    return make_error(coord_errc::invalid, ok.err().message());
  return status::success();
}

} // namespace

status validate(const etcd_options& options) {
  if (options.endpoints.empty())
    return make_error(coord_errc::invalid, "no etcd endpoint given");
  for (const auto& e : options.endpoints)
    if (auto ok = check_endpoint(e); !ok)
      return ok;
  if (options.timeout.count() <= 0)
    return make_error(coord_errc::invalid, "the etcd timeout must be positive, not "
                                             + std::to_string(options.timeout.count()) + " ms");
  if (options.max_response_bytes == 0)
    return make_error(coord_errc::invalid, "the etcd max_response_bytes must be positive");
  if (!options.key_file.empty() && options.cert_file.empty())
    return make_error(coord_errc::invalid, "an etcd client key without a certificate");
  if (!options.password.empty() && options.user.empty())
    return make_error(coord_errc::invalid, "an etcd password without a user");
  return status::success();
}

} // namespace troupe::coord
