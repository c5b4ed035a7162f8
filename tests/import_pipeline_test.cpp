// customers/import_parser with the storage actor: customer chunks sent
// back to back (as the shell sends a window of them) are parsed on the
// parser's thread while the storage actor writes the one before, and are
// written and answered in the order they came: the last chunk's version of
// a customer is the one stored; rejections keep their line numbers.

#include <map>
#include <string>
#include <vector>

#include <caf/all.hpp>
#include <gtest/gtest.h>
#include <prometheus/registry.h>

#include "customers/storage_actor.hpp"
#include "storage/customer_records.hpp"
#include "tests/actor_test_support.hpp"
#include "tests/campaign_fixture.hpp"

using namespace troupe;
using namespace troupe::test;
using namespace std::chrono_literals;

namespace {
class import_pipeline_test : public campaign_fixture {};
} // namespace

TEST_F(import_pipeline_test, chunks_in_flight_are_written_and_answered_in_order) {
  auto metrics = std::make_shared<customers::import_metrics>(registry);
  auto storage = customers::spawn_storage_actor(*sys, customers::local_storage(db, metrics));
  constexpr int chunks = 20;
  constexpr int per_chunk = 500;
  std::vector<customers::import_result> results(chunks);
  std::vector<int> order;
  {
    caf::scoped_actor self{*sys};
    for (int c = 0; c < chunks; ++c) {
      customers::import_chunk chunk;
      chunk.kind = customers::import_kind::customers;
      chunk.first_line = static_cast<uint64_t>(c * per_chunk + 1);
      for (int i = 0; i < per_chunk; ++i) {
        // Every chunk writes the same 500 customers, each with its chunk's
        // number; line 7 of each chunk is not JSON.
        if (i == 6)
          chunk.lines.push_back("{not json");
        else
          chunk.lines.push_back(R"({"id":"p)" + std::to_string(i) + R"(","order_count":)"
                                + std::to_string(c) + "}");
      }
      self->send(storage, actors::import_atom::value, std::move(chunk));
    }
    for (int c = 0; c < chunks; ++c)
      self->receive(
        [&](customers::import_result& r) {
          order.push_back(static_cast<int>(order.size()));
          results[order.size() - 1] = std::move(r);
        },
        [&](caf::error& e) { ADD_FAILURE() << actors::describe(e); },
        caf::after(30s) >> [&] { ADD_FAILURE() << "no answer for chunk " << c; });
  }
  for (int c = 0; c < chunks; ++c) {
    SCOPED_TRACE("chunk " + std::to_string(c));
    EXPECT_EQ(results[c].imported, static_cast<uint64_t>(per_chunk - 1));
    EXPECT_EQ(results[c].rejected, 1u);
    ASSERT_EQ(results[c].errors.size(), 1u);
    EXPECT_EQ(results[c].errors[0].line, static_cast<uint64_t>(c * per_chunk + 7))
      << "answers come in the order the chunks were sent";
  }
  for (int i : {0, 1, 250, 499}) {
    auto stored = storage::read_customer(*db, "p" + std::to_string(i));
    ASSERT_TRUE(stored);
    ASSERT_TRUE(stored->has_value());
    EXPECT_EQ((*stored)->order_count(), chunks - 1) << "the last chunk's version is stored";
  }
  EXPECT_EQ(metrics->customers_ok->Value(), static_cast<double>(chunks * (per_chunk - 1)));
  EXPECT_EQ(metrics->customers_rejected->Value(), static_cast<double>(chunks));
  caf::anon_send_exit(storage, caf::exit_reason::user_shutdown);
  stop_helpers();
}
