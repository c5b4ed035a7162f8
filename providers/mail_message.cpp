#include "providers/mail_message.hpp"

#include <algorithm>
#include <cstdio>
#include <ctime>

namespace troupe::providers {

namespace {

constexpr char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

std::string base64(std::string_view in) {
  std::string out;
  out.reserve((in.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    uint32_t v = (uint8_t(in[i]) << 16) | (uint8_t(in[i + 1]) << 8) | uint8_t(in[i + 2]);
    out += b64[v >> 18];
    out += b64[(v >> 12) & 63];
    out += b64[(v >> 6) & 63];
    out += b64[v & 63];
  }
  if (i < in.size()) {
    uint32_t v = uint8_t(in[i]) << 16;
    if (i + 1 < in.size())
      v |= uint8_t(in[i + 1]) << 8;
    out += b64[v >> 18];
    out += b64[(v >> 12) & 63];
    out += i + 1 < in.size() ? b64[(v >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

bool printable_ascii(std::string_view s) {
  for (unsigned char c : s)
    if (c < 0x20 || c > 0x7e)
      return false;
  return true;
}

std::string flatten(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text)
    out += (c == '\r' || c == '\n' || c == '\t') ? ' ' : c;
  return out;
}

/// The atext of RFC 5322 plus '.', for a local part (no quoted strings).
bool local_char(unsigned char c) {
  if (c >= 'a' && c <= 'z')
    return true;
  if (c >= 'A' && c <= 'Z')
    return true;
  if (c >= '0' && c <= '9')
    return true;
  return std::string_view{"!#$%&'*+-/=?^_`{|}~."}.find(static_cast<char>(c)) !=
         std::string_view::npos;
}

bool domain_char(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         c == '-' || c == '.';
}

} // namespace

std::optional<std::string> mail_address_problem(std::string_view a) {
  auto quoted = "'" + std::string{a.substr(0, 80)} + (a.size() > 80 ? "...'" : "'");
  if (a.empty())
    return std::string{"the address is empty"};
  if (a.size() > max_mail_address_bytes)
    return "the address " + quoted + " is over " +
           std::to_string(max_mail_address_bytes) + " bytes";
  auto at = a.rfind('@');
  if (at == std::string_view::npos || at == 0 || at + 1 == a.size())
    return "the address " + quoted + " is not local@domain";
  auto local = a.substr(0, at);
  auto domain = a.substr(at + 1);
  for (unsigned char c : local)
    if (!local_char(c))
      return "the address " + quoted + " has a character an address may not hold";
  if (local.front() == '.' || local.back() == '.' ||
      local.find("..") != std::string_view::npos)
    return "the address " + quoted + " has a misplaced '.'";
  for (unsigned char c : domain)
    if (!domain_char(c))
      return "the domain of " + quoted + " has a character a domain may not hold";
  if (domain.front() == '.' || domain.back() == '.' ||
      domain.find("..") != std::string_view::npos)
    return "the domain of " + quoted + " has a misplaced '.'";
  return std::nullopt;
}

std::optional<std::string> mail_mailbox_problem(std::string_view m) {
  if (m.size() > max_mail_mailbox_bytes)
    return "'" + std::string{m.substr(0, 80)} + "...' is over " +
           std::to_string(max_mail_mailbox_bytes) + " bytes";
  for (unsigned char c : m)
    if (c < 0x20 || c == 0x7f)
      return "'" + std::string{m} + "' holds a control character";
  auto open = m.find('<');
  if (open == std::string_view::npos)
    return mail_address_problem(m);
  if (m.back() != '>' || m.find('<', open + 1) != std::string_view::npos)
    return "'" + std::string{m} + "' is not 'Name <local@domain>'";
  auto name = m.substr(0, open);
  if (name.find_first_of("\"<>\\") != std::string_view::npos)
    return "the name in '" + std::string{m} + "' holds '\"', '<', '>' or '\\'";
  return mail_address_problem(m.substr(open + 1, m.size() - open - 2));
}

std::string address_of(std::string_view mailbox) {
  auto open = mailbox.find('<');
  if (open == std::string_view::npos)
    return std::string{mailbox};
  return std::string{mailbox.substr(open + 1, mailbox.size() - open - 2)};
}

std::string header_text(std::string_view text) {
  auto flat = flatten(text);
  // Plain when it fits a line (RFC 5322 2.1.1: 998 at most, with the
  // header's name); else encoded words, which fold.
  if (printable_ascii(flat) && flat.size() <= max_plain_header_bytes)
    return flat;
  // Encoded words of at most 75 bytes (RFC 2047 2), folded; each holds
  // whole UTF-8 characters (45 bytes of text -> 60 of base64).
  std::string out;
  std::size_t i = 0;
  while (i < flat.size()) {
    auto end = std::min(flat.size(), i + 45);
    while (end < flat.size() && end > i + 1 && (uint8_t(flat[end]) & 0xC0) == 0x80)
      --end;
    if (!out.empty())
      out += "\r\n ";
    out += "=?UTF-8?B?" + base64(std::string_view{flat}.substr(i, end - i)) + "?=";
    i = end;
  }
  return out;
}

std::string rfc5322_date(int64_t ms) {
  std::time_t t = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  static const char* days[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static const char* months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                 "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  char buf[64];
  std::snprintf(buf, sizeof buf, "%s, %02d %s %04d %02d:%02d:%02d +0000",
                days[tm.tm_wday], tm.tm_mday, months[tm.tm_mon], tm.tm_year + 1900,
                tm.tm_hour, tm.tm_min, tm.tm_sec);
  return buf;
}

namespace {

/// RFC 5322's specials: a display name holding one is quoted.
bool has_special(std::string_view name) {
  return name.find_first_of("()<>[]:;@\\,.\"") != std::string_view::npos;
}

/// A mailbox with its display name encoded when it is not plain ASCII,
/// quoted when it holds specials.
std::string mailbox_header(std::string_view mailbox) {
  auto open = mailbox.find('<');
  if (open == std::string_view::npos)
    return std::string{mailbox};
  auto name = mailbox.substr(0, open);
  while (!name.empty() && name.back() == ' ')
    name.remove_suffix(1);
  auto addr = std::string{mailbox.substr(open)};
  if (name.empty())
    return addr;
  auto shown = header_text(name);
  if (shown == name && has_special(name))
    return "\"" + std::string{name} + "\" " + addr; // no '"' or '\\' in it: refused
  if (shown == name)
    return std::string{mailbox};
  return shown + " " + addr;
}

} // namespace

std::string build_mail(const mail_content& m) {
  std::string out;
  auto header = [&out](std::string_view name, std::string_view value) {
    out.append(name).append(": ").append(value).append("\r\n");
  };
  header("From", mailbox_header(m.from));
  header("To", m.to);
  if (!m.reply_to.empty())
    header("Reply-To", mailbox_header(m.reply_to));
  header("Subject", header_text(m.subject));
  header("Date", rfc5322_date(m.date_ms));
  header("Message-ID", "<" + m.message_id + ">");
  if (!m.unsubscribe_url.empty()) {
    header("List-Unsubscribe", "<" + flatten(m.unsubscribe_url) + ">");
    header("List-Unsubscribe-Post", "List-Unsubscribe=One-Click");
  }
  header("MIME-Version", "1.0");
  header("Content-Type", "text/plain; charset=utf-8");
  header("Content-Transfer-Encoding", "base64");
  out += "\r\n";
  auto body = base64(m.body);
  for (std::size_t i = 0; i < body.size(); i += 76)
    out.append(body, i, 76).append("\r\n");
  return out;
}

} // namespace troupe::providers
