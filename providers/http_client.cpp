#include "providers/http_client.hpp"

#include <mutex>

#include <curl/curl.h>

namespace troupe::providers {

namespace {

size_t append_body(char* data, size_t size, size_t count, void* out) {
  static_cast<std::string*>(out)->append(data, size * count);
  return size * count;
}

error http_error(http_errc code, std::string message) {
  return error{error_domain::actors, static_cast<int>(code), std::move(message), true};
}

} // namespace

http_client::http_client() {
  // libcurl's global setup is not thread-safe; do it once, first.
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  curl_ = curl_easy_init();
}

http_client::~http_client() {
  if (curl_ != nullptr)
    curl_easy_cleanup(static_cast<CURL*>(curl_));
}

result<http_answer> http_client::post(const std::string& url, const std::string& body,
                                      const std::vector<std::string>& headers,
                                      std::chrono::milliseconds timeout) {
  auto* curl = static_cast<CURL*>(curl_);
  if (curl == nullptr)
    return http_error(http_errc::transport, "libcurl could not be initialised");
  curl_easy_reset(curl);
  curl_slist* list = nullptr;
  for (const auto& h : headers)
    list = curl_slist_append(list, h.c_str());
  http_answer answer;
  char detail[CURL_ERROR_SIZE] = {0};
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_POST, 1L);
  curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.data());
  curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, list);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(timeout.count()));
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L); // no SIGALRM from worker threads
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, append_body);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &answer.body);
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, detail);
  auto rc = curl_easy_perform(curl);
  curl_slist_free_all(list);
  if (rc != CURLE_OK) {
    std::string why = detail[0] != '\0' ? detail : curl_easy_strerror(rc);
    if (rc == CURLE_OPERATION_TIMEDOUT)
      return http_error(http_errc::timeout, "POST " + url + ": no answer within "
                                              + std::to_string(timeout.count()) + " ms");
    return http_error(http_errc::transport, "POST " + url + ": " + why);
  }
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &answer.status);
  return answer;
}

bool is_http_error(const error& e, http_errc code) {
  return e.domain() == error_domain::actors && e.code() == static_cast<int>(code);
}

} // namespace troupe::providers
