#include "shell/config.hpp"

#include <algorithm>
#include <sstream>

#include "config/config_error.hpp"
#include "config/option_parser.hpp"

namespace troupe::shell {

namespace po = boost::program_options;

namespace {

po::options_description shell_options() {
  po::options_description desc{
    "Usage: troupe-shell [OPTIONS] [COMMAND [ARGS...]]\n\n"
    "The Troupe admin shell. Connects to a node's admin endpoint (CAF, the\n"
    "node's --cluster-port) and runs commands: one given after the options\n"
    "(`troupe-shell campaign status c1`) or with -c; else interactively with\n"
    "line editing and history (type `help`), reading commands from stdin.\n"
    "Exit status: 0 success, 1 the command or the connection failed,\n"
    "2 bad usage. Options can also be set as TROUPE_<OPTION> in the\n"
    "environment (e.g. TROUPE_NODE=127.0.0.1:7402) or in a --config file.\n\nOptions"};
  desc.add_options()
    ("help,h", "print this help and exit")
    ("version", "print the version and exit")
    ("config", po::value<std::string>()->default_value(""),
     "INI file with options")
    ("node", po::value<std::string>()->default_value("127.0.0.1:7401"),
     "HOST:PORT of the node's admin config::endpoint (its --cluster-port)")
    ("command,c", po::value<std::string>()->default_value(""),
     "run this one command and exit with its status")
    ("json", po::bool_switch(), "print machine-readable JSON")
    ("timeout", po::value<std::string>()->default_value("5000"),
     "milliseconds to wait for the connection and for each reply");
  desc.add_options()
    ("token-file", po::value<std::string>()->default_value(""),
     "file holding the SECRET of a token the node lists in its --tokens; the "
     "shell proves it holds it without sending it")
    ("token", po::value<std::string>()->default_value(""),
     "the SECRET itself; set TROUPE_TOKEN rather than this option, which other "
     "users of the machine can read in the process list");
  config::detail::add_tls_options(desc);
  return desc;
}

} // namespace

result<std::string> command_line_of(const std::vector<std::string>& words) {
  std::string line;
  for (const auto& w : words) {
    if (!line.empty())
      line += ' ';
    if (!w.empty() && w.find_first_of(" \t'\"") == std::string::npos) {
      line += w;
    } else if (w.find('\'') == std::string::npos) {
      line += "'" + w + "'";
    } else if (w.find('"') == std::string::npos) {
      line += "\"" + w + "\"";
    } else {
      return config::make_error(config::config_errc::bad_value,
                                "the argument <" + w + "> holds both kinds of quote: give the "
                                "command with -c");
    }
  }
  return line;
}

result<config::parse_outcome<shell_config>> parse_shell_options(int argc,
                                                        const char* const* argv,
                                                        const config::env_map& env) {
  auto desc = shell_options();
  // The shell's options come first; the first word that is neither an
  // option nor an option's value starts the command (whose own options,
  // e.g. `--watch`, are not the shell's). `--` ends the options too.
  int options_end = 1;
  while (options_end < argc) {
    std::string arg = argv[options_end];
    if (arg == "--" || arg.size() < 2 || arg[0] != '-')
      break;
    ++options_end;
    if (arg.find('=') != std::string::npos)
      continue;
    // Boost names a short option with its dash ("-c"), a long one without.
    const auto* opt = desc.find_nothrow(arg.rfind("--", 0) == 0 ? arg.substr(2) : arg, false);
    if (opt != nullptr && opt->semantic()->max_tokens() > 0)
      ++options_end; // its value
  }
  std::vector<std::string> words;
  for (int i = options_end; i < argc; ++i)
    if (!(i == options_end && std::string{argv[i]} == "--"))
      words.emplace_back(argv[i]);
  auto parsed = config::detail::parse_layers(desc, std::min(options_end, argc), argv, env);
  if (!parsed)
    return parsed.err();
  auto& vm = *parsed;
  config::parse_outcome<shell_config> out;
  if (auto text = config::detail::help_or_version(vm, desc, "troupe-shell")) {
    out.what = config::parse_outcome<shell_config>::action::print;
    out.text = std::move(*text);
    return out;
  }
  auto& cfg = out.config;
  auto node = config::parse_endpoint(config::detail::text(vm, "node"), "node");
  if (!node)
    return node.err();
  cfg.node = *node;
  cfg.command = config::detail::text(vm, "command");
  bool dash_c = !vm["command"].defaulted();
  if (dash_c && cfg.command.find_first_not_of(" \t") == std::string::npos)
    return config::make_error(config::config_errc::bad_value,
                              "--command: nothing to run (the command is empty)");
  if (!words.empty()) {
    if (dash_c)
      return config::make_error(config::config_errc::bad_value,
                                "a command both with -c and after the options: give one");
    auto line = command_line_of(words);
    if (!line)
      return line.err();
    cfg.command = *line;
  }
  cfg.json = vm["json"].as<bool>();
  auto timeout = config::detail::integer(vm, "timeout", 1, 3'600'000);
  if (!timeout)
    return timeout.err();
  cfg.timeout = std::chrono::milliseconds{*timeout};
  auto tls = config::detail::tls_options(vm);
  if (!tls)
    return tls.err();
  cfg.tls = std::move(*tls);
  cfg.token_file = config::detail::text(vm, "token-file");
  cfg.token = config::detail::text(vm, "token");
  return out;
}

} // namespace troupe::shell
