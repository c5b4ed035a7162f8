#pragma once
/// The OpenAI-compatible generation provider: one chat-completions call per
/// customer (POST {base_url}/chat/completions), for a local llama.cpp, vLLM
/// or Ollama server or a hosted API. The prompt asks for a first line
/// "Subject: ..." and a body that cites each retrieved document as
/// [doc-id]; a citation the model left out is appended ("Sources: ..."), so
/// every message names its grounding. The generator name recorded on the
/// delivery is "openai:<model>".
///
/// An HTTP status other than 200, a body that is not the chat-completions
/// shape, or an empty message is an error (the breaker counts it); a call
/// past `timeout` is a timeout. The node puts this provider behind
/// limiter:generate and breaker:generate, with the template generator as
/// the breaker's fallback.

#include <chrono>
#include <string>

#include "providers/generation.hpp"
#include "common/error.hpp"

namespace troupe::providers {

struct openai_options {
  std::string base_url;                       ///< e.g. http://127.0.0.1:8080/v1
  std::string model;
  std::string api_key;                        ///< sent as a Bearer token when not empty
  std::chrono::milliseconds timeout{10'000};  ///< per call
  unsigned concurrency = 4;                   ///< calls in flight at once
  double temperature = 0.7;
  unsigned max_tokens = 400;
};

/// The JSON body of the chat-completions request for `req`.
std::string chat_request_body(const openai_options& opts, const generation_request& req);

/// The message in a chat-completions answer, or why there is none.
result<generated_message> parse_chat_answer(const std::string& body,
                                            const generation_request& req,
                                            const std::string& model);

generation_provider spawn_openai_generator(caf::actor_system& sys, openai_options opts);

} // namespace troupe::providers
