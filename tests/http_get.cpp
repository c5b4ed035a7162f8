#include "tests/http_get.hpp"

#include <curl/curl.h>

namespace troupe::test {

namespace {

size_t append(char* data, size_t size, size_t count, void* target) {
  static_cast<std::string*>(target)->append(data, size * count);
  return size * count;
}

} // namespace

http_response http_get(const std::string& url, long timeout_ms) {
  http_response r;
  CURL* curl = curl_easy_init();
  if (curl == nullptr)
    return r;
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, append);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &r.body);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, timeout_ms);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  if (curl_easy_perform(curl) == CURLE_OK)
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &r.code);
  curl_easy_cleanup(curl);
  return r;
}

} // namespace troupe::test
