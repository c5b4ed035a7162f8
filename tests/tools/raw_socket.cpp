#include "tests/tools/raw_socket.hpp"

#include <cerrno>
#include <cstring>

#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

namespace troupe::test::tools {

namespace {

using clock = std::chrono::steady_clock;

int remaining_ms(clock::time_point deadline) {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - clock::now());
  return left.count() > 0 ? static_cast<int>(left.count()) : 0;
}

} // namespace

raw_socket::raw_socket(const std::string& host, uint16_t port) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  if (int rc = getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &found); rc != 0) {
    error_ = gai_strerror(rc);
    return;
  }
  for (auto* a = found; a != nullptr && fd_ < 0; a = a->ai_next) {
    fd_ = ::socket(a->ai_family, a->ai_socktype, a->ai_protocol);
    if (fd_ >= 0 && ::connect(fd_, a->ai_addr, a->ai_addrlen) != 0) {
      error_ = std::strerror(errno);
      ::close(fd_);
      fd_ = -1;
    }
  }
  freeaddrinfo(found);
}

raw_socket::~raw_socket() {
  if (fd_ >= 0)
    ::close(fd_);
}

bool raw_socket::send_all(const std::string& bytes) {
  size_t sent = 0;
  while (sent < bytes.size()) {
    auto n = ::send(fd_, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0) {
      error_ = n < 0 ? std::strerror(errno) : "closed";
      return false;
    }
    sent += static_cast<size_t>(n);
  }
  return true;
}

std::optional<std::string> raw_socket::read_exactly(size_t n, std::chrono::milliseconds limit) {
  auto deadline = clock::now() + limit;
  std::string out;
  while (out.size() < n) {
    pollfd p{fd_, POLLIN, 0};
    int ready = ::poll(&p, 1, remaining_ms(deadline));
    if (ready < 0 && errno == EINTR)
      continue;
    if (ready <= 0) {
      error_ = ready == 0 ? "timed out" : std::strerror(errno);
      return std::nullopt;
    }
    char buf[4096];
    auto got = ::recv(fd_, buf, std::min(sizeof(buf), n - out.size()), 0);
    if (got <= 0) {
      error_ = got == 0 ? "closed by the node" : std::strerror(errno);
      return std::nullopt;
    }
    out.append(buf, static_cast<size_t>(got));
  }
  return out;
}

std::optional<std::chrono::milliseconds> raw_socket::wait_closed(std::chrono::milliseconds limit) {
  auto start = clock::now();
  auto deadline = start + limit;
  for (;;) {
    pollfd p{fd_, POLLIN, 0};
    int ready = ::poll(&p, 1, remaining_ms(deadline));
    if (ready < 0 && errno == EINTR)
      continue;
    if (ready == 0)
      return std::nullopt;
    char buf[4096];
    auto got = ready < 0 ? -1 : ::recv(fd_, buf, sizeof(buf), 0);
    if (got <= 0)
      return std::chrono::duration_cast<std::chrono::milliseconds>(clock::now() - start);
  }
}

} // namespace troupe::test::tools
