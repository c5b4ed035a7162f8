#include "runtime/http_server.hpp"

#include <arpa/inet.h>
#include <atomic>
#include <netinet/in.h>
#include <sstream>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>

#include <CivetServer.h>
#include <prometheus/text_serializer.h>

#include "common/log.hpp"
#include "runtime/runtime_error.hpp"
#include "runtime/status_page.hpp"

namespace troupe::runtime {

namespace {

void respond(mg_connection* conn, int code, const char* reason,
             const char* content_type, const std::string& body) {
  mg_printf(conn,
            "HTTP/1.1 %d %s\r\nContent-Type: %s\r\nContent-Length: %zu\r\n"
            "X-Content-Type-Options: nosniff\r\nConnection: close\r\n\r\n",
            code, reason, content_type, body.size());
  mg_write(conn, body.data(), body.size());
}

class metrics_handler : public CivetHandler {
public:
  metrics_handler(std::shared_ptr<prometheus::Registry> registry,
                  std::function<void()> before_scrape)
    : registry_(std::move(registry)), before_scrape_(std::move(before_scrape)) {}

  bool handleGet(CivetServer*, mg_connection* conn) override {
    if (before_scrape_)
      before_scrape_();
    std::ostringstream out;
    prometheus::TextSerializer{}.Serialize(out, registry_->Collect());
    respond(conn, 200, "OK", "text/plain; version=0.0.4; charset=utf-8", out.str());
    return true;
  }

private:
  std::shared_ptr<prometheus::Registry> registry_;
  std::function<void()> before_scrape_;
};

class health_handler : public CivetHandler {
public:
  bool handleGet(CivetServer*, mg_connection* conn) override {
    respond(conn, 200, "OK", "text/plain", "ok\n");
    return true;
  }
};

class ready_handler : public CivetHandler {
public:
  explicit ready_handler(std::function<bool()> ready) : ready_(std::move(ready)) {}

  bool handleGet(CivetServer*, mg_connection* conn) override {
    if (ready_())
      respond(conn, 200, "OK", "text/plain", "ready\n");
    else
      respond(conn, 503, "Service Unavailable", "text/plain", "not ready\n");
    return true;
  }

private:
  std::function<bool()> ready_;
};

const char* reason_of(int code) {
  switch (code) {
    case 202: return "Accepted";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 413: return "Payload Too Large";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
    default: return "OK";
  }
}

/// A JSON answer; a 401 says which scheme it wants.
void send_json(mg_connection* conn, const http_reply& r) {
  std::string extra = r.code == 401 ? "WWW-Authenticate: Bearer\r\n" : "";
  mg_printf(conn,
            "HTTP/1.1 %d %s\r\nContent-Type: application/json\r\nContent-Length: %zu\r\n"
            "Cache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\n%s"
            "Connection: close\r\n\r\n",
            r.code, reason_of(r.code), r.body.size(), extra.c_str());
  mg_write(conn, r.body.data(), r.body.size());
}

/// GET / : the status page (other paths no handler took: 404).
class page_handler : public CivetHandler {
public:
  bool handleGet(CivetServer*, mg_connection* conn) override {
    const auto* info = mg_get_request_info(conn);
    std::string uri = info && info->local_uri ? info->local_uri : "";
    if (uri != "/" && uri != "/index.html") {
      respond(conn, 404, "Not Found", "text/plain", "not found: " + uri + "\n");
      return true;
    }
    auto page = status_page_html();
    mg_printf(conn,
              "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n"
              "Content-Length: %zu\r\nCache-Control: no-store\r\n"
              "Content-Security-Policy: default-src 'none'; script-src 'unsafe-inline'; "
              "style-src 'unsafe-inline'; connect-src 'self'; img-src 'self'; "
              "base-uri 'none'; form-action 'none'; frame-ancestors 'none'\r\n"
              "X-Content-Type-Options: nosniff\r\nConnection: close\r\n\r\n",
              page.size());
    mg_write(conn, page.data(), page.size());
    return true;
  }
};

/// GET /api/v1/...: the read-only JSON API (status_api.hpp).
class api_handler : public CivetHandler {
public:
  explicit api_handler(std::shared_ptr<const status_api> api) : api_(std::move(api)) {}

  bool handleGet(CivetServer*, mg_connection* conn) override {
    const auto* info = mg_get_request_info(conn);
    std::optional<std::string> authorization, host;
    if (const char* h = mg_get_header(conn, "Authorization"))
      authorization = h;
    if (const char* h = mg_get_header(conn, "Host"))
      host = h;
    send_json(conn,
              api_->get(info && info->local_uri ? info->local_uri : "", authorization, host));
    return true;
  }

private:
  std::shared_ptr<const status_api> api_;
};

/// POST /v1/events: reads at most the endpoint's body limit (one byte more
/// tells that there was more) and hands it over.
class events_handler : public CivetHandler {
public:
  explicit events_handler(std::shared_ptr<const events_endpoint> endpoint)
    : endpoint_(std::move(endpoint)) {}

  bool handlePost(CivetServer*, mg_connection* conn) override {
    std::optional<std::string> authorization;
    if (const char* h = mg_get_header(conn, "Authorization"))
      authorization = h;
    // A caller without a token, or a body declared too large, is answered
    // before anything of the body is read.
    const auto* info = mg_get_request_info(conn);
    if (auto early = endpoint_->before_body(authorization, info ? info->content_length : -1)) {
      send(conn, *early);
      return true;
    }
    auto limit = endpoint_->max_body_bytes();
    std::string body;
    char buffer[16384];
    bool truncated = false;
    for (;;) {
      int n = mg_read(conn, buffer, sizeof buffer);
      if (n <= 0)
        break;
      if (body.size() + static_cast<std::size_t>(n) > limit) {
        truncated = true; // what is left is not read: the connection closes
        break;
      }
      body.append(buffer, static_cast<std::size_t>(n));
    }
    send(conn, endpoint_->post(authorization, body, truncated));
    return true;
  }

  static void send(mg_connection* conn, const http_reply& r) { send_json(conn, r); }

  bool handleGet(CivetServer*, mg_connection* conn) override {
    respond(conn, 405, "Method Not Allowed", "application/json",
            "{\"error\":\"POST events to /v1/events\"}");
    return true;
  }

private:
  std::shared_ptr<const events_endpoint> endpoint_;
};

/// /v1/unsubscribe: the signed one-click link (http_unsubscribe.hpp).
class unsubscribe_handler : public CivetHandler {
public:
  explicit unsubscribe_handler(std::shared_ptr<const unsubscribe_endpoint> endpoint)
    : endpoint_(std::move(endpoint)) {}

  bool handleGet(CivetServer*, mg_connection* conn) override {
    send(conn, endpoint_->get(query_of(conn)));
    return true;
  }

  bool handlePost(CivetServer*, mg_connection* conn) override {
    // The body says nothing the link does not (List-Unsubscribe=One-Click):
    // read, bounded, and dropped.
    std::size_t got = 0;
    char buffer[1024];
    bool truncated = false;
    for (;;) {
      int n = mg_read(conn, buffer, sizeof buffer);
      if (n <= 0)
        break;
      got += static_cast<std::size_t>(n);
      if (got > max_unsubscribe_body_bytes) {
        truncated = true;
        break;
      }
    }
    send(conn, endpoint_->post(query_of(conn), truncated));
    return true;
  }

private:
  static std::string query_of(mg_connection* conn) {
    const auto* info = mg_get_request_info(conn);
    return info && info->query_string ? info->query_string : "";
  }

  static void send(mg_connection* conn, const html_reply& r) {
    mg_printf(conn,
              "HTTP/1.1 %d %s\r\nContent-Type: text/html; charset=utf-8\r\n"
              "Content-Length: %zu\r\nCache-Control: no-store\r\n"
              "Content-Security-Policy: default-src 'none'; form-action 'self'; "
              "base-uri 'none'; frame-ancestors 'none'\r\n"
              "Referrer-Policy: no-referrer\r\n"
              "X-Content-Type-Options: nosniff\r\nConnection: close\r\n\r\n",
              r.code, reason_of(r.code), r.body.size());
    mg_write(conn, r.body.data(), r.body.size());
  }

  std::shared_ptr<const unsubscribe_endpoint> endpoint_;
};

/// Opens and closes a TCP connection to host:port (any address -> loopback).
void poke(const std::string& host, uint16_t port) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0)
    return;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  if (host == "0.0.0.0" || ::inet_pton(AF_INET, host.c_str(), &addr.sin_addr) != 1)
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
  ::close(fd);
}

} // namespace

struct http_server::impl {
  std::unique_ptr<CivetServer> server;
  metrics_handler metrics;
  health_handler health;
  ready_handler ready;
  std::unique_ptr<events_handler> events;
  page_handler page;
  std::unique_ptr<api_handler> api;
  std::unique_ptr<unsubscribe_handler> unsubscribe;
  uint16_t port = 0;
  std::string host;

  impl(std::shared_ptr<prometheus::Registry> registry, std::function<bool()> is_ready,
       std::function<void()> before_scrape)
    : metrics(std::move(registry), std::move(before_scrape)),
      ready(std::move(is_ready)) {}
};

http_server::http_server(std::unique_ptr<impl> impl) : impl_(std::move(impl)) {}

http_server::~http_server() { stop(); }

result<std::unique_ptr<http_server>>
http_server::start(const http_options& opts, std::shared_ptr<prometheus::Registry> registry,
                   std::function<bool()> ready, std::function<void()> before_scrape,
                   std::shared_ptr<const events_endpoint> events,
                   std::shared_ptr<const status_api> api,
                   std::shared_ptr<const unsubscribe_endpoint> unsubscribe) {
  auto self = std::make_unique<impl>(std::move(registry), std::move(ready),
                                     std::move(before_scrape));
  auto address = opts.host + ":" + std::to_string(opts.port);
  std::vector<std::string> options{"listening_ports", address,
                                   "num_threads", std::to_string(opts.threads),
                                   "request_timeout_ms", std::to_string(opts.request_timeout_ms),
                                   "enable_keep_alive", "no"};
  try {
    self->server = std::make_unique<CivetServer>(options);
  } catch (const CivetException& e) {
    return make_error(runtime_errc::cannot_listen,
                      "cannot serve HTTP on " + address + ": " + e.what()
                        + " (is the port in use?)");
  }
  self->server->addHandler("/metrics", self->metrics);
  self->server->addHandler("/health", self->health);
  self->server->addHandler("/ready", self->ready);
  if (events) {
    self->events = std::make_unique<events_handler>(std::move(events));
    self->server->addHandler("/v1/events", *self->events);
  }
  if (unsubscribe) {
    self->unsubscribe = std::make_unique<unsubscribe_handler>(std::move(unsubscribe));
    self->server->addHandler("/v1/unsubscribe", *self->unsubscribe);
  }
  if (api) {
    self->api = std::make_unique<api_handler>(std::move(api));
    self->server->addHandler("/api/v1", *self->api);
    self->server->addHandler("/", self->page);
  }
  auto ports = self->server->getListeningPorts();
  self->host = opts.host;
  self->port = ports.empty() ? opts.port : static_cast<uint16_t>(ports.front());
  log::info("http", "serving /metrics /health /ready", self->events ? " /v1/events" : "",
            self->api ? " / (status page) /api/v1/" : "",
            self->unsubscribe ? " /v1/unsubscribe" : "", " on ",
            opts.host, ":", self->port);
  return std::unique_ptr<http_server>{new http_server{std::move(self)}};
}

uint16_t http_server::port() const { return impl_->port; }

void http_server::stop() {
  if (impl_ && impl_->server) {
    // civetweb's listener polls with a 2 s quantum and checks its stop flag
    // only when the poll returns: connect to it until it has stopped, so
    // that stopping takes milliseconds instead of up to 2 s.
    std::atomic<bool> stopped{false};
    std::thread waker{[&, port = impl_->port, host = impl_->host] {
      while (!stopped.load()) {
        poke(host, port);
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
      }
    }};
    impl_->server->close();
    stopped = true;
    waker.join();
    impl_->server.reset();
    log::info("http", "stopped");
  }
}

} // namespace troupe::runtime
