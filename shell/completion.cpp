#include "shell/completion.hpp"

#include <algorithm>
#include <set>
#include <sstream>

#include "shell/command_table.hpp"

namespace troupe::shell {

namespace {

std::vector<std::string> words_of(const std::string& line) {
  std::istringstream in{line};
  std::vector<std::string> out;
  for (std::string w; in >> w;)
    out.push_back(w);
  return out;
}

/// True if operand `name` of an entry is a campaign id.
bool names_a_campaign(const command_entry& e, std::size_t operand) {
  if (operand >= e.operands.size())
    return false;
  const auto& o = e.operands[operand];
  return (o == "ID" && e.name == "campaign") || o == "CAMPAIGN";
}

} // namespace

std::vector<std::string> completions(const std::string& before, const std::string& word,
                                     const std::function<std::vector<std::string>()>& campaign_ids) {
  std::set<std::string> out;
  auto add = [&](const std::string& candidate) {
    if (candidate.compare(0, word.size(), word) == 0)
      out.insert(candidate);
  };
  auto words = words_of(before);
  const auto& table = command_table();
  if (words.empty() || (words.size() == 1 && words[0] == "help")) {
    for (const auto& e : table)
      add(e.name);
    if (words.empty())
      for (const char* extra : {"help", "quit", "exit"})
        add(extra);
    return {out.begin(), out.end()};
  }
  bool help = words[0] == "help";
  const auto& command = help ? words[1] : words[0];
  std::size_t at = help ? words.size() - 1 : words.size(); // words after the command's name
  std::vector<const command_entry*> named;
  for (const auto& e : table)
    if (e.name == command)
      named.push_back(&e);
  if (named.empty())
    return {};
  bool has_subs = !named.front()->sub.empty();
  if (has_subs && at == 1) {
    for (const auto* e : named)
      add(e->sub);
    return {out.begin(), out.end()};
  }
  if (help)
    return {};
  const command_entry* entry = nullptr;
  for (const auto* e : named)
    if (!has_subs || (words.size() >= 2 && e->sub == words[1]))
      entry = e;
  if (entry == nullptr)
    return {};
  if (word.rfind("--", 0) == 0) {
    for (const auto& o : entry->options)
      add(o.substr(0, o.find(' ')));
    add("--json");
    return {out.begin(), out.end()};
  }
  // Operands typed so far (options and their values left out).
  std::size_t operand = 0;
  for (std::size_t i = has_subs ? 2 : 1; i < words.size(); ++i)
    if (words[i].rfind("--", 0) != 0)
      ++operand;
  if (names_a_campaign(*entry, operand) && campaign_ids)
    for (const auto& id : campaign_ids())
      add(id);
  return {out.begin(), out.end()};
}

} // namespace troupe::shell
