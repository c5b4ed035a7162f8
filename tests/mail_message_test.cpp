// The SMTP channel's message (providers/mail_message): headers, RFC 2047 words, the
// base64 body, address checks and dates; the signed unsubscribe link; the spec's "smtp"
// channel.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

#include "campaign/spec.hpp"
#include "contact_policy/unsubscribe_link.hpp"
#include "providers/mail_message.hpp"

using namespace troupe;
using troupe::contact_policy::query_value;
using troupe::contact_policy::unsubscribe_link;
using troupe::contact_policy::url_encode;
using troupe::providers::address_of;
using troupe::providers::build_mail;
using troupe::providers::header_text;
using troupe::providers::mail_address_problem;
using troupe::providers::max_plain_header_bytes;
using troupe::providers::mail_content;
using troupe::providers::mail_mailbox_problem;
using troupe::providers::rfc5322_date;

namespace {

constexpr std::string_view b64_alphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// Standard base64 (with '=' padding) decoded, nullopt when it is not that.
std::optional<std::string> base64_decode(std::string_view in) {
  if (in.size() % 4 != 0)
    return std::nullopt;
  std::string out;
  for (std::size_t i = 0; i < in.size(); i += 4) {
    uint32_t v = 0;
    int pad = 0;
    for (std::size_t k = 0; k < 4; ++k) {
      char c = in[i + k];
      if (c == '=') {
        if (i + 4 != in.size() || k < 2)
          return std::nullopt;
        ++pad;
        v <<= 6;
        continue;
      }
      auto at = b64_alphabet.find(c);
      if (pad > 0 || at == std::string_view::npos)
        return std::nullopt;
      v = (v << 6) | static_cast<uint32_t>(at);
    }
    out += static_cast<char>(v >> 16);
    if (pad < 2)
      out += static_cast<char>((v >> 8) & 255);
    if (pad < 1)
      out += static_cast<char>(v & 255);
  }
  return out;
}

/// True when `s` is whole UTF-8 characters (no character cut at either end).
bool whole_utf8(std::string_view s) {
  for (std::size_t i = 0; i < s.size();) {
    auto c = static_cast<unsigned char>(s[i]);
    std::size_t n = c < 0x80           ? 1
                    : (c >> 5) == 0x6  ? 2
                    : (c >> 4) == 0xE  ? 3
                    : (c >> 3) == 0x1E ? 4
                                       : 0;
    if (n == 0 || i + n > s.size())
      return false;
    for (std::size_t k = 1; k < n; ++k)
      if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80)
        return false;
    i += n;
  }
  return true;
}

/// `s` with every run of spaces made one space.
std::string squeeze_spaces(std::string_view s) {
  std::string out;
  for (char c : s)
    if (c != ' ' || out.empty() || out.back() != ' ')
      out += c;
  return out;
}

bool starts_with_ci(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size())
    return false;
  for (std::size_t i = 0; i < prefix.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(s[i])) !=
        std::tolower(static_cast<unsigned char>(prefix[i])))
      return false;
  return true;
}

/// A message as build_mail wrote it, taken apart.
struct parsed_mail {
  std::vector<std::string> lines; ///< every line, without its CRLF
  std::vector<std::pair<std::string, std::string>>
      headers;                   ///< name, value (folds kept as CRLF)
  std::vector<std::string> body; ///< the lines after the empty one
  bool blank_line = false;       ///< the header block ended with an empty line
};

/// Takes `text` apart; fails the test on a line end other than CRLF, a header line
/// without "Name: " or a continuation line with no header before it.
parsed_mail parse_mail(const std::string& text) {
  parsed_mail m;
  EXPECT_GE(text.size(), 2u);
  EXPECT_EQ(text.substr(text.size() < 2 ? 0 : text.size() - 2), "\r\n")
      << "the message does not end with CRLF";
  std::size_t start = 0;
  while (start < text.size()) {
    auto end = text.find("\r\n", start);
    if (end == std::string::npos)
      end = text.size();
    auto line = text.substr(start, end - start);
    EXPECT_EQ(line.find_first_of("\r\n"), std::string::npos)
        << "bare CR or LF in: " << line;
    m.lines.push_back(line);
    start = end + 2;
  }
  for (const auto& line : m.lines) {
    if (m.blank_line) {
      m.body.push_back(line);
    } else if (line.empty()) {
      m.blank_line = true;
    } else if (line[0] == ' ' || line[0] == '\t') {
      if (m.headers.empty())
        ADD_FAILURE() << "a continuation line before any header: " << line;
      else
        m.headers.back().second += "\r\n" + line;
    } else {
      auto colon = line.find(": ");
      if (colon == std::string::npos || colon == 0) {
        ADD_FAILURE() << "not a header line: " << line;
        continue;
      }
      m.headers.emplace_back(line.substr(0, colon), line.substr(colon + 2));
    }
  }
  EXPECT_TRUE(m.blank_line) << "no empty line after the headers";
  return m;
}

/// The values of header `name` (case-insensitive), in order.
std::vector<std::string> values(const parsed_mail& m, std::string_view name) {
  std::vector<std::string> out;
  for (const auto& [n, v] : m.headers)
    if (n.size() == name.size() && starts_with_ci(n, name))
      out.push_back(v);
  return out;
}

/// The one value of header `name`; fails the test unless there is exactly one.
std::string value(const parsed_mail& m, std::string_view name) {
  auto all = values(m, name);
  EXPECT_EQ(all.size(), 1u) << "header " << name;
  return all.empty() ? std::string{} : all.front();
}

/// The text of a header value made of "=?UTF-8?B?...?=" words folded with CRLF SP;
/// fails the test on a word that is not one, over 75 chars, or cutting a character.
std::string decode_words(const std::string& folded) {
  constexpr std::string_view open = "=?UTF-8?B?";
  constexpr std::string_view close = "?=";
  std::string text;
  std::size_t start = 0;
  while (true) {
    auto end = folded.find("\r\n ", start);
    auto word = std::string_view{folded}.substr(
        start, end == std::string::npos ? std::string::npos : end - start);
    EXPECT_LE(word.size(), 75u) << word;
    bool framed = word.size() >= open.size() + close.size() &&
                  word.substr(0, open.size()) == open &&
                  word.substr(word.size() - close.size()) == close;
    EXPECT_TRUE(framed) << "not an encoded word: " << word;
    if (framed) {
      auto payload = base64_decode(
          word.substr(open.size(), word.size() - open.size() - close.size()));
      EXPECT_TRUE(payload.has_value()) << "bad base64 in " << word;
      if (payload) {
        EXPECT_TRUE(whole_utf8(*payload)) << "a word cuts a UTF-8 character: " << word;
        text += *payload;
      }
    }
    if (end == std::string::npos)
      break;
    start = end + 3;
  }
  return text;
}

/// A body of several base64 lines: multi-byte text, a line starting with '.', bare LF
/// and CRLF line ends.
std::string sample_body() {
  std::string body = "Hi Zoë,\n.a line that starts with a dot\n..and one with two\r\n"
                     "Élan, meet Shoes ✓ — 日本語のテキスト 🎉\n";
  for (int i = 0; i < 6; ++i)
    body += "Line " + std::to_string(i) + ": trail shoes, light and waterproof. ✓\n";
  body += ".\n";
  return body;
}

mail_content sample() {
  mail_content m;
  m.from = "Shop <news@shop.example>";
  m.to = "zoe@customer.example";
  m.subject = "Spring sale";
  m.body = sample_body();
  m.message_id = "spring.c1@shop.example";
  m.date_ms = 1796032800000; // 2026-11-30T10:00:00Z, a Monday
  return m;
}

const std::string test_key = "0123456789abcdef0123456789abcdef";

} // namespace

// ---- build_mail ----

TEST(mail_message_test, a_plain_mail_has_exactly_the_required_headers) {
  auto mail = parse_mail(build_mail(sample()));
  std::multiset<std::string> names;
  for (const auto& [n, v] : mail.headers)
    names.insert(n);
  EXPECT_EQ(names, (std::multiset<std::string>{
                       "From", "To", "Subject", "Date", "Message-ID", "MIME-Version",
                       "Content-Type", "Content-Transfer-Encoding"}));
  EXPECT_EQ(value(mail, "From"), "Shop <news@shop.example>");
  EXPECT_EQ(value(mail, "To"), "zoe@customer.example");
  EXPECT_EQ(value(mail, "Subject"), "Spring sale");
  EXPECT_EQ(value(mail, "Date"), "Mon, 30 Nov 2026 10:00:00 +0000");
  EXPECT_EQ(value(mail, "Message-ID"), "<spring.c1@shop.example>");
  EXPECT_EQ(value(mail, "MIME-Version"), "1.0");
  EXPECT_EQ(value(mail, "Content-Type"), "text/plain; charset=utf-8");
  EXPECT_EQ(value(mail, "Content-Transfer-Encoding"), "base64");
  EXPECT_TRUE(values(mail, "Reply-To").empty());
  EXPECT_TRUE(values(mail, "List-Unsubscribe").empty());
  EXPECT_TRUE(values(mail, "List-Unsubscribe-Post").empty());
}

TEST(mail_message_test, reply_to_and_one_click_unsubscribe_only_when_set) {
  unsubscribe_link link{test_key, "https://mail.shop.example"};
  auto m = sample();
  m.reply_to = "Help <help@shop.example>";
  m.unsubscribe_url = link.url("c1", "spring");
  auto mail = parse_mail(build_mail(m));
  EXPECT_EQ(value(mail, "Reply-To"), "Help <help@shop.example>");
  EXPECT_EQ(value(mail, "List-Unsubscribe"), "<" + m.unsubscribe_url + ">");
  EXPECT_EQ(value(mail, "List-Unsubscribe-Post"), "List-Unsubscribe=One-Click");
  EXPECT_EQ(value(mail, "From"), "Shop <news@shop.example>");

  // Each alone.
  auto only_reply = sample();
  only_reply.reply_to = "help@shop.example";
  auto a = parse_mail(build_mail(only_reply));
  EXPECT_EQ(value(a, "Reply-To"), "help@shop.example");
  EXPECT_TRUE(values(a, "List-Unsubscribe").empty());
  EXPECT_TRUE(values(a, "List-Unsubscribe-Post").empty());
  auto only_link = sample();
  only_link.unsubscribe_url = m.unsubscribe_url;
  auto b = parse_mail(build_mail(only_link));
  EXPECT_TRUE(values(b, "Reply-To").empty());
  EXPECT_EQ(value(b, "List-Unsubscribe"), "<" + m.unsubscribe_url + ">");
  EXPECT_EQ(value(b, "List-Unsubscribe-Post"), "List-Unsubscribe=One-Click");
}

TEST(mail_message_test, lines_end_in_crlf_and_the_body_is_base64_lines_of_at_most_76) {
  auto m = sample();
  auto text = build_mail(m);
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\n') {
      ASSERT_TRUE(i > 0 && text[i - 1] == '\r') << "bare LF at byte " << i;
    }
    if (text[i] == '\r') {
      ASSERT_TRUE(i + 1 < text.size() && text[i + 1] == '\n') << "bare CR at byte " << i;
    }
  }
  auto mail = parse_mail(text);
  for (const auto& line : mail.lines)
    EXPECT_LE(line.size(), 998u) << line; // RFC 5322 2.1.1
  ASSERT_GE(mail.body.size(), 5u) << "the sample body is several base64 lines";
  std::string joined;
  for (const auto& line : mail.body) {
    EXPECT_FALSE(line.empty()) << "an empty line in the body";
    EXPECT_LE(line.size(), 76u) << line;
    EXPECT_EQ(line.find_first_not_of(std::string{b64_alphabet} + "="), std::string::npos)
        << line;
    joined += line;
  }
  auto decoded = base64_decode(joined);
  ASSERT_TRUE(decoded.has_value()) << joined;
  EXPECT_EQ(*decoded, m.body);
}

TEST(mail_message_test, bodies_of_every_length_decode_to_themselves) {
  // Every padding case, and a multi-byte character cut anywhere (the body is bytes).
  const std::string text = "ab✓日本🎉cdéf";
  for (std::size_t n = 0; n <= text.size(); ++n) {
    auto m = sample();
    m.body = text.substr(0, n);
    auto mail = parse_mail(build_mail(m));
    std::string joined;
    for (const auto& line : mail.body)
      joined += line;
    auto decoded = base64_decode(joined);
    ASSERT_TRUE(decoded.has_value()) << "length " << n << ": " << joined;
    EXPECT_EQ(*decoded, m.body) << "length " << n;
  }
}

TEST(mail_message_test, a_subject_cannot_add_a_header) {
  for (std::string subject :
       {"Hello\r\nBcc: x@evil", "Hello\nBcc: x@evil", "Hello\rBcc: x@evil",
        "Hello\r\n\r\nBcc: x@evil", "Élan\r\nBcc: x@evil"}) {
    auto m = sample();
    m.subject = subject;
    auto mail = parse_mail(build_mail(m));
    for (const auto& line : mail.lines)
      EXPECT_FALSE(starts_with_ci(line, "Bcc:")) << "subject " << subject;
    EXPECT_TRUE(values(mail, "Bcc").empty());
    // The injected text stays inside the one Subject, its line breaks made spaces.
    auto shown = value(mail, "Subject");
    auto text = shown.rfind("=?", 0) == 0 ? decode_words(shown) : shown;
    EXPECT_EQ(text.find_first_of("\r\n"), std::string::npos);
    auto first = subject.substr(0, subject.find_first_of("\r\n"));
    EXPECT_EQ(squeeze_spaces(text), first + " Bcc: x@evil") << "subject " << subject;
  }
  // Nor can the unsubscribe URL.
  auto m = sample();
  m.unsubscribe_url = "https://mail.shop.example/x\r\nBcc: x@evil";
  auto mail = parse_mail(build_mail(m));
  for (const auto& line : mail.lines)
    EXPECT_FALSE(starts_with_ci(line, "Bcc:")) << line;
  EXPECT_EQ(values(mail, "List-Unsubscribe").size(), 1u);
}

TEST(mail_message_test, header_text_leaves_plain_ascii_and_makes_breaks_spaces) {
  EXPECT_EQ(header_text("Spring sale: 20% off!"), "Spring sale: 20% off!");
  EXPECT_EQ(header_text(""), "");
  EXPECT_EQ(header_text("a\tb\r\nc\nd"), "a b  c d");
}

TEST(mail_message_test, a_non_ascii_subject_is_encoded_words_that_decode_to_it) {
  const std::string short_subject = "Élan, meet Shoes ✓";
  auto word = header_text(short_subject);
  EXPECT_EQ(word.rfind("=?UTF-8?B?", 0), 0u) << word;
  EXPECT_EQ(decode_words(word), short_subject);

  auto m = sample();
  m.subject = short_subject;
  auto mail = parse_mail(build_mail(m));
  EXPECT_EQ(decode_words(value(mail, "Subject")), short_subject);

  // Long ones: several words, folded, none cutting a character (a 3-byte and a 4-byte
  // character across the 45th byte, and text of multi-byte characters only).
  std::string repeated;
  for (int i = 0; i < 6; ++i)
    repeated += "Élan, meet Shoes ✓ ";
  for (const std::string& subject :
       {repeated, std::string(44, 'a') + "✓" + std::string(60, 'b'),
        std::string(43, 'a') + "🎉🎉" + std::string(50, 'c'), [] {
          std::string s;
          for (int i = 0; i < 40; ++i)
            s += "日本";
          return s;
        }()}) {
    auto folded = header_text(subject);
    EXPECT_NE(folded.find("\r\n "), std::string::npos) << "not folded: " << subject;
    EXPECT_EQ(decode_words(folded), subject);
    auto m2 = sample();
    m2.subject = subject;
    auto mail2 = parse_mail(build_mail(m2));
    auto shown = value(mail2, "Subject");
    EXPECT_EQ(shown, folded);
    EXPECT_EQ(decode_words(shown), subject);
  }
}

TEST(mail_message_test, a_non_ascii_display_name_is_encoded_and_the_address_kept) {
  auto m = sample();
  m.from = "Zoë's Shop <news@shop.example>";
  m.reply_to = "Équipe ✓ <help@shop.example>";
  auto mail = parse_mail(build_mail(m));
  for (const auto& [field, name, address] :
       {std::tuple{"From", "Zoë's Shop", "<news@shop.example>"},
        std::tuple{"Reply-To", "Équipe ✓", "<help@shop.example>"}}) {
    auto shown = value(mail, field);
    auto space = shown.rfind(' ');
    ASSERT_NE(space, std::string::npos) << shown;
    EXPECT_EQ(shown.substr(space + 1), address) << field;
    EXPECT_EQ(decode_words(shown.substr(0, space)), name) << field;
  }
  // A bare address stays as it is.
  auto bare = sample();
  bare.from = "news@shop.example";
  EXPECT_EQ(value(parse_mail(build_mail(bare)), "From"), "news@shop.example");
}

TEST(mail_message_test, an_ascii_display_name_with_specials_is_quoted) {
  auto m = sample();
  m.from = "Shop, Inc. <news@shop.example>";
  m.reply_to = "Sale: now <help@shop.example>";
  auto mail = parse_mail(build_mail(m));
  EXPECT_EQ(value(mail, "From"), "\"Shop, Inc.\" <news@shop.example>");
  EXPECT_EQ(value(mail, "Reply-To"), "\"Sale: now\" <help@shop.example>");
  EXPECT_TRUE(mail_mailbox_problem("Shop \\ Co <news@shop.example>").has_value());
}

TEST(mail_message_test, a_long_ascii_subject_is_folded_as_encoded_words) {
  std::string subject(max_plain_header_bytes + 1, 'x');
  auto m = sample();
  m.subject = subject;
  auto text = build_mail(m);
  for (std::size_t at = 0, next; at < text.size(); at = next + 2) {
    next = text.find("\r\n", at);
    ASSERT_NE(next, std::string::npos);
    EXPECT_LE(next - at, 998u);
  }
  EXPECT_EQ(decode_words(value(parse_mail(text), "Subject")), subject);
  EXPECT_EQ(header_text(std::string(max_plain_header_bytes, 'x')),
            std::string(max_plain_header_bytes, 'x'));
}

// ---- addresses ----

TEST(mail_message_test, mail_address_problem_accepts_addresses) {
  for (std::string_view ok : {"a.b+tag@shop.example", "zoe@customer.example",
                              "O'Brien_1-x@mail.shop-example.co.uk", "a@b.c"}) {
    auto why = mail_address_problem(ok);
    EXPECT_FALSE(why.has_value()) << ok << ": " << why.value_or("");
  }
  // Exactly 254 bytes, labels of at most 63.
  std::string domain = std::string(60, 'x') + "." + std::string(60, 'y') + "." +
                       std::string(60, 'z') + ".ab.com";
  auto longest = std::string(64, 'a') + "@" + domain;
  ASSERT_EQ(longest.size(), 254u);
  EXPECT_FALSE(mail_address_problem(longest).has_value());
  auto over = std::string(64, 'a') + "@x" + domain;
  ASSERT_EQ(over.size(), 255u);
  auto why = mail_address_problem(over);
  ASSERT_TRUE(why.has_value());
  EXPECT_NE(why->find("254"), std::string::npos) << *why;
}

TEST(mail_message_test, mail_address_problem_refuses_what_is_not_an_address) {
  for (std::string_view bad :
       {"", "no-at", "@x.com", "a@", "a..b@x.com", ".a@x.com", "a.@x.com", "a b@x.com",
        "a@x..com", "a@.x.com", "a@x.com.", "a@x.com\r\n", "a@x.com\n", "a\r\n@x.com",
        "a@b@x.com", "a@x com", "a<b@x.com", "a@x.com>", "a@x_y.com"})
    EXPECT_TRUE(mail_address_problem(bad).has_value()) << "'" << bad << "'";
  EXPECT_TRUE(mail_address_problem(std::string_view{"a\0b@x.com", 9}).has_value());
  auto why = mail_address_problem("no-at");
  ASSERT_TRUE(why.has_value());
  EXPECT_NE(why->find("no-at"), std::string::npos) << *why;
}

TEST(mail_message_test, mail_mailbox_problem_takes_name_and_address_or_an_address) {
  for (std::string_view ok :
       {"Shop <news@shop.example>", "news@shop.example", "<news@shop.example>",
        "Zoë's Shop ✓ <news@shop.example>"}) {
    auto why = mail_mailbox_problem(ok);
    EXPECT_FALSE(why.has_value()) << ok << ": " << why.value_or("");
  }
  for (std::string_view bad :
       {"", "Shop <news@shop.example", "Shop news@shop.example>",
        "Sh\"op <news@shop.example>", "Sh<op <news@shop.example>",
        "Sh>op <news@shop.example>", "Shop <news@shop.example> ",
        "Shop <news@@shop.example>", "Shop <>", "Shop\r\nBcc: x@evil <news@shop.example>",
        "Shop <news@shop.example>\r\nBcc: x@evil", "Shop\n<news@shop.example>",
        "Shop\t<news@shop.example>", "Shop <news@shop.example\r\n>",
        "Shop <news@shop.example><x@evil>"})
    EXPECT_TRUE(mail_mailbox_problem(bad).has_value()) << "'" << bad << "'";
  const std::string tail = " <n@s.example>";
  auto longest = std::string(320 - tail.size(), 'a') + tail;
  EXPECT_FALSE(mail_mailbox_problem(longest).has_value());
  EXPECT_TRUE(mail_mailbox_problem("a" + longest).has_value());
}

TEST(mail_message_test, address_of_takes_the_addr_spec) {
  EXPECT_EQ(address_of("Shop <n@s.example>"), "n@s.example");
  EXPECT_EQ(address_of("Zoë's Shop <n@s.example>"), "n@s.example");
  EXPECT_EQ(address_of("<n@s.example>"), "n@s.example");
  EXPECT_EQ(address_of("n@s.example"), "n@s.example");
}

// ---- dates ----

TEST(mail_message_test, rfc5322_date_of_known_instants) {
  EXPECT_EQ(rfc5322_date(0), "Thu, 01 Jan 1970 00:00:00 +0000");
  EXPECT_EQ(rfc5322_date(1796032800000), "Mon, 30 Nov 2026 10:00:00 +0000");
  EXPECT_EQ(rfc5322_date(1796032800999), "Mon, 30 Nov 2026 10:00:00 +0000"); // ms dropped
  EXPECT_EQ(rfc5322_date(1796157065000), "Tue, 01 Dec 2026 20:31:05 +0000");
  EXPECT_EQ(rfc5322_date(951786061000), "Tue, 29 Feb 2000 01:01:01 +0000"); // leap day
  EXPECT_EQ(rfc5322_date(4102444799000), "Thu, 31 Dec 2099 23:59:59 +0000");
}

// ---- the unsubscribe link ----

TEST(unsubscribe_link_test, a_signature_verifies_only_its_own_pair_and_key) {
  unsubscribe_link link{test_key, "https://mail.shop.example"};
  auto sig = link.signature("c1", "spring");
  ASSERT_EQ(sig.size(), 32u);
  EXPECT_EQ(sig.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                                  "0123456789-_"),
            std::string::npos)
      << sig;
  // base64url of HMAC-SHA256(key, "troupe-unsubscribe-v1" NUL "c1" NUL "spring"), cut
  // to 32.
  EXPECT_EQ(sig, "XexXQUU_qSdaLrNevxcDtv4UGNz9Vb4F");
  EXPECT_EQ(link.signature("c1", "spring"), sig);
  EXPECT_TRUE(link.verify("c1", "spring", sig));

  // Another member with the same key (and another public URL) verifies it.
  EXPECT_TRUE(
      unsubscribe_link(test_key, "https://other.example").verify("c1", "spring", sig));

  EXPECT_FALSE(link.verify("c2", "spring", sig));
  EXPECT_FALSE(link.verify("c1", "summer", sig));
  EXPECT_FALSE(link.verify("spring", "c1", sig));
  EXPECT_FALSE(link.verify("c1s", "pring", sig));
  EXPECT_FALSE(link.verify("", "spring", sig));
  EXPECT_NE(link.signature("c1", "spring"), link.signature("c2", "spring"));
  EXPECT_NE(link.signature("a", "bc"), link.signature("ab", "c"));

  for (std::size_t i = 0; i < sig.size(); ++i) {
    auto changed = sig;
    changed[i] = changed[i] == 'A' ? 'B' : 'A';
    EXPECT_FALSE(link.verify("c1", "spring", changed)) << "changed at " << i;
  }
  EXPECT_FALSE(link.verify("c1", "spring", sig.substr(0, 31)));
  EXPECT_FALSE(link.verify("c1", "spring", sig.substr(0, 16)));
  EXPECT_FALSE(link.verify("c1", "spring", ""));
  EXPECT_FALSE(link.verify("c1", "spring", sig + "A"));

  auto other_key = test_key;
  other_key[0] = 'x';
  unsubscribe_link other{other_key, "https://mail.shop.example"};
  auto forged = other.signature("c1", "spring");
  EXPECT_NE(forged, sig);
  EXPECT_FALSE(link.verify("c1", "spring", forged));
  EXPECT_FALSE(other.verify("c1", "spring", sig));
}

TEST(unsubscribe_link_test, ids_over_the_limit_are_refused) {
  unsubscribe_link link{test_key, "https://mail.shop.example"};
  const std::string at_limit(contact_policy::max_unsubscribe_id_bytes, 'c');
  const std::string over(contact_policy::max_unsubscribe_id_bytes + 1, 'c');
  EXPECT_TRUE(link.verify(at_limit, "spring", link.signature(at_limit, "spring")));
  EXPECT_TRUE(link.verify("c1", at_limit, link.signature("c1", at_limit)));
  EXPECT_FALSE(link.verify(over, "spring", link.signature(over, "spring")));
  EXPECT_FALSE(link.verify("c1", over, link.signature("c1", over)));
}

TEST(unsubscribe_link_test, the_url_carries_the_ids_and_signature_exactly) {
  unsubscribe_link link{test_key, "https://mail.shop.example/"};
  EXPECT_EQ(link.url("c1", "spring"),
            "https://mail.shop.example/v1/unsubscribe?customer=c1&campaign=spring&sig=" +
                link.signature("c1", "spring"));
  EXPECT_EQ(unsubscribe_link(test_key, "https://mail.shop.example").url("c1", "spring"),
            link.url("c1", "spring"));

  const std::string customer = "Zoë & co=1+2 %41/?#日本";
  const std::string campaign = "spring sale&sig=AAAA";
  auto url = link.url(customer, campaign);
  const std::string prefix = "https://mail.shop.example/v1/unsubscribe?";
  ASSERT_EQ(url.rfind(prefix, 0), 0u) << url;
  auto query = url.substr(prefix.size());
  for (unsigned char c : query) {
    EXPECT_TRUE(c > 0x20 && c < 0x7f) << "raw byte " << int(c) << " in " << query;
    EXPECT_NE(c, '#') << query;
    EXPECT_NE(c, '+') << query;
  }
  EXPECT_EQ(std::count(query.begin(), query.end(), '&'), 2) << query;
  EXPECT_EQ(std::count(query.begin(), query.end(), '='), 3) << query;
  EXPECT_EQ(query_value(query, "customer"), customer);
  EXPECT_EQ(query_value(query, "campaign"), campaign);
  auto sig = query_value(query, "sig");
  ASSERT_TRUE(sig.has_value());
  EXPECT_EQ(*sig, link.signature(customer, campaign));
  EXPECT_TRUE(link.verify(*query_value(query, "customer"),
                          *query_value(query, "campaign"), *sig));
}

TEST(unsubscribe_link_test, url_encode_keeps_only_unreserved_characters) {
  EXPECT_EQ(url_encode("AZaz09-._~"), "AZaz09-._~");
  EXPECT_EQ(url_encode("a b&c=d+e%f/?#"), "a%20b%26c%3Dd%2Be%25f%2F%3F%23");
  EXPECT_EQ(url_encode("é"), "%C3%A9");
  EXPECT_EQ(url_encode(std::string_view{"\0\r\n", 3}), "%00%0D%0A");
  EXPECT_EQ(url_encode(""), "");
}

TEST(unsubscribe_link_test, query_value_decodes_or_says_malformed) {
  EXPECT_EQ(query_value("a=1&b=2", "a"), "1");
  EXPECT_EQ(query_value("a=1&b=2", "b"), "2");
  EXPECT_EQ(query_value("a=1&b=2", "c"), "");
  EXPECT_EQ(query_value("", "a"), "");
  EXPECT_EQ(query_value("ab=1&a=2", "a"), "2");
  EXPECT_EQ(query_value("ba=1", "a"), "");
  EXPECT_EQ(query_value("a=", "a"), "");
  EXPECT_EQ(query_value("a=x+y", "a"), "x y");
  EXPECT_EQ(query_value("a=%41%62", "a"), "Ab");
  EXPECT_EQ(query_value("a=%c3%A9", "a"), "é");
  EXPECT_EQ(query_value("a=%2B%26%3D", "a"), "+&=");
  EXPECT_EQ(query_value("b=2&a=%41", "a"), "A"); // %XX at the very end
  EXPECT_EQ(query_value("a=%zz", "a"), std::nullopt);
  EXPECT_EQ(query_value("a=%4g", "a"), std::nullopt);
  EXPECT_EQ(query_value("a=%4", "a"), std::nullopt);
  EXPECT_EQ(query_value("a=%4&b=1", "a"), std::nullopt);
  EXPECT_EQ(query_value("a=x%", "a"), std::nullopt);
}

// ---- the "smtp" channel of a campaign spec ----

namespace {

/// A minimal campaign with `fields` (JSON members, "" for none) added.
std::string spec_with(const std::string& fields) {
  return R"({"id":"spring","brief":{"product":"Shoes"},"segment":"marketing_opt_in",)"
         R"("arms":[{"name":"control","weight":1}])" +
         (fields.empty() ? std::string{} : "," + fields) + "}";
}

/// The error of parsing `text`; fails the test when it parses.
std::string refusal(const std::string& text) {
  auto spec = campaign::parse_campaign_spec(text);
  EXPECT_FALSE(spec.ok()) << text;
  return spec.ok() ? std::string{} : spec.err().message();
}

} // namespace

TEST(smtp_channel_spec_test, an_smtp_campaign_keeps_from_and_reply_to) {
  auto minimal = campaign::parse_campaign_spec(spec_with(""));
  ASSERT_TRUE(minimal.ok()) << minimal.err().message();
  EXPECT_EQ(minimal->channel(), "store");
  EXPECT_EQ(minimal->mail_from(), "");

  auto spec = campaign::parse_campaign_spec(
      spec_with(R"("channel":"smtp","from":"Zoë's Shop <news@shop.example>",)"
                R"("reply_to":"Help <help@shop.example>")"));
  ASSERT_TRUE(spec.ok()) << spec.err().message();
  EXPECT_EQ(spec->channel(), "smtp");
  EXPECT_EQ(spec->mail_from(), "Zoë's Shop <news@shop.example>");
  EXPECT_EQ(spec->reply_to(), "Help <help@shop.example>");
  EXPECT_EQ(spec->webhook_url(), "");

  auto bare = campaign::parse_campaign_spec(
      spec_with(R"("channel":"smtp","from":"news@shop.example")"));
  ASSERT_TRUE(bare.ok()) << bare.err().message();
  EXPECT_EQ(bare->mail_from(), "news@shop.example");
  EXPECT_EQ(bare->reply_to(), "");
}

TEST(smtp_channel_spec_test, refusals_name_the_field) {
  struct bad {
    std::string fields;
    std::string prefix;    ///< the message starts with it
    std::string also = ""; ///< and holds it
  };
  const std::string over(321 - std::string{" <n@s.example>"}.size(), 'a');
  const bad cases[] = {
      {R"("channel":"smtp")", "campaign spec: channel \"smtp\" needs field 'from'"},
      {R"("channel":"smtp","from":"")",
       "campaign spec: channel \"smtp\" needs field 'from'"},
      {R"("channel":"smtp","reply_to":"help@shop.example")",
       "campaign spec: channel \"smtp\" needs field 'from'"},
      {R"("channel":"smtp","from":"Shop\r\nBcc: x@evil <news@shop.example>")",
       "campaign spec: field 'from': "},
      {R"("channel":"smtp","from":"Shop <news@shop.example>\r\nBcc: x@evil")",
       "campaign spec: field 'from': "},
      {R"("channel":"smtp","from":"not an address")", "campaign spec: field 'from': "},
      {R"("channel":"smtp","from":"Shop <news@shop.example")",
       "campaign spec: field 'from': "},
      {R"("channel":"smtp","from":")" + over + R"( <n@s.example>")",
       "campaign spec: field 'from': "},
      {R"("channel":"smtp","from":5)", "campaign spec: field 'from' must be a string"},
      {R"("channel":"smtp","from":"news@shop.example","reply_to":"Help\n<help@shop.example>")",
       "campaign spec: field 'reply_to': "},
      {R"("channel":"smtp","from":"news@shop.example","reply_to":"help@")",
       "campaign spec: field 'reply_to': "},
      {R"("channel":"smtp","from":"news@shop.example","webhook_url":"http://x")",
       "campaign spec: field 'webhook_url' is set but channel is 'smtp'"},
      {R"("from":"news@shop.example")",
       "campaign spec: field 'from' is set but channel is 'store'", "\"smtp\""},
      {R"("channel":"store","reply_to":"help@shop.example")",
       "campaign spec: field 'reply_to' is set but channel is 'store'", "\"smtp\""},
      {R"("channel":"webhook","webhook_url":"http://127.0.0.1:9/in","from":"news@shop.example")",
       "campaign spec: field 'from' is set but channel is 'webhook'", "\"smtp\""},
      {R"("channel":"pigeon")", "campaign spec: channel 'pigeon' is not supported",
       "\"smtp\""},
  };
  for (const auto& c : cases) {
    auto message = refusal(spec_with(c.fields));
    EXPECT_EQ(message.rfind(c.prefix, 0), 0u)
        << "fields:   " << c.fields << "\ngot:      " << message
        << "\nexpected: " << c.prefix;
    if (!c.also.empty()) {
      EXPECT_NE(message.find(c.also), std::string::npos)
          << "got: " << message << "\nwithout: " << c.also;
    }
  }
}
