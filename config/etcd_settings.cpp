#include "config/etcd_settings.hpp"

#include "config/config_error.hpp"
#include "config/endpoint.hpp"

namespace troupe::config {

namespace {

std::string trim(const std::string& s) {
  auto b = s.find_first_not_of(" \t");
  auto e = s.find_last_not_of(" \t");
  return b == std::string::npos ? std::string{} : s.substr(b, e - b + 1);
}

} // namespace

status check_etcd_endpoint(const std::string& entry) {
  auto sep = entry.find("://");
  if (sep == std::string::npos)
    return bad_value("etcd", entry, "expected http://HOST:PORT or https://HOST:PORT");
  auto scheme = entry.substr(0, sep);
  if (scheme != "http" && scheme != "https")
    return bad_value("etcd", entry, "the scheme '" + scheme + "' is not http or https");
  auto rest = entry.substr(sep + 3);
  if (rest.find('/') != std::string::npos)
    return bad_value("etcd", entry, "a path after HOST:PORT is not allowed");
  if (!parse_endpoint(rest, "etcd"))
    return bad_value("etcd", entry, "HOST:PORT required with a port of 1-65535");
  return status::success();
}

result<std::vector<std::string>> parse_etcd_endpoints(const std::string& text) {
  std::vector<std::string> out;
  if (trim(text).empty())
    return out;
  std::size_t start = 0;
  while (true) {
    auto comma = text.find(',', start);
    auto entry = trim(text.substr(start, comma == std::string::npos ? std::string::npos
                                                                    : comma - start));
    if (entry.empty())
      return bad_value("etcd", text, "an empty entry between commas");
    if (auto ok = check_etcd_endpoint(entry); !ok)
      return ok.err();
    out.push_back(entry);
    if (comma == std::string::npos)
      return out;
    start = comma + 1;
  }
}

} // namespace troupe::config
