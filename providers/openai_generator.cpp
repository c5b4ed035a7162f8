#include "providers/openai_generator.hpp"

#include <nlohmann/json.hpp>

#include "providers/blocking_pool.hpp"
#include "providers/http_client.hpp"

namespace troupe::providers {

namespace {

using json = nlohmann::json;

error refused(std::string why) {
  return error{error_domain::actors, static_cast<int>(actors::actors_errc::provider_failed),
               std::move(why), true};
}

std::string trim(const std::string& s) {
  auto b = s.find_first_not_of(" \t\r\n");
  if (b == std::string::npos)
    return {};
  auto e = s.find_last_not_of(" \t\r\n");
  return s.substr(b, e - b + 1);
}

bool starts_with_nocase(const std::string& s, const std::string& prefix) {
  if (s.size() < prefix.size())
    return false;
  for (std::size_t i = 0; i < prefix.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(s[i]))
        != std::tolower(static_cast<unsigned char>(prefix[i])))
      return false;
  return true;
}

} // namespace

std::string chat_request_body(const openai_options& opts, const generation_request& req) {
  std::string features;
  for (const auto& f : req.features)
    features += (features.empty() ? "" : ", ") + f;
  std::string cites;
  for (const auto& d : req.citations)
    cites += (cites.empty() ? "[" : " [") + d + "]";
  std::string system =
    "You write short, personal marketing emails. Answer with one line 'Subject: ...', "
    "a blank line, then a body of at most 120 words. Cite every source you are given, "
    "exactly as written in square brackets. Do not invent facts.";
  std::string user = "Customer first name: " + req.first_name + "\nProduct: " + req.product
                     + "\nFeatures: " + features + "\nTone: " + req.tone
                     + "\nSources to cite: " + (cites.empty() ? "none" : cites);
  json body{{"model", opts.model},
            {"messages",
             json::array({json{{"role", "system"}, {"content", system}},
                          json{{"role", "user"}, {"content", user}}})},
            {"temperature", opts.temperature},
            {"max_tokens", opts.max_tokens}};
  return body.dump();
}

result<generated_message> parse_chat_answer(const std::string& body,
                                            const generation_request& req,
                                            const std::string& model) {
  json j = json::parse(body, nullptr, false);
  if (j.is_discarded())
    return refused("the answer is not JSON: " + body.substr(0, 80));
  if (!j.is_object() || !j.contains("choices") || !j["choices"].is_array()
      || j["choices"].empty())
    return refused("the answer has no 'choices': " + body.substr(0, 80));
  const auto& choice = j["choices"][0];
  if (!choice.is_object() || !choice.contains("message") || !choice["message"].is_object()
      || !choice["message"].contains("content") || !choice["message"]["content"].is_string())
    return refused("the answer has no choices[0].message.content string");
  auto content = trim(choice["message"]["content"].get<std::string>());
  if (content.empty())
    return refused("the model answered with an empty message");
  generated_message out;
  out.generator = "openai:" + model;
  auto eol = content.find('\n');
  auto first = trim(content.substr(0, eol));
  if (starts_with_nocase(first, "subject:")) {
    out.subject = trim(first.substr(8));
    out.body = eol == std::string::npos ? std::string{} : trim(content.substr(eol + 1));
  } else {
    out.subject = (req.first_name.empty() ? std::string{"For you"} : req.first_name) + ": "
                  + req.product;
    out.body = content;
  }
  if (out.body.empty())
    return refused("the model's message has a subject but no body");
  std::string missing;
  for (const auto& d : req.citations)
    if (out.body.find("[" + d + "]") == std::string::npos)
      missing += " [" + d + "]";
  if (!missing.empty())
    out.body += "\n\nSources:" + missing;
  return out;
}

generation_provider spawn_openai_generator(caf::actor_system& sys, openai_options opts) {
  std::function<blocking_work<generation_request, generated_message>()> make_work = [opts] {
    auto client = std::make_shared<http_client>();
    auto url = opts.base_url;
    while (!url.empty() && url.back() == '/')
      url.pop_back();
    url += "/chat/completions";
    std::vector<std::string> headers{"Content-Type: application/json",
                                     "Accept: application/json"};
    if (!opts.api_key.empty())
      headers.push_back("Authorization: Bearer " + opts.api_key);
    return blocking_work<generation_request, generated_message>{
      [client, url, headers, opts](const generation_request& req)
        -> result<generated_message> {
        auto answer = client->post(url, chat_request_body(opts, req), headers, opts.timeout);
        if (!answer)
          return answer.err();
        if (answer->status != 200)
          return refused("HTTP " + std::to_string(answer->status) + " from " + url + ": "
                         + answer->body.substr(0, 120));
        return parse_chat_answer(answer->body, req, opts.model);
      }};
  };
  return spawn_blocking_pool<generation_request, generated_message>(sys, opts.concurrency,
                                                                    make_work);
}

} // namespace troupe::providers
