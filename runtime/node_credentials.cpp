#include "runtime/node_credentials.hpp"

namespace troupe::runtime {

result<wire::credentials> node_credentials(const config::node_config& cfg) {
  wire::credentials creds;
  creds.node_name = cfg.node_id;
  if (!cfg.cluster_secret_file.empty()) {
    auto secret = trust::read_secret_file(cfg.cluster_secret_file);
    if (!secret)
      return secret.err();
    creds.cluster_secret = std::move(*secret);
  }
  if (!cfg.tokens_file.empty()) {
    auto tokens = trust::read_tokens_file(cfg.tokens_file);
    if (!tokens)
      return tokens.err();
    creds.tokens = std::move(*tokens);
  }
  if (auto loaded = wire::load_certificate(creds, cfg.tls); !loaded)
    return loaded.err();
  return creds;
}

std::string describe_authentication(const wire::credentials& creds) {
  if (!creds.authentication_on())
    return "off";
  std::string out;
  auto add = [&out](const std::string& part) { out += (out.empty() ? "" : ", ") + part; };
  if (creds.certificate)
    add("tls");
  if (!creds.tokens.empty())
    add(std::to_string(creds.tokens.size()) + (creds.tokens.size() == 1 ? " token" : " tokens"));
  if (creds.cluster_secret)
    add("cluster secret");
  return out;
}

} // namespace troupe::runtime
