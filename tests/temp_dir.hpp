#pragma once
/// A fresh directory under $TMPDIR for one test, removed afterwards
/// (kept with TROUPE_KEEP_TEST_DIRS=1).

#include <filesystem>

namespace troupe::test {

class temp_dir {
public:
  temp_dir();
  ~temp_dir();
  temp_dir(const temp_dir&) = delete;
  temp_dir& operator=(const temp_dir&) = delete;

  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

private:
  std::filesystem::path path_;
};

} // namespace troupe::test
