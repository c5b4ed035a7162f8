#include "providers/smtp_channel.hpp"

#include <cstring>
#include <mutex>

#include <curl/curl.h>

#include "actors/actor_error.hpp"
#include "common/metrics.hpp"
#include "providers/blocking_pool.hpp"

namespace troupe::providers {

smtp_metrics::smtp_metrics(prometheus::Registry& registry)
    : responses_(&metrics::counter_family(registry, "troupe_smtp_responses_total",
                                          "Answers of the SMTP relay, by its last reply "
                                          "code (or timeout, transport, tls, auth)")) {}

void smtp_metrics::count(const std::string& code) {
  responses_->Add({{"code", code}}).Increment();
}

namespace {

error retryable(std::string why, bool timeout = false) {
  if (timeout)
    return error{error_domain::actors, static_cast<int>(http_errc::timeout),
                 std::move(why), true};
  return error{error_domain::actors,
               static_cast<int>(actors::actors_errc::provider_failed), std::move(why),
               true};
}

struct upload {
  const std::string* text;
  std::size_t at = 0;
};

size_t read_message(char* out, size_t size, size_t count, void* arg) {
  auto* up = static_cast<upload*>(arg);
  auto n = std::min(size * count, up->text->size() - up->at);
  std::memcpy(out, up->text->data() + up->at, n);
  up->at += n;
  return n;
}

/// One worker's connection to the relay (libcurl keeps it open).
class smtp_client {
public:
  smtp_client() {
    static std::once_flag once;
    std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
    curl_ = curl_easy_init();
  }
  ~smtp_client() {
    if (curl_ != nullptr)
      curl_easy_cleanup(curl_);
  }
  smtp_client(const smtp_client&) = delete;
  smtp_client& operator=(const smtp_client&) = delete;

  smtp_outcome send(const smtp_options& opts, const mail_request& req) {
    smtp_outcome out;
    if (curl_ == nullptr) {
      out.failure = "transport";
      out.detail = "libcurl could not be initialised";
      return out;
    }
    // Not reset between messages: the connection stays; every option used
    // is set again.
    char detail[CURL_ERROR_SIZE] = {0};
    upload up{&req.message};
    curl_slist* rcpt = curl_slist_append(nullptr, req.recipient.c_str());
    auto from = "<" + req.sender + ">";
    curl_easy_setopt(curl_, CURLOPT_URL, opts.url.c_str());
    curl_easy_setopt(curl_, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
    curl_easy_setopt(curl_, CURLOPT_USE_SSL,
                     opts.tls == smtp_tls::required ? CURLUSESSL_ALL : CURLUSESSL_NONE);
    if (!opts.ca_file.empty())
      curl_easy_setopt(curl_, CURLOPT_CAINFO, opts.ca_file.c_str());
    if (!opts.user.empty()) {
      curl_easy_setopt(curl_, CURLOPT_USERNAME, opts.user.c_str());
      curl_easy_setopt(curl_, CURLOPT_PASSWORD, opts.password.c_str());
    }
    curl_easy_setopt(curl_, CURLOPT_MAIL_FROM, from.c_str());
    curl_easy_setopt(curl_, CURLOPT_MAIL_RCPT, rcpt);
    curl_easy_setopt(curl_, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(curl_, CURLOPT_READFUNCTION, read_message);
    curl_easy_setopt(curl_, CURLOPT_READDATA, &up);
    curl_easy_setopt(curl_, CURLOPT_INFILESIZE_LARGE,
                     static_cast<curl_off_t>(req.message.size()));
    curl_easy_setopt(curl_, CURLOPT_TIMEOUT_MS, static_cast<long>(opts.timeout.count()));
    curl_easy_setopt(curl_, CURLOPT_CONNECTTIMEOUT_MS,
                     static_cast<long>(std::min<int64_t>(opts.timeout.count(), 5'000)));
    curl_easy_setopt(curl_, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl_, CURLOPT_ERRORBUFFER, detail);
    auto rc = curl_easy_perform(curl_);
    // The handle outlives this call: nothing may point at its locals.
    curl_easy_setopt(curl_, CURLOPT_MAIL_RCPT, nullptr);
    curl_easy_setopt(curl_, CURLOPT_READDATA, nullptr);
    curl_easy_setopt(curl_, CURLOPT_ERRORBUFFER, nullptr);
    curl_slist_free_all(rcpt);
    long code = 0;
    curl_easy_getinfo(curl_, CURLINFO_RESPONSE_CODE, &code);
    out.code = code;
    if (rc == CURLE_OK)
      return out;
    out.detail = detail[0] != '\0' ? detail : curl_easy_strerror(rc);
    switch (rc) {
    case CURLE_OPERATION_TIMEDOUT:
      out.failure = "timeout";
      break;
    case CURLE_LOGIN_DENIED:
      out.failure = "auth";
      break;
    case CURLE_USE_SSL_FAILED:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CACERT_BADFILE:
      out.failure = "tls";
      break;
    default:
      // The relay refused a command: its reply code says what it meant.
      out.failure = code >= 400 && code < 600 ? "" : "transport";
    }
    return out;
  }

private:
  CURL* curl_ = nullptr;
};

} // namespace

mail_provider spawn_smtp_channel(caf::actor_system& sys, smtp_options opts,
                                 std::shared_ptr<smtp_metrics> metrics) {
  std::function<blocking_work<mail_request, delivery_receipt>()> make_work = [opts,
                                                                              metrics] {
    auto client = std::make_shared<smtp_client>();
    return blocking_work<mail_request, delivery_receipt>{
        [client, opts, metrics](const mail_request& req) -> result<delivery_receipt> {
          if (req.recipient.empty()) // no address to send to: nothing to ask the relay
            return delivery_receipt{553, "the customer has no valid email address"};
          auto out = client->send(opts, req);
          auto counted = out.failure.empty() ? std::to_string(out.code) : out.failure;
          if (metrics)
            metrics->count(counted);
          auto to = " (relay " + opts.url + ", to " + req.recipient + ")";
          if (!out.failure.empty())
            return retryable("SMTP " + out.failure + ": " + out.detail + to,
                             out.failure == "timeout");
          // A 5xx to MAIL FROM or AUTH is the relay's setup (relay denied,
          // authentication required), not this recipient: a failure the
          // breaker counts, not a dead letter for the whole audience.
          bool about_recipient = out.detail.find("RCPT") != std::string::npos
                                 || out.detail.find("DATA") != std::string::npos
                                 || out.detail.find("message") != std::string::npos;
          if ((out.code >= 400 && out.code < 500) || (out.code >= 500 && !about_recipient))
            return retryable("SMTP " + std::to_string(out.code) + ": " + out.detail + to);
          if (out.code >= 500)
            return delivery_receipt{static_cast<int32_t>(out.code), out.detail + to};
          return delivery_receipt{250, ""};
        }};
  };
  return spawn_blocking_pool<mail_request, delivery_receipt>(sys, opts.concurrency,
                                                             make_work);
}

} // namespace troupe::providers
