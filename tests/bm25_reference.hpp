#pragma once
/// BM25 the slow way, for tests: every approved document, every query term,
/// straight from the formula (k1 = 1.2, b = 0.75,
/// idf = ln(1 + (N - n + 0.5) / (n + 0.5)) over the approved documents), with
/// its own tokenizer (lowercase ASCII alphanumeric runs of title, body and
/// tags), so that it shares no code with personalize/.

#include <algorithm>
#include <cmath>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "troupe.pb.h"

namespace troupe::test {

/// Lowercase runs of ASCII letters and digits.
inline std::vector<std::string> reference_tokens(std::string_view text) {
  std::vector<std::string> out;
  std::string current;
  for (char c : text) {
    if (c >= 'A' && c <= 'Z') {
      current += static_cast<char>(c - 'A' + 'a');
    } else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
      current += c;
    } else if (!current.empty()) {
      out.push_back(current);
      current.clear();
    }
  }
  if (!current.empty())
    out.push_back(current);
  return out;
}

/// The approved documents of a corpus, tokenized once; `rank` scores every
/// one of them for a query.
struct bm25_reference {
  std::vector<std::vector<std::string>> tokens;
  std::vector<std::string> ids;
  double average_length = 0;

  explicit bm25_reference(const std::vector<v1::ContentDocument>& corpus) {
    for (const auto& d : corpus) {
      if (!d.approved())
        continue;
      auto t = reference_tokens(d.title());
      auto body = reference_tokens(d.body());
      t.insert(t.end(), body.begin(), body.end());
      for (const auto& tag : d.tags()) {
        auto tt = reference_tokens(tag);
        t.insert(t.end(), tt.begin(), tt.end());
      }
      tokens.push_back(std::move(t));
      ids.push_back(d.id());
    }
    for (const auto& t : tokens)
      average_length += static_cast<double>(t.size());
    if (!tokens.empty())
      average_length /= static_cast<double>(tokens.size());
  }

  /// Every document with a positive score, best first; equal scores by id
  /// ascending. A term repeated in the query counts once.
  std::vector<std::pair<double, std::string>> rank(const std::vector<std::string>& query) const {
    std::set<std::string> unique(query.begin(), query.end());
    auto n_docs = static_cast<double>(tokens.size());
    std::vector<std::pair<std::string, double>> idf; // per unique term
    for (const auto& term : unique) {
      double n = 0;
      for (const auto& t : tokens)
        n += std::count(t.begin(), t.end(), term) > 0 ? 1 : 0;
      idf.emplace_back(term, std::log(1 + (n_docs - n + 0.5) / (n + 0.5)));
    }
    std::vector<std::pair<double, std::string>> scored;
    for (std::size_t d = 0; d < tokens.size(); ++d) {
      double score = 0;
      for (const auto& [term, term_idf] : idf) {
        double tf = static_cast<double>(std::count(tokens[d].begin(), tokens[d].end(), term));
        if (tf == 0)
          continue;
        score += term_idf * tf * 2.2
                 / (tf + 1.2 * (1 - 0.75 + 0.75 * static_cast<double>(tokens[d].size())
                                             / average_length));
      }
      if (score > 0)
        scored.emplace_back(score, ids[d]);
    }
    std::sort(scored.begin(), scored.end(), [](const auto& x, const auto& y) {
      return x.first != y.first ? x.first > y.first : x.second < y.second;
    });
    return scored;
  }
};

/// One query against a corpus: every approved document with a positive
/// score, best first, equal scores by id.
inline std::vector<std::pair<double, std::string>>
brute_force(const std::vector<v1::ContentDocument>& corpus, const std::vector<std::string>& query) {
  return bm25_reference{corpus}.rank(query);
}

} // namespace troupe::test
