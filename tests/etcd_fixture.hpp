#pragma once
/// For tests of what lives in etcd: a real etcd on free loopback ports and
/// a client of it (skipped where etcd is not installed).

#include <memory>

#include <gtest/gtest.h>

#include "coord/etcd_client.hpp"
#include "tests/etcd_server.hpp"

namespace troupe::test {

class etcd_fixture : public ::testing::Test {
protected:
  void SetUp() override {
    if (!etcd_server::available())
      GTEST_SKIP() << etcd_server::binary << " is not installed (scripts/setup installs it)";
    server = std::make_unique<etcd_server>();
    coord::etcd_options o;
    o.endpoints = {server->endpoint()};
    auto c = coord::etcd_client::create(o);
    ASSERT_TRUE(c) << c.err().message();
    client = std::move(*c);
  }

  std::unique_ptr<etcd_server> server;
  std::unique_ptr<coord::etcd_client> client;
};

} // namespace troupe::test
