#pragma once
/// The blocklist the slow way, for the process tests: the terms read from
/// the file and a naive whole-word, case-insensitive search, sharing no code
/// with config/ or personalize/.

#include <fstream>
#include <string>
#include <string_view>
#include <vector>

namespace troupe::test {

/// ASCII lower case; other bytes as they are.
inline std::string reference_lower(std::string_view text) {
  std::string out;
  for (char c : text)
    out += static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  return out;
}

/// The terms of a blocklist file, lower-cased: one a line, without the
/// blanks (space, tab, CR) around it; blank lines and lines whose first
/// non-blank is '#' are skipped.
inline std::vector<std::string> reference_blocklist(const std::string& path) {
  auto blank = [](char c) { return c == ' ' || c == '\t' || c == '\r'; };
  std::vector<std::string> terms;
  std::ifstream file{path};
  for (std::string line; std::getline(file, line);) {
    std::string_view term = line;
    while (!term.empty() && blank(term.front()))
      term.remove_prefix(1);
    while (!term.empty() && blank(term.back()))
      term.remove_suffix(1);
    if (!term.empty() && term.front() != '#')
      terms.push_back(reference_lower(term));
  }
  return terms;
}

/// The first of `terms` (lower case) found in `text` as a whole word, case
/// insensitively (bounded by the ends or by anything but an ASCII letter or
/// digit), or "".
inline std::string first_blocked_term(const std::string& text,
                                      const std::vector<std::string>& terms) {
  auto ascii_alnum = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
  };
  auto lower = reference_lower(text);
  for (const auto& term : terms)
    for (auto at = lower.find(term); at != std::string::npos; at = lower.find(term, at + 1)) {
      auto end = at + term.size();
      if ((at == 0 || !ascii_alnum(lower[at - 1]))
          && (end == lower.size() || !ascii_alnum(lower[end])))
        return term;
    }
  return "";
}

} // namespace troupe::test
