#include "tests/scripted_http_server.hpp"

#include <atomic>
#include <cctype>
#include <stdexcept>
#include <thread>

#include <CivetServer.h>

#include "tests/http_get.hpp"

namespace troupe::test {

struct scripted_http_server::impl : CivetHandler {
  handler answer;
  mutable std::mutex mutex;
  std::vector<http_exchange> seen;
  std::unique_ptr<CivetServer> server;
  std::atomic<bool> closing{false};

  bool serve(mg_connection* conn) {
    if (closing.load()) {
      mg_printf(conn, "HTTP/1.1 503 Closing\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
      return true;
    }
    const auto* info = mg_get_request_info(conn);
    http_exchange x;
    x.method = info->request_method;
    x.path = info->local_uri != nullptr ? info->local_uri : "";
    for (int i = 0; i < info->num_headers; ++i) {
      std::string name = info->http_headers[i].name;
      for (auto& c : name)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      x.headers[name] = info->http_headers[i].value;
    }
    char buf[8192];
    int n;
    while ((n = mg_read(conn, buf, sizeof buf)) > 0)
      x.body.append(buf, static_cast<std::size_t>(n));
    auto reply = answer(x);
    {
      std::lock_guard<std::mutex> guard{mutex};
      seen.push_back(std::move(x));
    }
    if (reply.delay.count() > 0)
      std::this_thread::sleep_for(reply.delay);
    mg_printf(conn,
              "HTTP/1.1 %d Scripted\r\nContent-Type: application/json\r\n"
              "Content-Length: %zu\r\nConnection: close\r\n\r\n",
              reply.status, reply.body.size());
    mg_write(conn, reply.body.data(), reply.body.size());
    return true;
  }

  bool handlePost(CivetServer*, mg_connection* conn) override { return serve(conn); }
  bool handleGet(CivetServer*, mg_connection* conn) override { return serve(conn); }
};

scripted_http_server::scripted_http_server(handler h, unsigned threads)
  : impl_(std::make_unique<impl>()) {
  impl_->answer = std::move(h);
  std::vector<std::string> options{"listening_ports", "127.0.0.1:0", "num_threads",
                                   std::to_string(threads), "enable_keep_alive", "no"};
  impl_->server = std::make_unique<CivetServer>(options); // throws: the test fails loudly
  impl_->server->addHandler("/", *impl_);
  auto ports = impl_->server->getListeningPorts();
  if (ports.empty())
    throw std::runtime_error("scripted_http_server: no listening port");
  port_ = static_cast<uint16_t>(ports.front());
}

scripted_http_server::~scripted_http_server() {
  // civetweb notices its stop flag only when its 2 s poll returns: poke it.
  impl_->closing = true;
  std::atomic<bool> stopped{false};
  std::thread waker{[&] {
    while (!stopped.load()) {
      http_get(url("/stop"), 200);
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }};
  impl_->server->close();
  stopped = true;
  waker.join();
}

std::string scripted_http_server::url(const std::string& path) const {
  return "http://127.0.0.1:" + std::to_string(port_) + path;
}

std::vector<http_exchange> scripted_http_server::requests() const {
  std::lock_guard<std::mutex> guard{impl_->mutex};
  return impl_->seen;
}

std::size_t scripted_http_server::request_count() const {
  std::lock_guard<std::mutex> guard{impl_->mutex};
  return impl_->seen.size();
}

} // namespace troupe::test
