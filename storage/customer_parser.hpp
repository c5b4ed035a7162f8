#pragma once
/// Customer lines parsed fast, with the reasons of json_codec. A well-formed
/// line (one JSON object, each key once, the typed fields of their types,
/// numbers in range, attributes of the kinds a customer takes) is read in
/// one pass by simdjson's On-Demand parser, with no DOM and no per-field
/// allocation beyond the record's own strings. Any other line goes to
/// `customer_from_json` (storage/json_codec.hpp), which refuses it with its
/// reason, or takes the forms only it reads (a float with no fraction as a
/// count, an infinite attribute, a byte-order mark): the result is always
/// the same record or the same error as `customer_from_json`'s
/// (tests/customer_parser_test.cpp compares the two on mutated lines).
///
/// One parser per thread: it keeps its buffers between lines.

#include <memory>
#include <string_view>

#include "common/error.hpp"
#include "troupe.pb.h"

namespace troupe::storage {

class customer_parser {
public:
  customer_parser();
  ~customer_parser();
  customer_parser(const customer_parser&) = delete;
  customer_parser& operator=(const customer_parser&) = delete;

  /// `customer_from_json(line)`, faster.
  result<v1::Customer> parse(std::string_view line);

  /// Lines the fast path took, and those it handed to customer_from_json.
  uint64_t fast_lines() const { return fast_; }
  uint64_t reference_lines() const { return reference_; }

private:
  struct impl;
  std::unique_ptr<impl> impl_;
  uint64_t fast_ = 0;
  uint64_t reference_ = 0;
};

} // namespace troupe::storage
