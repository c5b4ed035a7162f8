#pragma once
/// The answers of a stand-in OpenAI-compatible server (a scripted_http_server):
/// a chat completion's JSON, and the sample campaign's message for the
/// customer a request names.

#include <string>

#include <nlohmann/json.hpp>

#include "tests/scripted_http_server.hpp"

namespace troupe::test {

/// A chat completion whose one choice says `content`.
inline std::string chat_answer(const std::string& content) {
  using json = nlohmann::json;
  return json{{"choices", json::array({json{{"index", 0},
                                            {"message", {{"role", "assistant"},
                                                         {"content", content}}}}})}}
    .dump();
}

/// 200 with a message to the customer the request's user prompt names
/// (its first line is "Customer first name: NAME").
inline scripted_reply jacket_reply(const http_exchange& x) {
  auto user = nlohmann::json::parse(x.body)["messages"][1]["content"].get<std::string>();
  auto name = user.substr(21, user.find('\n') - 21);
  return scripted_reply{200, chat_answer("Subject: " + name + ", a jacket for the trail\n\n"
                                         "Dear " + name + ", it is light.")};
}

} // namespace troupe::test
