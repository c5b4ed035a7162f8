#include "tests/etcd_server.hpp"

#include <csignal>
#include <stdexcept>
#include <unistd.h>

#include "tests/http_get.hpp"

namespace troupe::test {

bool etcd_server::available() { return ::access(binary, X_OK) == 0; }

etcd_server::etcd_server() {
  client_port_ = free_port();
  do
    peer_port_ = free_port();
  while (peer_port_ == client_port_);
  start();
}

etcd_server::~etcd_server() { stop(); }

std::string etcd_server::endpoint() const {
  return "http://127.0.0.1:" + std::to_string(client_port_);
}

void etcd_server::start() {
  auto client = endpoint();
  auto peer = "http://127.0.0.1:" + std::to_string(peer_port_);
  process_ = std::make_unique<process>(
    binary,
    std::vector<std::string>{"--name", "t", "--data-dir", (dir_ / "data").string(),
                             "--listen-client-urls", client, "--advertise-client-urls", client,
                             "--listen-peer-urls", peer, "--initial-advertise-peer-urls", peer,
                             "--initial-cluster", "t=" + peer, "--log-level", "warn"},
    dir_.path());
  wait_ready();
}

void etcd_server::wait_ready() {
  bool up = eventually(
    [&] {
      if (!process_->running())
        return true; // exited: reported below
      auto r = http_get(endpoint() + "/health", 500);
      return r.code == 200 && contains(r.body, "\"health\":\"true\"");
    },
    std::chrono::seconds(20));
  if (!up || !process_->running())
    throw std::runtime_error("etcd on " + endpoint() + " did not become healthy within 20 s"
                             + (process_->running() ? "" : " (it exited)")
                             + "; its stderr:\n" + process_->err());
}

void etcd_server::stop(int sig) {
  if (!process_)
    return;
  process_->signal(sig);
  process_->wait_for(std::chrono::seconds(10));
  process_.reset();
}

void etcd_server::restart() {
  stop();
  start();
}

std::string etcd_server::ctl(const std::vector<std::string>& args) {
  std::vector<std::string> full{"--endpoints=" + endpoint()};
  full.insert(full.end(), args.begin(), args.end());
  auto r = run(ctl_binary, full, dir_.path(), std::chrono::seconds(20), {{"ETCDCTL_API", "3"}});
  if (r.code != 0)
    throw std::runtime_error("etcdctl failed (" + std::to_string(r.code) + "): " + r.out + r.err);
  return r.out;
}

void etcd_server::enable_auth(const std::string& password) {
  ctl({"user", "add", "root:" + password});
  ctl({"user", "grant-role", "root", "root"});
  ctl({"auth", "enable"});
}

} // namespace troupe::test
