// storage/customer_parser: the fast path gives the same record, or the same
// error, as json_codec's customer_from_json, on well-formed lines and on
// thousands of lines mutated at random (the seed is printed); and it takes
// the well-formed lines itself.

#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include <google/protobuf/util/message_differencer.h>
#include <gtest/gtest.h>

#include "storage/customer_parser.hpp"
#include "storage/json_codec.hpp"

using namespace troupe;

namespace {

/// A customer line of the reference workload's shape, with some extras.
std::string line_of(std::mt19937& rng, int i) {
  auto pick = [&](std::initializer_list<const char*> xs) {
    return std::string{*(xs.begin() + rng() % xs.size())};
  };
  std::string s = "{\"id\":\"c" + std::to_string(100000 + i) + "\"";
  s += ",\"email\":\"c" + std::to_string(i) + "@example.com\"";
  s += ",\"first_name\":" + pick({"\"Jonas\"", "\"Zo\\u00eb\"", "\"A\\\"B\"", "null", "\"\""});
  s += ",\"region\":\"" + pick({"CA", "AZ", "NY"}) + "\"";
  s += ",\"marketing_opt_in\":" + pick({"true", "false"});
  s += ",\"total_order_value\":" + pick({"51.45", "0", "-3.5e2", "1000000000000000", "7"});
  s += ",\"order_count\":" + pick({"0", "1", "9007199254740992", "42"});
  s += ",\"last_order_date\":\"2026-08-19\"";
  s += ",\"categories\":" + pick({"[\"books\",\"outdoor\"]", "[]", "[\"\\ttab\"]"});
  s += ",\"device\":" + pick({"\"mobile\"", "\"desktop\"", "null"});
  s += ",\"engagement\":" + pick({"0.094", "1", "0.5"});
  if (rng() % 2)
    s += ",\"tier\":\"gold\",\"visits\":3,\"vip\":false,\"tags\":[\"a\",\"b\"],\"\":1.25e-3";
  s += "}";
  return s;
}

/// Something to put after a line.
std::string pick_suffix(std::mt19937& rng) {
  static const char* suffixes[] = {" ", "\t\r", "x", "{}", ",", " {\"id\":\"y\"}", "]", "\n"};
  return suffixes[rng() % std::size(suffixes)];
}

/// `line` changed once at random.
std::string mutated(std::mt19937& rng, std::string line) {
  static const std::string chars = "{}[]\",:0123456789-+.eE \\ntrufalse\x01\xc3";
  auto at = rng() % (line.size() + 1);
  switch (rng() % 6) {
    case 0: // a character gone
      if (!line.empty())
        line.erase(at % line.size(), 1);
      break;
    case 1: // one added
      line.insert(at, 1, chars[rng() % chars.size()]);
      break;
    case 2: // one replaced
      if (!line.empty())
        line[at % line.size()] = chars[rng() % chars.size()];
      break;
    case 3: { // a field twice
      auto comma = line.find(',', at);
      auto next = comma == std::string::npos ? std::string::npos : line.find(',', comma + 1);
      if (next != std::string::npos)
        line.insert(line.size() - 1, line.substr(comma, next - comma));
      break;
    }
    case 4: { // a value of another kind
      static const char* values[] = {"null", "\"text\"", "1.5", "2.0", "-1", "1e400", "true",
                                     "[1]", "{\"a\":1}", "[\"x\",null]", "18446744073709551616",
                                     "0.788888888888888888888888888888888888", "1e-400",
                                     "4.9406564584124654e-324", "123456789012345678901.5"};
      auto colon = line.find(':', at);
      auto end = colon == std::string::npos ? std::string::npos : line.find_first_of(",}", colon);
      if (end != std::string::npos)
        line.replace(colon + 1, end - colon - 1, values[rng() % std::size(values)]);
      break;
    }
    default: // something after the object, or before it
      line = rng() % 2 ? line + pick_suffix(rng) : "\xef\xbb\xbf" + line;
      break;
  }
  return line;
}

/// Compares the two parsers on `line`; false (with a failure) if they differ.
bool agree(storage::customer_parser& parser, const std::string& line) {
  auto fast = parser.parse(line);
  auto reference = storage::customer_from_json(line);
  if (fast.ok() != reference.ok()) {
    ADD_FAILURE() << line << "\nfast: " << (fast.ok() ? "ok" : fast.err().message())
                  << "\nreference: " << (reference.ok() ? "ok" : reference.err().message());
    return false;
  }
  if (!fast.ok()) {
    EXPECT_EQ(fast.err().message(), reference.err().message()) << line;
    return fast.err().message() == reference.err().message();
  }
  bool same = google::protobuf::util::MessageDifferencer::Equals(*fast, *reference);
  EXPECT_TRUE(same) << line << "\nfast: " << fast->DebugString()
                    << "\nreference: " << reference->DebugString();
  return same;
}

} // namespace

TEST(customer_parser_test, well_formed_lines_take_the_fast_path_to_the_same_record) {
  std::mt19937 rng{7};
  storage::customer_parser parser;
  for (int i = 0; i < 500; ++i)
    ASSERT_TRUE(agree(parser, line_of(rng, i)));
  EXPECT_EQ(parser.fast_lines(), 500u);
  EXPECT_EQ(parser.reference_lines(), 0u);
}

TEST(customer_parser_test, forms_only_the_reference_reads_go_to_it_and_read_the_same) {
  storage::customer_parser parser;
  for (const char* line : {
         R"({"id":"x","order_count":2.0})",         // a whole float as a count
         R"({"id":"x","big":1e400})",               // an infinite attribute
         R"({"id":"x","engagement":0.7888888888888888888888})", // 22 digits: strtod's rounding
         "\xef\xbb\xbf{\"id\":\"x\"}",              // a byte-order mark
         R"({"id":"x","email":"a","email":"b"})",   // refused: a key twice
         R"({"id":"x","address":{"city":"Oslo"}})", // refused: an object
         R"({"id":"x"} {"id":"y"})",                // refused: two objects
         R"({"id":""})", R"({"email":"a"})", R"({"id":null})", "", "   ", "[1]"})
    EXPECT_TRUE(agree(parser, line)) << line;
  EXPECT_EQ(parser.fast_lines(), 0u);
  EXPECT_EQ(parser.reference_lines(), 13u);
}

TEST(customer_parser_test, a_time_zone_is_an_iana_name_on_both_paths) {
  storage::customer_parser parser;
  EXPECT_TRUE(agree(parser, R"({"id":"x","timezone":"Europe/Paris"})"));
  EXPECT_EQ(parser.fast_lines(), 1u);
  for (const char* bad : {R"({"id":"x","timezone":"Mars/Olympus_Mons"})",
                          R"({"id":"x","timezone":5})", R"({"id":"x","timezone":["UTC"]})",
                          R"({"id":"x","timezone":true})"}) {
    EXPECT_TRUE(agree(parser, bad)) << bad;
    auto refused = parser.parse(bad);
    ASSERT_FALSE(refused.ok()) << bad;
    EXPECT_NE(refused.err().message().find("timezone"), std::string::npos)
      << refused.err().message();
  }
}

TEST(customer_parser_test, mutated_lines_get_the_same_record_or_the_same_reason) {
  auto seed = static_cast<uint32_t>(std::random_device{}());
  std::printf("customer_parser_test seed %u\n", seed);
  SCOPED_TRACE("seed " + std::to_string(seed));
  std::mt19937 rng{seed};
  storage::customer_parser parser;
  int differ = 0;
  for (int i = 0; i < 20000 && differ < 10; ++i) {
    auto line = line_of(rng, i);
    for (int n = 1 + static_cast<int>(rng() % 3); n > 0; --n)
      line = mutated(rng, line);
    differ += agree(parser, line) ? 0 : 1;
  }
  EXPECT_EQ(differ, 0);
  // Both paths were taken: many mutations leave a well-formed line.
  EXPECT_GT(parser.fast_lines(), 1000u);
  EXPECT_GT(parser.reference_lines(), 1000u);
}

