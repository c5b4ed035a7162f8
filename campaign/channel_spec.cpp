#include "campaign/channel_spec.hpp"

#include "providers/mail_message.hpp"

namespace troupe::campaign {

namespace {

using json = nlohmann::json;

error refuse(std::string why) {
  return error{error_domain::actors, 1, "campaign spec: " + std::move(why), false};
}

/// The field as a string ("" when absent or null), or why it is not one.
result<std::string> text(const json& j, const char* name) {
  auto it = j.find(name);
  if (it == j.end() || it->is_null())
    return std::string{};
  if (!it->is_string())
    return refuse(std::string{"field '"} + name + "' must be a string, not " +
                  it->type_name());
  return it->get<std::string>();
}

} // namespace

status parse_channel(const json& j, v1::CampaignSpec& spec) {
  auto channel = text(j, "channel");
  if (!channel)
    return channel.err();
  if (channel->empty())
    *channel = "store";
  if (*channel != "store" && *channel != "webhook" && *channel != "smtp")
    return refuse("channel '" + *channel +
                  "' is not supported (use \"store\", \"webhook\" or \"smtp\")");
  spec.set_channel(*channel);
  auto url = text(j, "webhook_url");
  if (!url)
    return url.err();
  if (*channel == "webhook") {
    if (url->empty())
      return refuse("channel \"webhook\" needs field 'webhook_url'");
    if (url->rfind("http://", 0) != 0 && url->rfind("https://", 0) != 0)
      return refuse("field 'webhook_url' must be an http:// or https:// URL, not '" +
                    *url + "'");
  } else if (!url->empty()) {
    return refuse("field 'webhook_url' is set but channel is '" + *channel +
                  "' (set \"channel\": \"webhook\")");
  }
  spec.set_webhook_url(*url);
  for (const char* name : {"from", "reply_to"}) {
    auto mailbox = text(j, name);
    if (!mailbox)
      return mailbox.err();
    if (*channel != "smtp") {
      if (!mailbox->empty())
        return refuse(std::string{"field '"} + name + "' is set but channel is '" +
                      *channel + "' (set \"channel\": \"smtp\")");
      continue;
    }
    if (mailbox->empty()) {
      if (std::string_view{name} == "from")
        return refuse("channel \"smtp\" needs field 'from' (\"Name <local@domain>\")");
      continue;
    }
    if (auto problem = providers::mail_mailbox_problem(*mailbox))
      return refuse(std::string{"field '"} + name + "': " + *problem);
    if (std::string_view{name} == "from")
      spec.set_mail_from(*mailbox);
    else
      spec.set_reply_to(*mailbox);
  }
  return status::success();
}

} // namespace troupe::campaign
