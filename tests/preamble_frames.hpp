#pragma once
/// For tests of wire/: a preamble frame's body, after checking that its
/// header is one of ours, of the expected type and length.

#include <string>

#include <gtest/gtest.h>

#include "wire/preamble.hpp"

namespace troupe::test {

inline std::string body_of(const std::string& frame, wire::frame_type type) {
  if (frame.size() < wire::frame_header_bytes) {
    ADD_FAILURE() << "a frame of " << frame.size() << " bytes";
    return {};
  }
  auto h = wire::parse_header(frame.data());
  EXPECT_TRUE(h);
  if (!h)
    return {};
  EXPECT_EQ(h->type, type);
  EXPECT_EQ(h->length, frame.size() - wire::frame_header_bytes);
  return frame.substr(wire::frame_header_bytes);
}

} // namespace troupe::test
