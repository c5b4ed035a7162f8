#include <gtest/gtest.h>

#include "common/log.hpp"

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  troupe::log::set_threshold(troupe::log::level::warn);
  return RUN_ALL_TESTS();
}
