#pragma once
/// The end of most handlers: print the node's answer as JSON (one line) or
/// as text, or its error, and give the exit status. A handler names only
/// the call and its two renderings. Used on the shell's main thread.

#include <ostream>
#include <string>

#include <nlohmann/json.hpp>

#include "common/error.hpp"
#include "shell/command_table.hpp"
#include "shell/commands.hpp"

namespace troupe::shell {

/// The line a JSON answer prints: a document dumped compact, or a node's
/// own JSON text as it came.
inline std::string json_line(const nlohmann::json& doc) { return doc.dump(); }
inline const std::string& json_line(const std::string& text) { return text; }

/// The JSON of an answer that is JSON text already: printed as it came.
inline const std::string& as_sent(const std::string& text) { return text; }

/// The JSON of a list answer: an array of `to_json` of each element.
template <class ToJson>
auto json_each(ToJson to_json) {
  return [to_json](const auto& list) {
    auto arr = nlohmann::json::array();
    for (const auto& x : list)
      arr.push_back(to_json(x));
    return arr;
  };
}

/// `answer`'s error (exit 1, 2 for usage), or in JSON mode
/// `to_json(value)` on a line, else `to_text(value, out)`; exit 0.
/// `to_json` returns a nlohmann::json or JSON text.
template <class T, class ToJson, class ToText>
int answer(command_context& ctx, const result<T>& answer, ToJson to_json, ToText to_text) {
  if (!answer)
    return ctx.fail(answer.err());
  if (ctx.json)
    ctx.out << json_line(to_json(*answer)) << "\n";
  else
    to_text(*answer, ctx.out);
  return exit_ok;
}

} // namespace troupe::shell
