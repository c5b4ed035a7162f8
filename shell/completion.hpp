#pragma once
/// Tab completion for the interactive shell: commands, subcommands, options
/// and campaign ids, from the command table (shell/command_table). Pure:
/// the campaign ids come from a callback (the node's `campaign list`,
/// asked only when a campaign id is what is being completed).

#include <functional>
#include <string>
#include <vector>

namespace troupe::shell {

/// The words that may complete `word`, the word under the cursor, after
/// `before` (the line up to that word); sorted, each once.
std::vector<std::string> completions(const std::string& before, const std::string& word,
                                     const std::function<std::vector<std::string>()>& campaign_ids);

} // namespace troupe::shell
