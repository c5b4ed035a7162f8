// troupe-shell: the Troupe admin shell. See `troupe-shell --help`.

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <vector>
#include <iostream>
#include <memory>
#include <string>
#include <utility>

#include <unistd.h>

#include <caf/all.hpp>
#include <caf/io/all.hpp>
#include <editline/readline.h>

#include "cluster/wire_types.hpp"
#include "runtime/runtime_error.hpp"
#include "shell/client.hpp"
#include "shell/commands.hpp"
#include "shell/completion.hpp"
#include "shell/config.hpp"
#include "shell/credentials.hpp"
#include "shell/history_file.hpp"
#include "shell/interrupt.hpp"
#include "wire/transport.hpp"

namespace {

// readline's completion callbacks take no context: what they need is here,
// set while the interactive shell runs, on its one thread.
std::function<std::vector<std::string>()> completion_ids;
std::vector<std::string> completion_matches;

char* next_match(const char*, int state) {
  static std::size_t next = 0;
  if (state == 0)
    next = 0;
  return next < completion_matches.size() ? ::strdup(completion_matches[next++].c_str())
                                          : nullptr;
}

char* no_file_names(const char*, int) { return nullptr; }

/// Tab: commands, subcommands, options and campaign ids (shell/completion).
char** complete(const char* text, int start, int) {
  rl_attempted_completion_over = 1;
  std::string before{rl_line_buffer, static_cast<std::size_t>(std::max(0, start))};
  completion_matches = troupe::shell::completions(before, text, completion_ids);
  if (completion_matches.empty())
    return nullptr;
  return rl_completion_matches(text, next_match);
}

std::string history_path() {
  const char* home = std::getenv("HOME");
  return home != nullptr && *home != '\0' ? std::string{home} + "/.troupe_history"
                                          : std::string{};
}

int interactive(const troupe::shell::shell_config& cfg,
                const troupe::shell::client_source& client) {
  using namespace troupe::shell;
  auto connected = client();
  if (!connected) {
    std::cerr << "error: " << connected.err().message() << "\n";
    return exit_failed;
  }
  std::cout << "connected to " << cfg.node.to_string()
            << "; type help for commands, quit to leave" << std::endl;
  auto history = history_path();
  completion_ids = [&client]() -> std::vector<std::string> {
    std::vector<std::string> ids;
    if (auto c = client())
      if (auto list = (*c)->campaigns())
        for (const auto& s : *list)
          ids.push_back(s.id);
    return ids;
  };
  rl_attempted_completion_function = complete;
  rl_completion_entry_function = no_file_names;
  using_history();
  stifle_history(static_cast<int>(history_cap));
  for (const auto& command : load_history(history))
    add_history(command.c_str());
  bool warned = false;
  auto prompt = "troupe " + cfg.node.to_string() + "> ";
  int last = exit_ok;
  int ran = 0;
  for (;;) {
    clear_interrupt();
    char* raw = readline(prompt.c_str());
    if (raw == nullptr) {
      if (interrupt_requested()) { // Ctrl-C at the prompt: a fresh line
        std::cout << "\n" << std::flush;
        continue;
      }
      break; // end of input
    }
    std::string line{raw};
    std::free(raw);
    if (line.find_first_not_of(" \t") == std::string::npos)
      continue;
    add_history(line.c_str());
    // Saved as it is typed: a shell that is killed keeps its history.
    if (auto saved =
            history.empty() ? troupe::status::success() : append_history(history, line);
        !saved && !warned) {
      std::cerr << "warning: " << saved.err().message() << "\n";
      warned = true;
    }
    if (line == "quit" || line == "exit")
      break;
    clear_interrupt();
    ++ran;
    last = run_command(line, cfg.json, client, std::cout, std::cerr);
    std::cout << std::flush;
  }
  completion_ids = nullptr; // it holds `client`, which is not ours beyond here
  // Commands piped in that were none at all: nothing was asked, which a
  // script should hear about (a terminal's user who quits has not erred).
  if (ran == 0 && !isatty(STDIN_FILENO)) {
    std::cerr << "troupe-shell: nothing to run: no command given and stdin is not a terminal "
                 "(give one: troupe-shell health, or -c 'health', or commands on stdin)\n";
    return exit_usage;
  }
  return last;
}

} // namespace

int main(int argc, char** argv) {
  using namespace troupe;
  auto parsed = shell::parse_shell_options(argc, argv, config::environment());
  if (auto code = config::exit_before_run(parsed, "troupe-shell", std::cout, std::cerr))
    return *code;
  const auto& cfg = parsed->config;
  caf::actor_system_config actor_cfg;
  actor_cfg.set("scheduler.max-threads", size_t{2});
  auto creds = shell::shell_credentials(cfg);
  if (!creds) {
    std::cerr << "troupe-shell: " << creds.err().message() << "\n";
    return 2;
  }
  wire::load_transport(actor_cfg, cfg.tls);
  cluster::register_wire_types(actor_cfg);
  // CAF's threads start with SIGINT blocked: Ctrl-C reaches this thread.
  shell::block_interrupts_here();
  caf::actor_system system{actor_cfg};
  wire::client_transport transport{system, std::move(*creds)};
  shell::install_interrupt_handler(cfg.command.empty()
                                       ? shell::on_interrupt::cancel_command
                                       : shell::on_interrupt::exit_130);
  int code = 0;
  {
    std::unique_ptr<shell::shell_client> client;
    bool lost = false; // the node went away and no connection since
    // After the node went away, the next command connects again.
    shell::client_source source = [&]() -> result<shell::shell_client*> {
      if (client && client->gone()) {
        client.reset();
        lost = true;
      }
      if (!client) {
        auto c = shell::shell_client::connect(system, transport.actor(), transport.gate(),
                                              cfg.node, cfg.timeout);
        if (!c && lost)
          return runtime::make_error(
              runtime::runtime_errc::unreachable,
              "node " + cfg.node.to_string() +
                  " went away and is not back: " + c.err().message());
        if (!c)
          return c.err();
        client = std::move(*c);
        if (std::exchange(lost, false))
          std::cout << "reconnected to " << cfg.node.to_string() << "\n";
      }
      return client.get();
    };
    if (!cfg.command.empty())
      code = shell::run_command(cfg.command, cfg.json, source, std::cout, std::cerr);
    else
      code = interactive(cfg, source);
  }
  return code;
}
