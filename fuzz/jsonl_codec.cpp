// Fuzz target: the JSON Lines codecs of storage/json_codec, which every
// import line reaches (`import customers`, `import corpus`, `import events`:
// customers::import_lines hands each line to these parsers).
//
// Invariants: a line is taken or refused, never a crash, a throw or
// undefined behaviour (numbers out of range included); a refusal is a
// storage error (bad_json or bad_record) with a UTF-8 reason; a customer or
// an event that parses prints (customer_to_json, event_to_json) to a line
// that parses back to the same record, and that line prints the same again;
// the import's fast customer parser (storage/customer_parser) gives the same
// record, or the same reason, as customer_from_json.

#include <cstddef>
#include <cstdint>
#include <string>

#include <google/protobuf/util/message_differencer.h>

#include "fuzz/check.hpp"
#include "storage/customer_parser.hpp"
#include "storage/json_codec.hpp"

using namespace troupe;
using google::protobuf::util::MessageDifferencer;

namespace {

template <class T>
void check_refusal(const result<T>& r) {
  if (r)
    return;
  FUZZ_CHECK(r.err().is(storage::storage_errc::bad_json) ||
               r.err().is(storage::storage_errc::bad_record),
             "a refused line is bad_json or bad_record");
  FUZZ_CHECK(!r.err().message().empty(), "a refusal gives a reason");
  FUZZ_CHECK(fuzz::is_utf8(r.err().message()), "a refusal's reason is UTF-8");
}

/// parse(print(x)) == x, and print is stable.
template <class Record, class Parse, class Print>
void check_round_trip(const Record& x, Parse parse, Print print) {
  auto printed = print(x);
  auto again = parse(printed);
  FUZZ_CHECK(again.ok(), "a printed record parses");
  FUZZ_CHECK(MessageDifferencer::Equals(x, *again), "a printed record parses to itself");
  FUZZ_CHECK(print(*again) == printed, "printing is stable");
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view line(reinterpret_cast<const char*>(data), size);

  auto customer = storage::customer_from_json(line);
  check_refusal(customer);
  if (customer) {
    FUZZ_CHECK(!customer->id().empty(), "a customer has an id");
    check_round_trip(*customer, storage::customer_from_json, storage::customer_to_json);
  }
  static storage::customer_parser fast; // keeps its buffers between inputs, as in an import
  auto quick = fast.parse(line);
  FUZZ_CHECK(quick.ok() == customer.ok(), "the fast parser takes what customer_from_json takes");
  if (quick)
    FUZZ_CHECK(MessageDifferencer::Equals(*quick, *customer),
               "the fast parser reads the same record");
  else
    FUZZ_CHECK(quick.err().message() == customer.err().message(),
               "the fast parser refuses with the same reason");

  auto document = storage::document_from_json(line);
  check_refusal(document);
  if (document)
    FUZZ_CHECK(!document->id().empty(), "a document has an id");

  auto event = storage::event_from_json(line);
  check_refusal(event);
  if (event) {
    FUZZ_CHECK(!event->customer_id().empty() && !event->campaign_id().empty(),
               "an event names its customer and campaign");
    FUZZ_CHECK(event->ts_ms() >= 0, "an event's time is not before the epoch");
    check_round_trip(*event, storage::event_from_json, storage::event_to_json);
  }
  return 0;
}
