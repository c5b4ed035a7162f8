#pragma once
/// What a campaign's pipeline reads besides the customer: the approved
/// documents of the corpus as a BM25 index and their texts (for the safety
/// screen), and the blocklist (the node's terms plus the campaign's). Built
/// once when a campaign's runner starts, from the store (blocking: call it
/// from a detached actor); immutable and shared by the stages.

#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "common/error.hpp"
#include "personalize/blocklist.hpp"
#include "personalize/bm25_index.hpp"
#include "storage/store.hpp"

namespace troupe::campaign {

struct pipeline_inputs {
  std::shared_ptr<const personalize::bm25_index> index;
  /// title and body of every approved document, by id
  std::shared_ptr<const std::unordered_map<std::string, std::string>> texts;
  std::shared_ptr<const personalize::blocklist> blocked;
};

/// Reads the documents of corpus version `corpus_version` (0: none).
result<pipeline_inputs> load_pipeline_inputs(const storage::store& db,
                                             const v1::CampaignSpec& spec,
                                             uint64_t corpus_version,
                                             const std::vector<std::string>& node_blocklist);

} // namespace troupe::campaign
