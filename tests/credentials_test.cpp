// trust/credentials: the tokens file (`NAME ROLE SECRET` a line), secret
// files and secrets given another way; every refusal names file and line.

#include <fstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "tests/temp_dir.hpp"
#include "trust/credentials.hpp"
#include "trust/trust_error.hpp"

using namespace troupe;
using namespace troupe::trust;

namespace {

const std::string s1 = "alice-secret-0123456789";
const std::string s2 = "bob-secret-0123456789ab";

bool has(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

/// parse_tokens refuses `text` with a bad_file error naming `where` and saying `what`.
void expect_refused(const std::string& text, const std::string& where,
                    const std::string& what) {
  auto r = parse_tokens(text, "tokens.txt");
  ASSERT_FALSE(r.ok()) << text;
  EXPECT_TRUE(r.err().is(trust_errc::bad_file)) << r.err().message();
  EXPECT_EQ(r.err().message().rfind(where + ": ", 0), 0u) << r.err().message();
  EXPECT_TRUE(has(r.err().message(), what)) << r.err().message();
}

void write(const std::filesystem::path& path, const std::string& text) {
  std::ofstream out{path, std::ios::binary};
  out << text;
}

} // namespace

TEST(credentials_test, parse_tokens_reads_names_roles_and_secrets_around_comments) {
  auto text = "# shell tokens of this cluster\n"
              "\n"
              "alice viewer " +
              s1 +
              "   # the on-call viewer\n"
              "   \t \n"
              "\tbob.o@ops-1  operator\t" +
              s2 +
              "\n"
              "# the end";
  auto r = parse_tokens(text, "tokens.txt");
  ASSERT_TRUE(r.ok()) << r.err().message();
  ASSERT_EQ(r->size(), 2u);
  EXPECT_EQ((*r)[0].name, "alice");
  EXPECT_EQ((*r)[0].role, role::viewer);
  EXPECT_EQ((*r)[0].secret, s1);
  EXPECT_EQ((*r)[1].name, "bob.o@ops-1");
  EXPECT_EQ((*r)[1].role, role::operator_);
  EXPECT_EQ((*r)[1].secret, s2);
}

TEST(credentials_test, an_ingest_token_may_post_events_and_nothing_else) {
  auto r = parse_tokens("shop ingest " + s1 + "\n", "tokens.txt");
  ASSERT_TRUE(r.ok()) << r.err().message();
  EXPECT_EQ((*r)[0].role, role::ingest);
  EXPECT_TRUE(may(role::ingest, permission::ingest));
  EXPECT_FALSE(may(role::ingest, permission::read));
  EXPECT_FALSE(may(role::ingest, permission::operate));
  EXPECT_TRUE(may(role::operator_, permission::ingest));
  EXPECT_FALSE(may(role::viewer, permission::ingest));
  EXPECT_FALSE(is_member(role::ingest));
  EXPECT_EQ(to_string(role::ingest), "ingest");
}

TEST(credentials_test, parse_tokens_of_nothing_but_comments_is_empty) {
  auto r = parse_tokens("# none yet\n\n", "tokens.txt");
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->empty());
}

TEST(credentials_test, parse_tokens_refuses_a_missing_or_extra_field) {
  expect_refused("# c\nalice viewer\n", "tokens.txt:2", "expected `NAME ROLE SECRET`");
  expect_refused("alice\n", "tokens.txt:1", "expected `NAME ROLE SECRET`");
  expect_refused("alice viewer " + s1 + " more\n", "tokens.txt:1",
                 "expected `NAME ROLE SECRET`");
  // A secret cannot hold a space: its second half is an extra field.
  expect_refused("\nalice viewer alice-secret 0123456789\n", "tokens.txt:2",
                 "expected `NAME ROLE SECRET`");
}

TEST(credentials_test, parse_tokens_refuses_a_bad_name) {
  expect_refused("al/ice viewer " + s1, "tokens.txt:1", "a NAME is 1 to 64");
  expect_refused("al:ice viewer " + s1, "tokens.txt:1", "a NAME is 1 to 64");
  expect_refused(std::string(65, 'a') + " viewer " + s1, "tokens.txt:1",
                 "a NAME is 1 to 64");
  auto longest = parse_tokens(std::string(64, 'a') + " viewer " + s1, "tokens.txt");
  EXPECT_TRUE(longest.ok());
}

TEST(credentials_test, parse_tokens_refuses_role_node_open_and_unknown) {
  // Nodes prove themselves with the cluster secret, never a token.
  expect_refused("n1 node " + s1, "tokens.txt:1",
                 "ROLE `node` is none of viewer, operator and ingest");
  expect_refused("x open " + s1, "tokens.txt:1", "ROLE `open`");
  expect_refused("x admin " + s1, "tokens.txt:1", "ROLE `admin`");
}

TEST(credentials_test, parse_tokens_refuses_a_short_or_long_secret) {
  expect_refused("alice viewer " + std::string(min_secret_bytes - 1, 'x'), "tokens.txt:1",
                 "this one is 15");
  expect_refused("alice viewer " + std::string(max_secret_bytes + 1, 'x'), "tokens.txt:1",
                 "this one is 1025");
  auto edges = parse_tokens("a viewer " + std::string(min_secret_bytes, 'x') +
                                "\nb viewer " + std::string(max_secret_bytes, 'y'),
                            "tokens.txt");
  EXPECT_TRUE(edges.ok()) << edges.err().message();
}

TEST(credentials_test, parse_tokens_refuses_a_name_or_secret_given_twice) {
  expect_refused("alice viewer " + s1 + "\n#\nalice operator " + s2, "tokens.txt:3",
                 "NAME `alice` again");
  expect_refused("alice viewer " + s1 + "\nbob operator " + s1, "tokens.txt:2",
                 "the same SECRET as another token");
}

TEST(credentials_test, parse_tokens_holds_at_most_max_tokens) {
  std::string text;
  for (size_t i = 0; i < max_tokens; ++i)
    text +=
        "t" + std::to_string(i) + " viewer secret-of-token-" + std::to_string(i) + "\n";
  auto full = parse_tokens(text, "tokens.txt");
  ASSERT_TRUE(full.ok()) << full.err().message();
  EXPECT_EQ(full->size(), max_tokens);
  text += "one-more viewer secret-of-one-more-token\n";
  expect_refused(text, "tokens.txt:" + std::to_string(max_tokens + 1),
                 "more than 1024 tokens");
}

TEST(credentials_test, read_secret_file_strips_the_trailing_newline) {
  test::temp_dir dir;
  write(dir / "unix", s1 + "\n");
  write(dir / "dos", s1 + "\r\n");
  write(dir / "bare", s1);
  for (const char* name : {"unix", "dos", "bare"}) {
    auto r = read_secret_file((dir / name).string());
    ASSERT_TRUE(r.ok()) << name << ": " << r.err().message();
    EXPECT_EQ(*r, s1) << name;
  }
}

TEST(credentials_test, read_secret_file_refuses_a_short_long_or_spaced_secret) {
  test::temp_dir dir;
  auto path = (dir / "secret").string();
  write(path, std::string(min_secret_bytes - 1, 'x') + "\n");
  auto short_one = read_secret_file(path);
  ASSERT_FALSE(short_one.ok());
  EXPECT_TRUE(short_one.err().is(trust_errc::bad_file));
  EXPECT_EQ(short_one.err().message().rfind(path + ": ", 0), 0u)
      << short_one.err().message();
  EXPECT_TRUE(has(short_one.err().message(), "16 to 1024 bytes"))
      << short_one.err().message();

  write(path, std::string(max_secret_bytes + 1, 'x'));
  auto long_one = read_secret_file(path);
  ASSERT_FALSE(long_one.ok());
  EXPECT_TRUE(has(long_one.err().message(), path)) << long_one.err().message();

  write(path, std::string(10 * max_secret_bytes, 'x'));
  auto huge = read_secret_file(path);
  ASSERT_FALSE(huge.ok());
  EXPECT_TRUE(has(huge.err().message(), path)) << huge.err().message();

  write(path, "first-half-0123 second-half-4567\n");
  auto spaced = read_secret_file(path);
  ASSERT_FALSE(spaced.ok());
  EXPECT_TRUE(has(spaced.err().message(), "no spaces")) << spaced.err().message();

  // A second line is not stripped: the secret has a newline inside.
  write(path, s1 + "\n" + s2 + "\n");
  EXPECT_FALSE(read_secret_file(path).ok());
}

TEST(credentials_test, readers_name_an_unreadable_path) {
  test::temp_dir dir;
  auto missing = (dir / "missing").string();
  auto expect_named = [&](const error& err) {
    EXPECT_TRUE(err.is(trust_errc::bad_file));
    EXPECT_TRUE(has(err.message(), missing)) << err.message();
  };
  auto secret = read_secret_file(missing);
  ASSERT_FALSE(secret.ok());
  expect_named(secret.err());
  auto tokens = read_tokens_file(missing);
  ASSERT_FALSE(tokens.ok());
  expect_named(tokens.err());
  EXPECT_FALSE(read_secret_file(dir.path().string()).ok());
}

TEST(credentials_test, check_secret_names_its_source) {
  EXPECT_TRUE(check_secret(s1, "TROUPE_TOKEN").ok());
  EXPECT_TRUE(check_secret(std::string(min_secret_bytes, 'x'), "TROUPE_TOKEN").ok());
  EXPECT_TRUE(check_secret(std::string(max_secret_bytes, 'x'), "TROUPE_TOKEN").ok());
  for (const auto& bad : std::vector<std::string>{
           "", std::string(min_secret_bytes - 1, 'x'),
           std::string(max_secret_bytes + 1, 'x'), "0123456789 abcdef",
           "0123456789\tabcdef", "0123456789abcdef\n"}) {
    auto st = check_secret(bad, "TROUPE_TOKEN");
    ASSERT_FALSE(st.ok()) << "'" << bad << "'";
    EXPECT_TRUE(st.err().is(trust_errc::bad_file));
    EXPECT_EQ(st.err().message().rfind("TROUPE_TOKEN: ", 0), 0u) << st.err().message();
  }
}
