#include "shell/tokenizer.hpp"

#include <cctype>

#include "runtime/runtime_error.hpp"

namespace troupe::shell {

result<std::vector<std::string>> split_command_line(const std::string& line) {
  std::vector<std::string> words;
  std::string word;
  bool in_word = false;
  char quote = 0;
  std::size_t quote_at = 0;
  for (std::size_t i = 0; i < line.size(); ++i) {
    char c = line[i];
    if (quote != 0) {
      if (c == quote)
        quote = 0;
      else
        word += c;
    } else if (c == '\'' || c == '"') {
      quote = c;
      quote_at = i;
      in_word = true;
    } else if (std::isspace(static_cast<unsigned char>(c))) {
      if (in_word)
        words.push_back(std::move(word));
      word.clear();
      in_word = false;
    } else {
      word += c;
      in_word = true;
    }
  }
  if (quote != 0)
    return runtime::make_error(runtime::runtime_errc::usage,
                               "unterminated quote at position " + std::to_string(quote_at + 1));
  if (in_word)
    words.push_back(std::move(word));
  return words;
}

} // namespace troupe::shell
