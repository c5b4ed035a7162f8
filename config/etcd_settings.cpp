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

result<std::vector<std::string>> parse_etcd_endpoints(const std::string& text) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= text.size()) {
    auto comma = text.find(',', start);
    auto item = trim(text.substr(start, comma == std::string::npos ? std::string::npos
                                                                  : comma - start));
    start = comma == std::string::npos ? text.size() + 1 : comma + 1;
    if (item.empty()) {
      if (text.empty())
        break;
      return bad_value("etcd", text, "an empty entry between commas");
    }
    std::string rest;
    if (item.rfind("http://", 0) == 0)
      rest = item.substr(7);
    else if (item.rfind("https://", 0) == 0)
      rest = item.substr(8);
    else
      return bad_value("etcd", item, "not an http:// or https:// URL");
    if (rest.find('/') != std::string::npos)
      return bad_value("etcd", item, "a URL with a path (give http(s)://HOST:PORT only)");
    auto hostport = parse_endpoint(rest, "etcd");
    if (!hostport)
      return hostport.err();
    out.push_back(item);
  }
  return out;
}

} // namespace troupe::config
