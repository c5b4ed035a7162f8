#pragma once
/// The SMTP delivery channel: each message sent through one relay
/// (`--smtp-url`, smtp:// or smtps://) with libcurl's SMTP: EHLO, STARTTLS
/// (required unless `--smtp-tls none`), AUTH when a user is set, MAIL FROM
/// the campaign's From address, RCPT TO the customer's address, DATA the
/// message of providers/mail_message. Each worker keeps its connection
/// open between messages (libcurl's cache).
///
/// Answers, as the deliver stage and the breaker see them:
///   250 after DATA               -> receipt {250}: delivered
///   5xx to RCPT or DATA (550     -> receipt {code}: a permanent refusal,
///   no such mailbox), or no         dead-lettered at once (553: the relay
///   recipient address               is not asked); the relay is healthy,
///                                   so the breaker does not count it
///   4xx, 5xx to MAIL or AUTH,    -> error: the breaker counts it and the
///   timeout, refused, TLS           stage retries with backoff and jitter
///   failure, login denied
///
///   mail_provider = provider_actor<mail_request, delivery_receipt>
///
/// The same message (its Message-ID is the campaign, customer and
/// occurrence) goes out on every retry: a relay or mailbox that dedups by
/// Message-ID shows it once even when a node dies between DATA and the
/// delivery's write.
///
/// Metrics: troupe_smtp_responses_total{code} (the relay's last reply
/// code, or "timeout", "transport", "tls", "auth").

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include <caf/actor_system.hpp>
#include <caf/meta/type_name.hpp>
#include <prometheus/counter.h>
#include <prometheus/registry.h>

#include "actors/provider.hpp"
#include "providers/webhook_channel.hpp"

namespace troupe::providers {

struct mail_request {
  std::string sender;    ///< envelope MAIL FROM (an address)
  std::string recipient; ///< envelope RCPT TO (an address)
  std::string message;   ///< RFC 5322, CRLF line ends (build_mail)
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, mail_request& x) {
  return f(caf::meta::type_name("troupe.mail_request"), x.sender, x.recipient, x.message);
}

using mail_provider = actors::provider_actor<mail_request, delivery_receipt>;

enum class smtp_tls {
  required, ///< STARTTLS (or smtps://) or no message is sent
  none,     ///< plain text (a relay on loopback)
};

struct smtp_options {
  std::string url; ///< smtp://host:port or smtps://host:port
  smtp_tls tls = smtp_tls::required;
  std::string ca_file; ///< trusted CAs (PEM); "": the system's
  std::string user;    ///< AUTH user; "": no AUTH
  std::string password;
  std::chrono::milliseconds timeout{10'000}; ///< per message
  unsigned concurrency = 4;                  ///< connections (and messages) at once
};

class smtp_metrics {
public:
  explicit smtp_metrics(prometheus::Registry& registry);
  /// Counts one answer: a reply code, or "timeout", "transport", "tls", "auth".
  void count(const std::string& code);

private:
  prometheus::Family<prometheus::Counter>* responses_;
};

/// The relay's reply code class a curl outcome means: the code itself for
/// an answer, or what failed.
struct smtp_outcome {
  long code = 0;       ///< the relay's last reply code (0: none)
  std::string failure; ///< "" when the relay answered; else timeout, transport, tls, auth
  std::string detail;  ///< libcurl's words
};

mail_provider spawn_smtp_channel(caf::actor_system& sys, smtp_options opts,
                                 std::shared_ptr<smtp_metrics> metrics);

} // namespace troupe::providers
