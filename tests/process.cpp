#include "tests/process.hpp"

#include <atomic>
#include <csignal>
#include <cstring>
#include <ctime>
#include <fcntl.h>
#include <fstream>
#include <netinet/in.h>
#include <sstream>
#include <stdexcept>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace troupe::test {

namespace {

std::atomic<int> counter{0};

std::string slurp(const std::filesystem::path& p) {
  std::ifstream in{p};
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

} // namespace

process::process(const std::string& binary, const std::vector<std::string>& args,
                 const std::filesystem::path& output_dir,
                 const std::map<std::string, std::string>& env) {
  auto n = counter++;
  auto stem = std::filesystem::path{binary}.filename().string() + "-" + std::to_string(n);
  out_path_ = output_dir / (stem + ".out");
  err_path_ = output_dir / (stem + ".err");
  std::vector<std::string> env_strings;
  for (char** e = environ; *e != nullptr; ++e) {
    std::string kv{*e};
    if (kv.compare(0, 7, "TROUPE_") != 0)
      env_strings.push_back(kv);
  }
  for (const auto& [k, v] : env)
    env_strings.push_back(k + "=" + v);
  pid_ = ::fork();
  if (pid_ < 0)
    throw std::runtime_error("fork failed");
  if (pid_ == 0) {
    int out = ::open(out_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    int err = ::open(err_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    int in = ::open("/dev/null", O_RDONLY);
    // Relative paths in a test's commands are relative to its directory.
    if (::chdir(output_dir.c_str()) != 0)
      ::_exit(126);
    ::dup2(in, 0);
    ::dup2(out, 1);
    ::dup2(err, 2);
    std::vector<char*> argv;
    argv.push_back(const_cast<char*>(binary.c_str()));
    for (const auto& a : args)
      argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    std::vector<char*> envp;
    for (auto& e : env_strings)
      envp.push_back(e.data());
    envp.push_back(nullptr);
    ::execve(binary.c_str(), argv.data(), envp.data());
    ::_exit(127);
  }
}

process::~process() {
  if (running()) {
    ::kill(pid_, SIGKILL);
    wait_for(std::chrono::seconds(5));
  }
}

void process::signal(int sig) {
  if (!status_)
    ::kill(pid_, sig);
}

std::optional<int> process::wait_for(std::chrono::milliseconds limit) {
  if (status_)
    return status_;
  eventually(
    [&] {
      int st = 0;
      auto r = ::waitpid(pid_, &st, WNOHANG);
      if (r == pid_) {
        status_ = WIFEXITED(st) ? WEXITSTATUS(st) : -WTERMSIG(st);
        return true;
      }
      return false;
    },
    limit);
  return status_;
}

bool process::running() {
  return !wait_for(std::chrono::milliseconds(0)).has_value();
}

std::string process::out() const { return slurp(out_path_); }
std::string process::err() const { return slurp(err_path_); }

run_result run(const std::string& binary, const std::vector<std::string>& args,
               const std::filesystem::path& output_dir, std::chrono::milliseconds limit,
               const std::map<std::string, std::string>& env) {
  auto start = std::chrono::steady_clock::now();
  process p{binary, args, output_dir, env};
  run_result r;
  auto code = p.wait_for(limit);
  r.took = std::chrono::duration_cast<std::chrono::milliseconds>(
    std::chrono::steady_clock::now() - start);
  r.code = code ? *code : -1000; // -1000: still running at the deadline (killed)
  r.out = p.out();
  r.err = p.err();
  return r;
}

uint16_t free_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0)
    throw std::runtime_error("bind failed");
  socklen_t len = sizeof(addr);
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);
  return ntohs(addr.sin_port);
}

} // namespace troupe::test
