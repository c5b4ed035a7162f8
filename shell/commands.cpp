#include "shell/commands.hpp"

#include <algorithm>
#include <ostream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "runtime/runtime_error.hpp"
#include "shell/command_table.hpp"
#include "shell/handlers.hpp"
#include "shell/shell_error.hpp"

namespace troupe::shell {

namespace {

constexpr std::size_t usage_column = 36;

error usage_error(std::string message) {
  return runtime::make_error(runtime::runtime_errc::usage, std::move(message));
}

/// Edits from `a` to `b`: insert, delete or substitute a character, or
/// swap two adjacent ones (a typo's usual kinds; optimal string alignment).
std::size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<std::vector<std::size_t>> d(a.size() + 1, std::vector<std::size_t>(b.size() + 1));
  for (std::size_t i = 0; i <= a.size(); ++i)
    d[i][0] = i;
  for (std::size_t j = 0; j <= b.size(); ++j)
    d[0][j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i)
    for (std::size_t j = 1; j <= b.size(); ++j) {
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1,
                          d[i - 1][j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
    }
  return d[a.size()][b.size()];
}

/// The closest of `known` to `word`, if it is a likely typo (at most 2
/// edits, fewer than the word's length); "" otherwise.
std::string closest(const std::string& word, const std::vector<std::string>& known) {
  std::string best;
  if (word.size() > 64) // no command is that long: no guess, and no big table
    return best;
  std::size_t best_distance = 3;
  for (const auto& k : known) {
    auto d = edit_distance(word, k);
    if (d < best_distance && d < std::max<std::size_t>(word.size(), 1)) {
      best = k;
      best_distance = d;
    }
  }
  return best;
}

std::vector<std::string> command_names() {
  std::vector<std::string> names{"help", "quit", "exit"};
  for (const auto& e : command_table())
    if (std::find(names.begin(), names.end(), e.name) == names.end())
      names.push_back(e.name);
  return names;
}

error unknown_command(const std::string& name) {
  auto guess = closest(name, command_names());
  return usage_error("unknown command '" + name + "'"
                     + (guess.empty() ? std::string{} : ": did you mean '" + guess + "'?")
                     + " (type help for the list)");
}

/// The table's entries named `name` (all of its subcommands).
std::vector<const command_entry*> entries_named(const std::string& name) {
  std::vector<const command_entry*> found;
  for (const auto& e : command_table())
    if (e.name == name)
      found.push_back(&e);
  return found;
}

/// "usage: A | B | ..." for `entries`.
error usage_of(const std::vector<const command_entry*>& entries) {
  std::string text = "usage: ";
  for (std::size_t i = 0; i < entries.size(); ++i)
    text += (i == 0 ? "" : " | ") + usage_line(*entries[i]);
  return usage_error(text);
}

/// The entry the words name, or the usage error of the command.
result<const command_entry*> find_entry(const std::vector<std::string>& words) {
  auto named = entries_named(words.front());
  if (named.empty())
    return unknown_command(words.front());
  if (named.front()->sub.empty())
    return named.front();
  for (const auto* e : named)
    if (words.size() >= 2 && e->sub == words[1])
      return e;
  if (words.size() >= 2) {
    std::vector<std::string> subs;
    for (const auto* e : named)
      subs.push_back(e->sub);
    if (auto guess = closest(words[1], subs); !guess.empty())
      return usage_error("unknown subcommand '" + words.front() + " " + words[1]
                         + "': did you mean '" + words.front() + " " + guess + "'? "
                         + usage_of(named).message());
  }
  return usage_of(named);
}

/// Sorts the words after the (sub)command into the entry's options and
/// operands; anything that does not fit its usage is a usage error.
result<command_context> parse_words(const command_entry& entry,
                                    const std::vector<std::string>& words, bool json,
                                    std::ostream& out, std::ostream& err) {
  command_context ctx{entry.sub, {}, {}, {}, json, nullptr, out, err};
  for (std::size_t i = entry.sub.empty() ? 1 : 2; i < words.size(); ++i) {
    const auto& w = words[i];
    auto option = std::find_if(entry.options.begin(), entry.options.end(),
                               [&](const std::string& o) { return o.substr(0, o.find(' ')) == w; });
    if (option == entry.options.end()) {
      if (w.rfind("--", 0) == 0)
        return usage_of({&entry});
      ctx.operands.push_back(w);
    } else if (option->find(' ') == std::string::npos) {
      ctx.flags.insert(w);
    } else if (i + 1 < words.size()) {
      ctx.values[w] = words[++i];
    } else {
      return usage_of({&entry});
    }
  }
  auto required = static_cast<std::size_t>(
    std::count_if(entry.operands.begin(), entry.operands.end(),
                  [](const std::string& o) { return o.front() != '['; }));
  if (ctx.operands.size() < required || ctx.operands.size() > entry.operands.size())
    return usage_of({&entry});
  return ctx;
}

std::string help_block(const command_entry& e) {
  std::string text = "usage: " + usage_line(e) + "\n  " + e.summary + "\n";
  std::istringstream details{e.details};
  for (std::string line; std::getline(details, line);)
    text += "  " + line + "\n";
  return text;
}

} // namespace

int print_error(const error& e, bool json, std::ostream& out, std::ostream& err) {
  if (json)
    out << nlohmann::json{{"error", e.message()}}.dump() << "\n";
  else if (e.is(shell_errc::cancelled))
    err << e.message() << "\n"; // Ctrl-C: "cancelled", not an error of the node
  else
    err << "error: " << e.message() << "\n";
  if (e.is(shell_errc::cancelled))
    return exit_cancelled;
  return e.is(runtime::runtime_errc::usage) ? exit_usage : exit_failed;
}

std::string shell_help() {
  std::ostringstream out;
  out << "Commands:\n";
  for (const auto& e : command_table()) {
    auto usage = usage_line(e);
    out << "  " << usage;
    if (usage.size() + 2 < usage_column)
      out << std::string(usage_column - 2 - usage.size(), ' ');
    else
      out << "\n" << std::string(usage_column, ' ');
    out << e.summary << "\n";
  }
  out << "  quit, exit" << std::string(usage_column - 12, ' ')
      << "leave the interactive shell\n"
      << "Options that apply to every command: --json (machine-readable output).\n"
      << "Type help COMMAND (e.g. help campaign report) for more.\n";
  return out.str();
}

result<std::string> shell_help(const std::string& command, const std::string& subcommand) {
  std::string text;
  for (const auto* e : entries_named(command))
    if (subcommand.empty() || e->sub == subcommand)
      text += (text.empty() ? "" : "\n") + help_block(*e);
  if (!text.empty())
    return text;
  if (entries_named(command).empty())
    return unknown_command(command);
  return usage_of(entries_named(command));
}

int run_help(command_context& ctx) {
  if (ctx.operands.empty()) {
    ctx.out << shell_help();
    return exit_ok;
  }
  auto text = shell_help(ctx.operands[0], ctx.operands.size() > 1 ? ctx.operands[1] : "");
  if (!text)
    return ctx.fail(text.err());
  ctx.out << *text;
  return exit_ok;
}

int run_command(const std::string& line, bool json_mode, const client_source& client,
                std::ostream& out, std::ostream& err) {
  auto split = split_command_line(line);
  if (!split)
    return print_error(split.err(), json_mode, out, err);
  // `--json` applies to every command and may be written anywhere.
  std::vector<std::string> words;
  for (auto& w : *split) {
    if (w == "--json")
      json_mode = true;
    else
      words.push_back(std::move(w));
  }
  if (words.empty())
    return exit_ok;
  auto entry = find_entry(words);
  if (!entry)
    return print_error(entry.err(), json_mode, out, err);
  auto ctx = parse_words(**entry, words, json_mode, out, err);
  if (!ctx)
    return print_error(ctx.err(), json_mode, out, err);
  if ((*entry)->needs == reach::node) {
    auto c = client();
    if (!c)
      return ctx->fail(c.err());
    ctx->node = *c;
  }
  return (*entry)->run(*ctx);
}

} // namespace troupe::shell
