// personalize/: the blocklist screen and the BM25 index.

#include <cmath>
#include <map>
#include <random>
#include <set>

#include <gtest/gtest.h>

#include "personalize/blocklist.hpp"
#include "personalize/bm25_index.hpp"
#include "personalize/tokenizer.hpp"
#include "tests/bm25_reference.hpp"

using namespace troupe;
using namespace troupe::personalize;
using troupe::test::brute_force;

TEST(blocklist_test, whole_words_case_insensitive_multi_word_terms) {
  blocklist list{{"scam", "act now", "risk-free", "Miracle", ""}};
  EXPECT_EQ(list.size(), 4u);
  EXPECT_EQ(list.first_match("This is a SCAM."), "scam");
  EXPECT_EQ(list.first_match("no scams here"), std::nullopt);      // not a whole word
  EXPECT_EQ(list.first_match("antiscam tools"), std::nullopt);
  EXPECT_EQ(list.first_match("Act now!"), "act now");
  EXPECT_EQ(list.first_match("react now"), std::nullopt);
  EXPECT_EQ(list.first_match("totally risk-free offer"), "risk-free");
  EXPECT_EQ(list.first_match("a miracle"), "miracle");
  EXPECT_EQ(list.first_match(""), std::nullopt);
  // The first match in text order wins.
  EXPECT_EQ(list.first_match("miracle scam"), "miracle");
}

TEST(blocklist_test, overlapping_terms_are_all_seen) {
  // "he" inside "she" is not a whole word; "hers" is.
  blocklist list{{"he", "she", "his", "hers"}};
  EXPECT_EQ(list.first_match("ushers"), std::nullopt);
  EXPECT_EQ(list.first_match("it is hers"), "hers");
  EXPECT_EQ(list.first_match("she said"), "she");
  EXPECT_EQ(list.first_match("then he"), "he");
}

TEST(blocklist_test, agrees_with_a_naive_search) {
  std::mt19937 rng{11};
  const char* words[] = {"ab", "ba", "aab", "b", "abab", "ba ab"};
  blocklist list{{"ab", "aab", "ba ab"}};
  for (int round = 0; round < 500; ++round) {
    std::string text;
    for (int i = 0; i < 6; ++i) {
      text += words[rng() % 6];
      text += rng() % 3 == 0 ? "," : " ";
    }
    // Naive: every whole-word occurrence of every term; keep the earliest
    // end, and at the same end the longest term.
    std::optional<std::pair<std::size_t, std::string>> best;
    for (std::string term : {"ab", "aab", "ba ab"}) {
      for (auto at = text.find(term); at != std::string::npos; at = text.find(term, at + 1)) {
        bool left = at == 0 || !std::isalnum(static_cast<unsigned char>(text[at - 1]));
        auto end = at + term.size();
        bool right = end == text.size() || !std::isalnum(static_cast<unsigned char>(text[end]));
        if (left && right
            && (!best || end < best->first
                || (end == best->first && term.size() > best->second.size())))
          best = std::make_pair(end, term);
      }
    }
    auto found = list.first_match(text);
    ASSERT_EQ(found.has_value(), best.has_value()) << text;
    if (found) {
      EXPECT_EQ(*found, best->second) << text;
    }
  }
}

TEST(tokenizer_test, lowercase_alphanumeric_tokens) {
  EXPECT_EQ(tokenize("Trail-Lite 2, the BEST!"),
            (std::vector<std::string>{"trail", "lite", "2", "the", "best"}));
  EXPECT_TRUE(tokenize(" ,. ").empty());
}

namespace {

v1::ContentDocument doc(const std::string& id, const std::string& title, const std::string& body,
                        std::vector<std::string> tags, bool approved = true) {
  v1::ContentDocument d;
  d.set_id(id);
  d.set_title(title);
  d.set_body(body);
  for (auto& t : tags)
    d.add_tags(t);
  d.set_approved(approved);
  return d;
}

} // namespace

TEST(bm25_test, never_returns_unapproved_and_breaks_ties_by_id) {
  std::vector<v1::ContentDocument> corpus{
    doc("d3", "trail", "", {}), doc("d1", "trail", "", {}), doc("d2", "trail", "", {}, false),
    doc("d4", "garden", "", {})};
  bm25_index index{corpus};
  EXPECT_EQ(index.documents(), 3u);
  EXPECT_EQ(index.top({"trail"}, 5), (std::vector<std::string>{"d1", "d3"}));
  EXPECT_EQ(index.top({"trail"}, 1), (std::vector<std::string>{"d1"}));
  EXPECT_TRUE(index.top({"nothing"}, 3).empty());
}

TEST(bm25_test, agrees_with_the_formula_on_a_random_corpus) {
  std::mt19937 rng{5};
  const char* words[] = {"outdoor", "trail", "garden", "kitchen", "books", "light", "cozy",
                         "weekend", "travel", "pets", "simple", "bold"};
  std::vector<v1::ContentDocument> corpus;
  for (int i = 0; i < 200; ++i) {
    std::string body;
    int len = 5 + static_cast<int>(rng() % 60);
    for (int w = 0; w < len; ++w)
      body += std::string{words[rng() % 12]} + " ";
    corpus.push_back(doc("doc" + std::to_string(1000 + i), words[rng() % 12], body,
                         {words[rng() % 12]}, rng() % 10 != 0));
  }
  bm25_index index{corpus};
  for (int q = 0; q < 50; ++q) {
    std::vector<std::string> query{words[rng() % 12], words[rng() % 12], words[rng() % 12]};
    auto expected = brute_force(corpus, query);
    auto got = index.top(query, 3);
    ASSERT_EQ(got.size(), std::min<std::size_t>(3, expected.size()));
    for (std::size_t i = 0; i < got.size(); ++i)
      EXPECT_EQ(got[i], expected[i].second) << "query " << q << " rank " << i;
  }
}
