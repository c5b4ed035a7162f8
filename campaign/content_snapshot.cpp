#include "campaign/content_snapshot.hpp"

#include "storage/corpus_versions.hpp"

namespace troupe::campaign {

result<pipeline_inputs> load_pipeline_inputs(const storage::store& db,
                                             const v1::CampaignSpec& spec,
                                             uint64_t corpus_version,
                                             const std::vector<std::string>& node_blocklist) {
  std::vector<v1::ContentDocument> corpus;
  auto texts = std::make_shared<std::unordered_map<std::string, std::string>>();
  auto st = storage::scan_corpus_version(db, corpus_version, [&](const v1::ContentDocument& d) {
    if (d.approved()) {
      (*texts)[d.id()] = d.title() + "\n" + d.body();
      corpus.push_back(d);
    }
    return true;
  });
  if (!st)
    return st.err();
  std::vector<std::string> terms = node_blocklist;
  terms.insert(terms.end(), spec.blocklist().begin(), spec.blocklist().end());
  pipeline_inputs in;
  in.index = std::make_shared<const personalize::bm25_index>(corpus);
  in.texts = texts;
  in.blocked = std::make_shared<const personalize::blocklist>(terms);
  return in;
}

} // namespace troupe::campaign
