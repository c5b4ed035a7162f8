#pragma once
/// A blocklist screen: finds blocked terms in a text as whole words,
/// case-insensitively, in one pass over the text (Aho-Corasick automaton
/// built once), whatever the number of terms. A term may hold several words
/// ("act now") or punctuation ("risk-free"); a match counts only when the
/// characters around it are not letters or digits.
/// The automaton is a dense table (1 KiB a state): meant for blocklists of
/// up to some thousands of terms. Immutable once built; may be shared
/// between threads.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace troupe::personalize {

class blocklist {
public:
  /// Builds the automaton. Empty terms are ignored; terms are lower-cased.
  explicit blocklist(const std::vector<std::string>& terms);

  /// The first blocked term found in `text`, if any: the one that ends
  /// first, and of those ending at the same place the longest.
  std::optional<std::string> first_match(std::string_view text) const;

  std::size_t size() const { return terms_.size(); }

private:
  struct state {
    int next[256];
    int fail = 0;
    int output = -1;      ///< longest term ending here (index into terms_), or -1
    int dict_link = -1;   ///< next state on the fail chain with an output
  };
  std::vector<state> states_;
  std::vector<std::string> terms_;
};

} // namespace troupe::personalize
