#include "personalize/blocklist.hpp"

#include <cctype>
#include <queue>

namespace troupe::personalize {

namespace {

unsigned char lower(char c) {
  return static_cast<unsigned char>(std::tolower(static_cast<unsigned char>(c)));
}

bool word_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; }

/// word_char for every byte, looked up once.
struct word_table {
  bool is_word[256];
  word_table() {
    for (int b = 0; b < 256; ++b)
      is_word[b] = word_char(static_cast<char>(b));
  }
};
const word_table words;

bool is_word(char c) { return words.is_word[static_cast<unsigned char>(c)]; }

} // namespace

blocklist::blocklist(const std::vector<std::string>& terms) {
  states_.emplace_back();
  std::fill(std::begin(states_[0].next), std::end(states_[0].next), -1);
  for (const auto& raw : terms) {
    std::string term;
    for (char c : raw)
      term += static_cast<char>(lower(c));
    if (term.empty())
      continue;
    int s = 0;
    for (char c : term) {
      auto byte = static_cast<unsigned char>(c);
      if (states_[s].next[byte] < 0) {
        states_[s].next[byte] = static_cast<int>(states_.size());
        states_.emplace_back();
        std::fill(std::begin(states_.back().next), std::end(states_.back().next), -1);
      }
      s = states_[s].next[byte];
    }
    if (states_[s].output < 0) {
      states_[s].output = static_cast<int>(terms_.size());
      terms_.push_back(term);
    }
  }
  // Breadth-first: fail links, dictionary links, and a full goto table.
  std::queue<int> todo;
  for (int b = 0; b < 256; ++b) {
    int& t = states_[0].next[b];
    if (t < 0) {
      t = 0;
    } else {
      states_[t].fail = 0;
      todo.push(t);
    }
  }
  while (!todo.empty()) {
    int s = todo.front();
    todo.pop();
    int f = states_[s].fail;
    states_[s].dict_link = states_[f].output >= 0 ? f : states_[f].dict_link;
    for (int b = 0; b < 256; ++b) {
      int t = states_[s].next[b];
      if (t < 0) {
        states_[s].next[b] = states_[f].next[b];
      } else {
        states_[t].fail = states_[f].next[b];
        todo.push(t);
      }
    }
  }
  // Case folded into the table: an upper-case byte goes where its lower
  // case goes, so matching reads each byte of the text once, unconverted.
  for (auto& st : states_)
    for (int b = 0; b < 256; ++b)
      st.next[b] = st.next[lower(static_cast<char>(b))];
}

std::optional<std::string> blocklist::first_match(std::string_view text) const {
  if (terms_.empty())
    return std::nullopt;
  int s = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    s = states_[s].next[static_cast<unsigned char>(text[i])];
    // Every term ending at i: this state's own, then along the dictionary links.
    for (int k = states_[s].output >= 0 ? s : states_[s].dict_link; k >= 0;
         k = states_[k].dict_link) {
      const auto& term = terms_[static_cast<std::size_t>(states_[k].output)];
      std::size_t start = i + 1 - term.size();
      bool left_ok = start == 0 || !is_word(text[start - 1]);
      bool right_ok = i + 1 == text.size() || !is_word(text[i + 1]);
      if (left_ok && right_ok)
        return term;
    }
  }
  return std::nullopt;
}

} // namespace troupe::personalize
