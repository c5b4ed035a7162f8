#include "personalize/bm25_index.hpp"

#include <algorithm>
#include <cmath>
#include <set>

#include "personalize/tokenizer.hpp"

namespace troupe::personalize {

bm25_index::bm25_index(const std::vector<v1::ContentDocument>& corpus) {
  uint64_t total_length = 0;
  for (const auto& doc : corpus) {
    if (!doc.approved())
      continue;
    auto index = static_cast<uint32_t>(ids_.size());
    ids_.push_back(doc.id());
    std::unordered_map<std::string, uint32_t> tf;
    uint32_t length = 0;
    auto count = [&](std::string_view text) {
      for (auto& token : tokenize(text)) {
        ++tf[token];
        ++length;
      }
    };
    count(doc.title());
    count(doc.body());
    for (const auto& tag : doc.tags())
      count(tag);
    lengths_.push_back(length);
    total_length += length;
    for (auto& [term, n] : tf)
      postings_[term].push_back({index, n});
  }
  average_length_ = ids_.empty() ? 0 : static_cast<double>(total_length)
                                          / static_cast<double>(ids_.size());
}

std::vector<std::string> bm25_index::top(const std::vector<std::string>& query_terms,
                                         std::size_t k) const {
  std::vector<double> scores(ids_.size(), 0.0);
  std::vector<uint32_t> touched;
  auto n_docs = static_cast<double>(ids_.size());
  std::set<std::string> unique(query_terms.begin(), query_terms.end());
  for (const auto& term : unique) {
    auto it = postings_.find(term);
    if (it == postings_.end())
      continue;
    auto n = static_cast<double>(it->second.size());
    double idf = std::log(1.0 + (n_docs - n + 0.5) / (n + 0.5));
    for (const auto& p : it->second) {
      double tf = p.tf;
      double norm = k1 * (1.0 - b + b * lengths_[p.doc] / average_length_);
      if (scores[p.doc] == 0.0)
        touched.push_back(p.doc);
      scores[p.doc] += idf * tf * (k1 + 1.0) / (tf + norm);
    }
  }
  auto better = [&](uint32_t x, uint32_t y) {
    if (scores[x] != scores[y])
      return scores[x] > scores[y];
    return ids_[x] < ids_[y];
  };
  auto keep = std::min(k, touched.size());
  std::partial_sort(touched.begin(), touched.begin() + static_cast<long>(keep), touched.end(),
                    better);
  std::vector<std::string> out;
  for (std::size_t i = 0; i < keep; ++i)
    out.push_back(ids_[touched[i]]);
  return out;
}

} // namespace troupe::personalize
