#include "tests/temp_dir.hpp"

#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <string>

namespace troupe::test {

temp_dir::temp_dir() {
  auto base = std::filesystem::temp_directory_path() / "troupe-test-XXXXXX";
  std::string pattern = base.string();
  if (::mkdtemp(pattern.data()) == nullptr)
    throw std::runtime_error("mkdtemp failed for " + pattern);
  path_ = pattern;
}

temp_dir::~temp_dir() {
  // TROUPE_KEEP_TEST_DIRS=1 keeps them (the nodes' logs, their data dirs)
  // for a look after a failure.
  if (const char* keep = std::getenv("TROUPE_KEEP_TEST_DIRS"); keep && *keep && *keep != '0') {
    std::fprintf(stderr, "kept %s\n", path_.c_str());
    return;
  }
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

} // namespace troupe::test
