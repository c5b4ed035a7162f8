#include "coord/etcd_options.hpp"

#include "config/endpoint.hpp"
#include "coord/coord_error.hpp"

namespace troupe::coord {

namespace {

std::string trim(const std::string& s) {
  auto first = s.find_first_not_of(" \t");
  if (first == std::string::npos)
    return "";
  auto last = s.find_last_not_of(" \t");
  return s.substr(first, last - first + 1);
}

error bad_entry(const std::string& entry, const std::string& why) {
  return make_error(coord_errc::invalid, "invalid etcd endpoint '" + entry + "': " + why);
}

/// One `http(s)://HOST:PORT`.
status check_endpoint(const std::string& entry) {
  auto sep = entry.find("://");
  if (sep == std::string::npos)
    return bad_entry(entry, "expected http://HOST:PORT or https://HOST:PORT");
  auto scheme = entry.substr(0, sep);
  if (scheme != "http" && scheme != "https")
    return bad_entry(entry, "the scheme '" + scheme + "' is not http or https");
  auto rest = entry.substr(sep + 3);
  if (rest.find('/') != std::string::npos)
    return bad_entry(entry, "a path after HOST:PORT is not allowed");
  auto hostport = config::parse_endpoint(rest, "etcd");
  if (!hostport)
    return bad_entry(entry, "HOST:PORT required with a port of 1-65535");
  return status::success();
}

} // namespace

result<std::vector<std::string>> parse_endpoints(const std::string& text) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (true) {
    auto comma = text.find(',', start);
    auto entry = trim(text.substr(start, comma == std::string::npos ? std::string::npos
                                                                    : comma - start));
    if (entry.empty())
      return make_error(coord_errc::invalid,
                        "invalid etcd endpoints '" + text + "': an empty entry");
    if (auto ok = check_endpoint(entry); !ok)
      return ok.err();
    out.push_back(entry);
    if (comma == std::string::npos)
      break;
    start = comma + 1;
  }
  return out;
}

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
