// Fuzz target: the shell's command-line tokenizer (shell/tokenizer.hpp),
// which every line typed at the shell, or passed to `troupe-shell -c`,
// goes through.
//
// Invariants: a line splits or is refused for an unterminated quote whose
// position is a quote of the line; the words, quoted again and joined with
// spaces, split back into the same words; a line without quotes splits as
// a plain split at white space does.

#include <cctype>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "fuzz/check.hpp"
#include "shell/tokenizer.hpp"

using namespace troupe;

namespace {

/// `word` quoted so that the tokenizer reads it back whole: single quotes
/// around runs without ', double quotes around a run of '.
std::string quoted(const std::string& word) {
  std::string out = "''"; // keeps an empty word a word
  size_t i = 0;
  while (i < word.size()) {
    bool quotes = word[i] == '\'';
    size_t end = quotes ? word.find_first_not_of('\'', i) : word.find('\'', i);
    if (end == std::string::npos)
      end = word.size();
    char q = quotes ? '"' : '\'';
    out += q + word.substr(i, end - i) + q;
    i = end;
  }
  return out;
}

std::vector<std::string> split_at_space(const std::string& line) {
  std::vector<std::string> out;
  std::string word;
  for (char c : line) {
    if (std::isspace(static_cast<unsigned char>(c))) {
      if (!word.empty())
        out.push_back(word);
      word.clear();
    } else {
      word += c;
    }
  }
  if (!word.empty())
    out.push_back(word);
  return out;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string line(reinterpret_cast<const char*>(data), size);
  auto words = shell::split_command_line(line);
  if (!words) {
    const auto& m = words.err().message();
    auto at = m.rfind(' ');
    FUZZ_CHECK(m.rfind("unterminated quote at position ", 0) == 0 && at != std::string::npos,
               "a refusal names the quote");
    auto pos = std::stoul(m.substr(at + 1));
    FUZZ_CHECK(pos >= 1 && pos <= size && (line[pos - 1] == '\'' || line[pos - 1] == '"'),
               "the position is a quote of the line");
    return 0;
  }
  size_t total = 0;
  std::string joined;
  for (const auto& w : *words) {
    total += w.size();
    joined += (joined.empty() ? "" : " ") + quoted(w);
  }
  FUZZ_CHECK(total <= size, "words hold no more than the line");
  auto again = shell::split_command_line(joined);
  FUZZ_CHECK(again.ok() && *again == *words, "quoted words split back to themselves");
  if (line.find_first_of("'\"") == std::string::npos)
    FUZZ_CHECK(*words == split_at_space(line), "a line without quotes splits at white space");
  return 0;
}
