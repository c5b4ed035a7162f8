#include "shell/history_file.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <sstream>
#include <sys/stat.h>
#include <unistd.h>

#include "runtime/runtime_error.hpp"

namespace troupe::shell {

namespace {

constexpr const char* libedit_cookie = "_HiStOrY_V2_";

bool is_octal(char c) {
  return c >= '0' && c <= '7';
}

/// libedit's vis encoding of one line: `\ooo` and `\\` decoded, anything
/// else kept as written.
std::string unvis(const std::string& in) {
  std::string out;
  for (std::size_t i = 0; i < in.size(); ++i) {
    if (in[i] == '\\' && i + 3 < in.size() && is_octal(in[i + 1]) &&
        is_octal(in[i + 2]) && is_octal(in[i + 3])) {
      out += static_cast<char>(((in[i + 1] - '0') << 6) | ((in[i + 2] - '0') << 3) |
                               (in[i + 3] - '0'));
      i += 3;
    } else if (in[i] == '\\' && i + 1 < in.size() && in[i + 1] == '\\') {
      out += '\\';
      ++i;
    } else {
      out += in[i];
    }
  }
  return out;
}

std::string read_all(const std::string& path) {
  std::ifstream in{path};
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

error cannot_save(const std::string& path, const std::string& why) {
  return runtime::make_error(runtime::runtime_errc::request_failed,
                             "cannot save the history to " + path + ": " + why);
}

/// Replaces the file at `path` with `commands`, a line each (through a
/// temporary file renamed over it, 0600).
status rewrite(const std::string& path, const std::vector<std::string>& commands,
               std::size_t from) {
  auto tmp = path + ".tmp";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0)
    return cannot_save(tmp, std::strerror(errno));
  std::string text;
  for (std::size_t i = from; i < commands.size(); ++i)
    text += commands[i] + "\n";
  bool written =
      ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  int saved_errno = errno;
  ::close(fd);
  if (!written || std::rename(tmp.c_str(), path.c_str()) != 0) {
    auto why = std::strerror(written ? errno : saved_errno);
    ::unlink(tmp.c_str());
    return cannot_save(path, why);
  }
  return status::success();
}

} // namespace

std::vector<std::string> parse_history(const std::string& text) {
  std::vector<std::string> commands;
  std::istringstream in{text};
  std::string line;
  bool encoded = false;
  for (bool first = true; std::getline(in, line); first = false) {
    if (!line.empty() && line.back() == '\r')
      line.pop_back();
    if (first && line == libedit_cookie) {
      encoded = true;
      continue;
    }
    if (line.find_first_not_of(" \t") == std::string::npos)
      continue;
    commands.push_back(encoded ? unvis(line) : line);
  }
  return commands;
}

std::vector<std::string> load_history(const std::string& path) {
  return parse_history(read_all(path));
}

status append_history(const std::string& path, const std::string& command,
                      std::size_t cap) {
  std::string line = command;
  for (auto& c : line)
    if (c == '\n' || c == '\r')
      c = ' ';
  auto before = read_all(path);
  if (before.rfind(libedit_cookie, 0) == 0) {
    auto commands = parse_history(before);
    commands.push_back(line);
    return rewrite(path, commands, commands.size() > cap ? commands.size() - cap : 0);
  }
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (fd < 0)
    return cannot_save(path, std::strerror(errno));
  // A file from before is narrowed to 0600 too; failing that is no reason to lose the
  // command.
  static_cast<void>(::fchmod(fd, 0600));
  line += "\n";
  bool written =
      ::write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size());
  int saved_errno = errno;
  ::close(fd);
  if (!written)
    return cannot_save(path, std::strerror(saved_errno));
  auto commands = load_history(path);
  if (commands.size() <= cap)
    return status::success();
  return rewrite(path, commands, commands.size() - cap);
}

} // namespace troupe::shell
