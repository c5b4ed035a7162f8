#pragma once
/// A child process for process tests: started in `output_dir` with
/// arguments and extra environment, its stdout and stderr captured to files
/// there, waited for with a deadline, killed if still running when the
/// object goes away.

#include <chrono>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <sys/types.h>

namespace troupe::test {

/// True if `part` occurs in `text` (process output, a /metrics page, ...).
/// The last line of `text` (a JSON Lines stream's last record: what
/// `campaign status --watch --json` ends with).
inline std::string last_line(const std::string& text) {
  auto end = text.find_last_not_of('\n');
  if (end == std::string::npos)
    return {};
  auto start = text.rfind('\n', end);
  return text.substr(start == std::string::npos ? 0 : start + 1, end - (start == std::string::npos ? 0 : start + 1) + 1);
}

inline bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

class process {
public:
  /// Starts `binary` with `args`; output goes to files in `output_dir`.
  process(const std::string& binary, const std::vector<std::string>& args,
          const std::filesystem::path& output_dir,
          const std::map<std::string, std::string>& env = {});
  ~process();

  pid_t pid() const { return pid_; }
  void signal(int sig);

  /// Waits up to `limit` for the process to exit; its exit status, or -SIG
  /// if a signal ended it, or nullopt if it is still running.
  std::optional<int> wait_for(std::chrono::milliseconds limit);
  bool running();

  std::string out() const;
  std::string err() const;

private:
  pid_t pid_ = -1;
  std::optional<int> status_;
  std::filesystem::path out_path_;
  std::filesystem::path err_path_;
};

/// Runs a command to completion (up to `limit`); exit code and output.
struct run_result {
  int code = -1;
  std::string out;
  std::string err;
  std::chrono::milliseconds took{0};
};
run_result run(const std::string& binary, const std::vector<std::string>& args,
               const std::filesystem::path& output_dir,
               std::chrono::milliseconds limit = std::chrono::seconds(30),
               const std::map<std::string, std::string>& env = {});

/// A TCP port on 127.0.0.1 that was free a moment ago.
uint16_t free_port();

/// Polls `condition` every 20 ms until it is true or `limit` has passed.
template <class F>
bool eventually(F&& condition, std::chrono::milliseconds limit) {
  auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    if (condition())
      return true;
    struct timespec ts{0, 20'000'000};
    nanosleep(&ts, nullptr);
  }
  return condition();
}

} // namespace troupe::test
