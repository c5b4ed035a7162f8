#include "shell/private_file.hpp"

#include <cerrno>
#include <cstring>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "runtime/runtime_error.hpp"

namespace troupe::shell {

status open_private(const std::string& path, std::ofstream& file) {
  auto cannot = [&path] {
    return runtime::make_error(runtime::runtime_errc::request_failed,
                               "cannot write " + path + ": " + std::strerror(errno));
  };
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0)
    return cannot();
  bool narrowed = ::fchmod(fd, 0600) == 0 || errno == EPERM || errno == ENOTSUP;
  ::close(fd);
  if (!narrowed)
    return cannot();
  file.open(path, std::ios::out | std::ios::trunc);
  if (!file)
    return cannot();
  return status::success();
}

} // namespace troupe::shell
