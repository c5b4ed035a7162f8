#pragma once
/// How the shell shows `campaign report`: a table per group (all customers,
/// then each value of the --by field), or JSON (`--json`): numbers as they
/// are, NaN (no comparison: the control row, or an empty arm) as null.

#include <string>

#include <nlohmann/json.hpp>

#include "actors/campaign_report.hpp"

namespace troupe::runtime {

nlohmann::json report_to_json(const actors::campaign_report& r);

std::string report_to_text(const actors::campaign_report& r);

} // namespace troupe::runtime
