#include "config/mail_settings.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <iterator>

#include <openssl/rand.h>

#include "config/config_error.hpp"
#include "config/node_config.hpp"
#include "config/option_parser.hpp"
#include "contact_policy/unsubscribe_link.hpp"

namespace troupe::config {

namespace po = boost::program_options;

namespace {

/// The file's bytes, at most max_secret_file_bytes; trailing line ends cut.
result<std::string> read_secret(const char* option, const std::string& path) {
  std::ifstream in{path, std::ios::binary};
  if (!in)
    return bad_value(option, path, "cannot read the file");
  std::string bytes;
  bytes.resize(max_secret_file_bytes + 1);
  in.read(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  bytes.resize(static_cast<std::size_t>(in.gcount()));
  if (bytes.size() > max_secret_file_bytes)
    return bad_value(option, path,
                     "over " + std::to_string(max_secret_file_bytes) + " bytes");
  while (!bytes.empty() && (bytes.back() == '\n' || bytes.back() == '\r'))
    bytes.pop_back();
  return bytes;
}

/// The host of a URL "scheme://[user@]host[:port][/...]".
std::string host_of(const std::string& url) {
  auto start = url.find("://");
  if (start == std::string::npos)
    return {};
  auto rest = url.substr(start + 3);
  rest = rest.substr(0, rest.find('/'));
  if (auto at = rest.rfind('@'); at != std::string::npos)
    rest = rest.substr(at + 1);
  if (!rest.empty() && rest.front() == '[')
    return rest.substr(1, rest.find(']') - 1);
  return rest.substr(0, rest.find(':'));
}

} // namespace

namespace detail {

void add_mail_options(po::options_description& desc) {
  mail_settings d;
  desc.add_options()("smtp-url", po::value<std::string>()->default_value(""),
                     "the SMTP relay of the smtp channel: smtp://host:port (STARTTLS) or "
                     "smtps://host:port "
                     "(\"\": no smtp channel; a campaign of it is refused)")(
      "smtp-tls", po::value<std::string>()->default_value("required"),
      "required (STARTTLS or smtps://, or nothing is sent) or none (plain text: only for "
      "a relay on loopback)")("smtp-ca-file", po::value<std::string>()->default_value(""),
                              "PEM CA certificates the relay's certificate is checked "
                              "against (\"\": the system's)")(
      "smtp-user", po::value<std::string>()->default_value(""),
      "SMTP AUTH user (\"\": no AUTH)")("smtp-password-file",
                                        po::value<std::string>()->default_value(""),
                                        "a file holding the SMTP AUTH password")(
      "smtp-timeout-ms",
      po::value<std::string>()->default_value(std::to_string(d.smtp_timeout_ms)),
      "one message slower than this fails and is retried")(
      "smtp-concurrency",
      po::value<std::string>()->default_value(std::to_string(d.smtp_concurrency)),
      "connections to the relay, each sending one message at a time (1-64)")(
      "smtp-attempts",
      po::value<std::string>()->default_value(std::to_string(d.smtp_attempts)),
      "tries of one message (4xx replies, timeouts and failures to connect are retried) "
      "before it becomes a dead letter; a 5xx reply dead-letters it at once")(
      "smtp-backoff-ms",
      po::value<std::string>()->default_value(std::to_string(d.smtp_backoff_ms)),
      "wait before the first SMTP retry; doubled each time, with jitter")(
      "smtp-rate", po::value<std::string>()->default_value("50"),
      "messages per second to the relay (token bucket rate)")(
      "smtp-burst", po::value<std::string>()->default_value("10"),
      "messages allowed at once (token bucket size)")(
      "public-url", po::value<std::string>()->default_value(""),
      "the base URL a recipient's mail client reaches this node's HTTP port at, for the "
      "emails' one-click unsubscribe links, e.g. https://mail.shop.example "
      "(required with --smtp-url; https expected)")(
      "unsubscribe-key-file", po::value<std::string>()->default_value(""),
      "a file of at least 32 bytes that signs the unsubscribe links; give every member "
      "the same (\"\": the node's own, DATA_DIR/unsubscribe.key)");
}

result<mail_settings> mail_options(const po::variables_map& vm) {
  mail_settings out;
  out.smtp_url = text(vm, "smtp-url");
  if (!out.smtp_url.empty()) {
    if (out.smtp_url.rfind("smtp://", 0) != 0 && out.smtp_url.rfind("smtps://", 0) != 0)
      return bad_value("smtp-url", out.smtp_url,
                       "use smtp://host:port or smtps://host:port");
    if (host_of(out.smtp_url).empty())
      return bad_value("smtp-url", out.smtp_url, "names no host");
    auto authority = out.smtp_url.substr(out.smtp_url.find("://") + 3);
    if (authority.substr(0, authority.find('/')).find('@') != std::string::npos)
      return bad_value("smtp-url", "(a URL with a user and password)",
                       "holds credentials, which would be logged: give --smtp-user and "
                       "--smtp-password-file");
  }
  auto tls = text(vm, "smtp-tls");
  if (tls != "required" && tls != "none")
    return bad_value("smtp-tls", tls, "use required or none");
  out.smtp_tls = tls == "required";
  if (!out.smtp_tls && !out.smtp_url.empty() && !is_loopback_host(host_of(out.smtp_url)))
    return bad_value("smtp-tls", tls,
                     "the relay " + host_of(out.smtp_url) +
                         " is not on loopback: messages and the password would cross the "
                         "network in plain text (use required)");
  out.smtp_ca_file = text(vm, "smtp-ca-file");
  if (!out.smtp_ca_file.empty() && !std::ifstream{out.smtp_ca_file})
    return bad_value("smtp-ca-file", out.smtp_ca_file, "cannot read the file");
  out.smtp_user = text(vm, "smtp-user");
  if (auto path = text(vm, "smtp-password-file"); !path.empty()) {
    auto pw = read_secret("smtp-password-file", path);
    if (!pw)
      return pw.err();
    out.smtp_password = std::move(*pw);
  }
  struct unsigned_option {
    const char* name;
    unsigned* field;
    long long lowest, highest;
  };
  for (auto opt :
       {unsigned_option{"smtp-timeout-ms", &out.smtp_timeout_ms, 100, 600'000},
        unsigned_option{"smtp-concurrency", &out.smtp_concurrency, 1, 64},
        unsigned_option{"smtp-attempts", &out.smtp_attempts, 1, 100},
        unsigned_option{"smtp-backoff-ms", &out.smtp_backoff_ms, 1, 600'000}}) {
    auto n = integer(vm, opt.name, opt.lowest, opt.highest);
    if (!n)
      return n.err();
    *opt.field = static_cast<unsigned>(*n);
  }
  auto rate = real(vm, "smtp-rate", 0.001, 1e6);
  if (!rate)
    return rate.err();
  out.smtp_rate = *rate;
  auto burst = real(vm, "smtp-burst", 1, 1e6);
  if (!burst)
    return burst.err();
  out.smtp_burst = *burst;
  out.public_url = text(vm, "public-url");
  if (!out.public_url.empty()) {
    if (out.public_url.size() > max_public_url_bytes)
      return bad_value("public-url", out.public_url.substr(0, 80) + "...",
                       "over " + std::to_string(max_public_url_bytes) + " bytes");
    if ((out.public_url.rfind("http://", 0) != 0 &&
         out.public_url.rfind("https://", 0) != 0) ||
        host_of(out.public_url).empty() ||
        out.public_url.find_first_of(" \t\r\n<>\"") != std::string::npos)
      return bad_value("public-url", out.public_url, "use http(s)://host[:port][/path]");
  }
  if (out.enabled() && out.public_url.empty())
    return bad_value("public-url", "",
                     "--smtp-url needs it: the base URL recipients' mail clients reach this "
                     "node's HTTP port at, for the unsubscribe links (e.g. "
                     "https://mail.shop.example)");
  if (auto path = text(vm, "unsubscribe-key-file"); !path.empty()) {
    auto key = read_secret("unsubscribe-key-file", path);
    if (!key)
      return key.err();
    if (key->size() < contact_policy::min_unsubscribe_key_bytes)
      return bad_value("unsubscribe-key-file", path,
                       "holds " + std::to_string(key->size()) +
                           " bytes; give at least 32 (e.g. openssl rand -hex 32)");
    out.unsubscribe_key = std::move(*key);
  }
  return out;
}

} // namespace detail

result<std::string> node_unsubscribe_key(const std::filesystem::path& data_dir) {
  auto path = data_dir / "unsubscribe.key";
  if (std::filesystem::exists(path)) {
    auto key = read_secret("data-dir", path.string());
    if (!key)
      return key.err();
    if (key->size() < contact_policy::min_unsubscribe_key_bytes)
      return bad_value("data-dir", path.string(),
                       "the unsubscribe key is under 32 bytes");
    return key;
  }
  unsigned char raw[32];
  if (RAND_bytes(raw, sizeof raw) != 1)
    return bad_value("data-dir", path.string(),
                     "no random bytes for the unsubscribe key");
  static const char hex[] = "0123456789abcdef";
  std::string key;
  for (auto b : raw) {
    key += hex[b >> 4];
    key += hex[b & 15];
  }
  auto tmp = path.string() + ".tmp";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0)
    return bad_value("data-dir", tmp, "cannot write the unsubscribe key");
  bool ok = ::write(fd, key.data(), key.size()) == static_cast<ssize_t>(key.size()) &&
            ::fsync(fd) == 0;
  ::close(fd);
  if (!ok || ::rename(tmp.c_str(), path.c_str()) != 0)
    return bad_value("data-dir", path.string(), "cannot write the unsubscribe key");
  return key;
}

} // namespace troupe::config
