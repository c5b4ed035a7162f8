#include "tests/http_get.hpp"

#include <curl/curl.h>

namespace troupe::test {

namespace {

size_t append(char* data, size_t size, size_t count, void* target) {
  static_cast<std::string*>(target)->append(data, size * count);
  return size * count;
}

/// Reads the answer into `r` (its code stays 0 when the call failed), then
/// frees `curl`.
void perform(CURL* curl, http_response& r, long timeout_ms) {
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, append);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &r.body);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, timeout_ms);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  if (curl_easy_perform(curl) == CURLE_OK)
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &r.code);
  curl_easy_cleanup(curl);
}

} // namespace

http_response http_get(const std::string& url, long timeout_ms) {
  http_response r;
  CURL* curl = curl_easy_init();
  if (curl == nullptr)
    return r;
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  perform(curl, r, timeout_ms);
  return r;
}

namespace {

/// A GET, or a POST of `body` when given, with `headers`.
http_response request(const std::string& url, const std::string* body,
                      const std::vector<std::string>& headers, long timeout_ms) {
  http_response r;
  CURL* curl = curl_easy_init();
  if (curl == nullptr)
    return r;
  curl_slist* list = nullptr;
  for (const auto& h : headers)
    list = curl_slist_append(list, h.c_str());
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  if (body != nullptr) {
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body->data());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body->size()));
  }
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, list);
  perform(curl, r, timeout_ms);
  curl_slist_free_all(list);
  return r;
}

} // namespace

http_response http_get(const std::string& url, const std::vector<std::string>& headers,
                       long timeout_ms) {
  return request(url, nullptr, headers, timeout_ms);
}

http_response http_post(const std::string& url, const std::string& body,
                        const std::vector<std::string>& headers, long timeout_ms) {
  return request(url, &body, headers, timeout_ms);
}

} // namespace troupe::test
