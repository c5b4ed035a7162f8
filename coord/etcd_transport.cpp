#include "coord/etcd_transport.hpp"

#include <algorithm>
#include <optional>

#include <curl/curl.h>

#include "coord/coord_error.hpp"
#include "coord/etcd_json.hpp"

namespace troupe::coord {

namespace {

/// Idle handles kept for their connections; more are cleaned up.
constexpr std::size_t max_idle_handles = 8;

/// The answer being read, refused past `limit` bytes.
struct sink {
  std::string body;
  std::size_t limit = 0;
  bool too_large = false;
};

size_t append_bounded(char* data, size_t size, size_t count, void* out) {
  auto* s = static_cast<sink*>(out);
  auto n = size * count;
  if (s->body.size() + n > s->limit) {
    s->too_large = true;
    return 0; // aborts the transfer: CURLE_WRITE_ERROR
  }
  s->body.append(data, n);
  return n;
}

bool member_unavailable(const http_answer& a) {
  auto e = decode_error_answer(a.body);
  return e && e->code == 14;
}

} // namespace

etcd_transport::etcd_transport(etcd_options options) : options_(std::move(options)) {
  // libcurl's global setup once, before any handle.
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

etcd_transport::~etcd_transport() {
  for (auto* h : idle_)
    curl_easy_cleanup(static_cast<CURL*>(h));
}

void* etcd_transport::take_handle() {
  {
    std::lock_guard<std::mutex> guard{mutex_};
    if (!idle_.empty()) {
      auto* h = idle_.back();
      idle_.pop_back();
      return h;
    }
  }
  return curl_easy_init();
}

void etcd_transport::give_back(void* handle) {
  std::lock_guard<std::mutex> guard{mutex_};
  if (idle_.size() < max_idle_handles)
    idle_.push_back(handle);
  else
    curl_easy_cleanup(static_cast<CURL*>(handle));
}

result<http_answer> etcd_transport::post(const std::string& path, const std::string& body,
                                         const std::string& token, clock::time_point deadline) {
  auto* curl = take_handle();
  if (curl == nullptr)
    return make_error(coord_errc::unreachable, "libcurl could not be initialised");
  const auto n = options_.endpoints.size();
  const auto first = preferred_.load() % n;
  std::string reasons;
  coord_errc last_code = coord_errc::timeout;
  std::optional<http_answer> unavailable; // a member's "cannot serve" answer
  for (std::size_t i = 0; i < n; ++i) {
    auto index = (first + i) % n;
    const auto& endpoint = options_.endpoints[index];
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - clock::now());
    if (left.count() <= 0) {
      reasons += (reasons.empty() ? "" : "; ") + endpoint + ": not tried, the call's time was up";
      last_code = coord_errc::timeout;
      break;
    }
    auto r = post_once(curl, endpoint + path, body, token, std::min(left, options_.timeout));
    if (r.ok() && !member_unavailable(*r)) {
      preferred_.store(index);
      give_back(curl);
      return r;
    }
    if (r.ok()) {
      unavailable = std::move(*r);
      continue;
    }
    if (r.err().is(coord_errc::bad_response)) {
      give_back(curl);
      return r.err();
    }
    last_code = static_cast<coord_errc>(r.err().code());
    reasons += (reasons.empty() ? "" : "; ") + r.err().message();
  }
  give_back(curl);
  if (unavailable)
    return std::move(*unavailable);
  return make_error(last_code, "no etcd endpoint answered POST " + path + ": " + reasons);
}

result<http_answer> etcd_transport::post_once(void* handle, const std::string& url,
                                              const std::string& body, const std::string& token,
                                              std::chrono::milliseconds timeout) {
  auto* curl = static_cast<CURL*>(handle);
  curl_easy_reset(curl);
  curl_slist* headers = nullptr;
  headers = curl_slist_append(headers, "Content-Type: application/json");
  headers = curl_slist_append(headers, "Expect:"); // no 100-continue round trip
  std::string auth = "Authorization: " + token;
  if (!token.empty())
    headers = curl_slist_append(headers, auth.c_str());
  sink answer;
  answer.limit = options_.max_response_bytes;
  char detail[CURL_ERROR_SIZE] = {0};
  auto ms = static_cast<long>(std::max<int64_t>(1, timeout.count()));
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_POST, 1L);
  curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.data());
  curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, ms);
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, ms);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L); // no SIGALRM in threads
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, append_bounded);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &answer);
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, detail);
  if (!options_.ca_file.empty())
    curl_easy_setopt(curl, CURLOPT_CAINFO, options_.ca_file.c_str());
  if (!options_.cert_file.empty())
    curl_easy_setopt(curl, CURLOPT_SSLCERT, options_.cert_file.c_str());
  if (!options_.key_file.empty())
    curl_easy_setopt(curl, CURLOPT_SSLKEY, options_.key_file.c_str());
  auto rc = curl_easy_perform(curl);
  curl_slist_free_all(headers);
  if (answer.too_large)
    return make_error(coord_errc::bad_response,
                      "etcd's answer from " + url + " exceeds max_response_bytes ("
                        + std::to_string(options_.max_response_bytes) + " bytes); refused");
  if (rc == CURLE_OPERATION_TIMEDOUT)
    return make_error(coord_errc::timeout,
                      url + ": no answer within " + std::to_string(ms) + " ms");
  if (rc != CURLE_OK)
    return make_error(coord_errc::unreachable,
                      url + ": " + (detail[0] != '\0' ? detail : curl_easy_strerror(rc)));
  http_answer out;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &out.status);
  out.body = std::move(answer.body);
  return out;
}

} // namespace troupe::coord
