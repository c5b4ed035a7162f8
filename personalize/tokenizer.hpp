#pragma once
/// Splits text into lowercase alphanumeric tokens ("Trail-Lite 2" -> trail,
/// lite, 2), the tokens of BM25 retrieval.

#include <string>
#include <string_view>
#include <vector>

namespace troupe::personalize {

std::vector<std::string> tokenize(std::string_view text);

} // namespace troupe::personalize
