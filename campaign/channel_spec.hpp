#pragma once
/// Where a campaign's messages go, as its spec says:
///
///   "channel": "store"     (the default) the delivery is the node's record
///   "channel": "webhook"   "webhook_url": an http:// or https:// URL that
///                          each delivery is POSTed to
///   "channel": "smtp"      an email through the node's relay (--smtp-url),
///                          "from": "Name <local@domain>" (required) and
///                          "reply_to" (optional), each at most 320 bytes
///
/// A field of another channel is refused, naming it. Errors name the field
/// and the value.

#include <nlohmann/json.hpp>

#include "common/error.hpp"
#include "troupe.pb.h"

namespace troupe::campaign {

/// Reads `channel` and its fields from the spec object `j` into `spec`.
status parse_channel(const nlohmann::json& j, v1::CampaignSpec& spec);

} // namespace troupe::campaign
