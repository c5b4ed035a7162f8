#include "shell/credentials.hpp"

#include "trust/credentials.hpp"

namespace troupe::shell {

result<wire::credentials> shell_credentials(const shell_config& cfg) {
  wire::credentials creds;
  if (!cfg.token_file.empty()) {
    auto secret = trust::read_secret_file(cfg.token_file);
    if (!secret)
      return secret.err();
    creds.token_secret = std::move(*secret);
  } else if (!cfg.token.empty()) {
    if (auto ok = trust::check_secret(cfg.token, "TROUPE_TOKEN (--token)"); !ok)
      return ok.err();
    creds.token_secret = cfg.token;
  }
  if (auto loaded = wire::load_certificate(creds, cfg.tls); !loaded)
    return loaded.err();
  return creds;
}

} // namespace troupe::shell
