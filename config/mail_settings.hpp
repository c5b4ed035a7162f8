#pragma once
/// The smtp channel's relay and its one-click unsubscribe links (the
/// `--smtp-*`, `--public-url` and `--unsubscribe-key-file` options of
/// troupe-node). Without --smtp-url a node has no smtp channel and refuses
/// a campaign of it.

#include <filesystem>
#include <string>

#include <boost/program_options.hpp>

#include "common/error.hpp"

namespace troupe::config {

/// The longest --public-url, bytes.
inline constexpr std::size_t max_public_url_bytes = 512;
/// The largest --unsubscribe-key-file and --smtp-password-file, bytes.
inline constexpr std::size_t max_secret_file_bytes = 4096;

struct mail_settings {
  std::string smtp_url;      ///< smtp://host[:port] or smtps://...; "": none
  bool smtp_tls = true;      ///< STARTTLS required (false: --smtp-tls none)
  std::string smtp_ca_file;  ///< "": the system's CAs
  std::string smtp_user;     ///< "": no AUTH
  std::string smtp_password; ///< read from --smtp-password-file
  unsigned smtp_timeout_ms = 10'000;
  unsigned smtp_concurrency = 4;
  unsigned smtp_attempts = 6; ///< tries of one message before the dead letter
  unsigned smtp_backoff_ms = 1'000;
  double smtp_rate = 50.0; ///< messages per second (token bucket)
  double smtp_burst = 10.0;
  /// The base of the unsubscribe links ("https://mail.shop.example");
  /// "": http://HTTP-HOST:HTTP-PORT.
  std::string public_url;
  /// The key the links are signed with (--unsubscribe-key-file's bytes);
  /// "": the node's own, made once in its data dir (node_unsubscribe_key).
  std::string unsubscribe_key;

  bool enabled() const { return !smtp_url.empty(); }
};

namespace detail {

void add_mail_options(boost::program_options::options_description& desc);

/// Reads and checks them; errors name the option and the value.
result<mail_settings> mail_options(const boost::program_options::variables_map& vm);

} // namespace detail

/// The node's own unsubscribe key: `DATA_DIR/unsubscribe.key` (32 random
/// bytes, mode 0600), made at its first need. One node's links verify on
/// that node only: a cluster shares one key with --unsubscribe-key-file.
result<std::string> node_unsubscribe_key(const std::filesystem::path& data_dir);

} // namespace troupe::config
