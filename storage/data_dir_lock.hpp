#pragma once
/// An exclusive lock on a data dir, held for as long as a store is open:
/// `flock` on `<data-dir>/troupe.lock`, which also records the holder's pid
/// so that the error names it. The kernel drops the lock when the process
/// dies, so a killed node never leaves a stale lock behind.

#include <filesystem>
#include <memory>

#include "common/error.hpp"

namespace troupe::storage {

class data_dir_lock {
public:
  /// Takes the lock or fails with `storage_errc::locked`.
  static result<std::unique_ptr<data_dir_lock>> acquire(const std::filesystem::path& dir);

  ~data_dir_lock();
  data_dir_lock(const data_dir_lock&) = delete;
  data_dir_lock& operator=(const data_dir_lock&) = delete;

private:
  explicit data_dir_lock(int fd) : fd_(fd) {}
  int fd_;
};

} // namespace troupe::storage
