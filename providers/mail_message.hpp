#pragma once
/// An email as the SMTP channel sends it (RFC 5322 with MIME, RFC 8058
/// one-click unsubscribe): built from a campaign's message, pure, so what
/// goes on the wire can be tested without a server.
///
///   From, To, Reply-To (when set), Subject (RFC 2047 "B" encoded when not
///   plain ASCII), Date, Message-ID, MIME-Version, Content-Type text/plain
///   UTF-8 with a base64 body (lines of 76), and, with an unsubscribe URL,
///   List-Unsubscribe: <URL> and List-Unsubscribe-Post:
///   List-Unsubscribe=One-Click.
///
/// Header values never carry a CR or LF from the message or the customer
/// (header injection): the generated subject's line breaks become spaces,
/// and addresses are checked by `mail_address_problem` before they get
/// here. RFC 8058 also asks for a DKIM signature covering both List-*
/// headers: that is the relay's (the MTA behind --smtp-url) to add.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace troupe::providers {

/// The longest address accepted (RFC 5321's path limit).
inline constexpr std::size_t max_mail_address_bytes = 254;
/// The longest header text sent as it is; longer is sent as encoded words.
inline constexpr std::size_t max_plain_header_bytes = 900;
/// The longest From or Reply-To (a display name and an address).
inline constexpr std::size_t max_mail_mailbox_bytes = 320;

/// Why `address` (a bare addr-spec: local@domain) is not one the channel
/// sends to, or nullopt when it is.
std::optional<std::string> mail_address_problem(std::string_view address);

/// Why `mailbox` ("Name <local@domain>" or a bare address) is not a From
/// or Reply-To the channel accepts, or nullopt when it is.
std::optional<std::string> mail_mailbox_problem(std::string_view mailbox);

/// The addr-spec of a checked mailbox ("Shop <news@shop.example>" ->
/// "news@shop.example").
std::string address_of(std::string_view mailbox);

struct mail_content {
  std::string from;            ///< a checked mailbox
  std::string reply_to;        ///< "" for none
  std::string to;              ///< a checked address
  std::string subject;         ///< as generated (UTF-8; line breaks allowed)
  std::string body;            ///< as generated (UTF-8)
  std::string message_id;      ///< without brackets: local@domain
  std::string unsubscribe_url; ///< "" for none
  int64_t date_ms = 0;         ///< the Date header
};

/// The message, CRLF line ends, ready for SMTP's DATA.
std::string build_mail(const mail_content& m);

/// An RFC 2047 encoded word for `text` when it is not printable ASCII,
/// else `text` itself (CR, LF and tabs become spaces either way).
std::string header_text(std::string_view text);

/// RFC 5322's date-time for `ms` since the epoch, in UTC
/// ("Tue, 01 Dec 2026 20:31:05 +0000").
std::string rfc5322_date(int64_t ms);

} // namespace troupe::providers
