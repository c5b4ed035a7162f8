#pragma once
/// BM25 over the approved documents of a corpus (title, body and tags),
/// built once per corpus version as an inverted index; a query touches only
/// the postings of its terms.
///
///   score(d, q) = sum over unique query terms t of
///                 idf(t) * tf(t,d) * (k1 + 1) / (tf(t,d) + k1 * (1 - b + b * |d| / avgdl))
///   idf(t)      = ln(1 + (N - n(t) + 0.5) / (n(t) + 0.5)),   k1 = 1.2, b = 0.75
///
/// Ties are broken by document id (ascending). Unapproved documents are
/// never indexed, so they can never be returned. Immutable once built; may
/// be shared between threads.

#include <string>
#include <unordered_map>
#include <vector>

#include "troupe.pb.h"

namespace troupe::personalize {

class bm25_index {
public:
  explicit bm25_index(const std::vector<v1::ContentDocument>& corpus);

  /// The ids of the top `k` documents for `query_terms` (already tokens,
  /// duplicates ignored); documents that match no term are not returned.
  std::vector<std::string> top(const std::vector<std::string>& query_terms,
                               std::size_t k) const;

  std::size_t documents() const { return ids_.size(); }

  static constexpr double k1 = 1.2;
  static constexpr double b = 0.75;

private:
  struct posting {
    uint32_t doc;
    uint32_t tf;
  };
  std::vector<std::string> ids_;        ///< by document index
  std::vector<uint32_t> lengths_;       ///< tokens per document
  double average_length_ = 0;
  std::unordered_map<std::string, std::vector<posting>> postings_;
};

} // namespace troupe::personalize
