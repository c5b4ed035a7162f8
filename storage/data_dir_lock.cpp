#include "storage/data_dir_lock.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <string>
#include <sys/file.h>
#include <unistd.h>

#include "storage/storage_error.hpp"

namespace troupe::storage {

result<std::unique_ptr<data_dir_lock>> data_dir_lock::acquire(
  const std::filesystem::path& dir) {
  auto path = dir / "troupe.lock";
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0)
    return make_error(storage_errc::io_error,
                      "cannot open lock file " + path.string() + ": "
                        + std::strerror(errno));
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    int err = errno;
    char holder[32] = {0};
    auto n = ::pread(fd, holder, sizeof(holder) - 1, 0);
    ::close(fd);
    if (err == EWOULDBLOCK) {
      std::string pid = n > 0 ? std::string{holder, static_cast<size_t>(n)} : "unknown";
      return make_error(storage_errc::locked,
                        "data dir " + dir.string()
                          + " is already open by another process (pid " + pid + ")");
    }
    return make_error(storage_errc::io_error,
                      "cannot lock " + path.string() + ": " + std::strerror(err));
  }
  auto pid = std::to_string(::getpid());
  if (::ftruncate(fd, 0) != 0
      || ::pwrite(fd, pid.data(), pid.size(), 0) != static_cast<ssize_t>(pid.size())) {
    // The lock is held; only the informational pid could not be written.
  }
  return std::unique_ptr<data_dir_lock>{new data_dir_lock{fd}};
}

data_dir_lock::~data_dir_lock() {
  ::flock(fd_, LOCK_UN);
  ::close(fd_);
}

} // namespace troupe::storage
