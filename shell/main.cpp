// troupe-shell: the Troupe admin shell. See `troupe-shell --help`.

#include <cstdlib>
#include <iostream>
#include <memory>

#include <caf/all.hpp>
#include <caf/io/all.hpp>
#include <editline/readline.h>

#include "shell/credentials.hpp"
#include "wire/transport.hpp"
#include "cluster/wire_types.hpp"
#include "shell/config.hpp"
#include "shell/client.hpp"
#include "shell/commands.hpp"

namespace {

std::string history_path() {
  const char* home = std::getenv("HOME");
  return home != nullptr ? std::string{home} + "/.troupe_history" : std::string{};
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
            << "; type help for commands, quit to leave\n";
  auto history = history_path();
  using_history();
  if (!history.empty())
    read_history(history.c_str());
  auto prompt = "troupe " + cfg.node.to_string() + "> ";
  int last = exit_ok;
  while (char* raw = readline(prompt.c_str())) {
    std::string line{raw};
    std::free(raw);
    if (line.find_first_not_of(" \t") == std::string::npos)
      continue;
    add_history(line.c_str());
    if (line == "quit" || line == "exit")
      break;
    last = run_command(line, cfg.json, client, std::cout, std::cerr);
  }
  if (!history.empty())
    write_history(history.c_str());
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
  caf::actor_system system{actor_cfg};
  wire::client_transport transport{system, std::move(*creds)};
  int code = 0;
  {
    std::unique_ptr<shell::shell_client> client;
    shell::client_source source = [&]() -> result<shell::shell_client*> {
      if (!client) {
        auto c = shell::shell_client::connect(system, transport.actor(), transport.gate(),
                                              cfg.node, cfg.timeout);
        if (!c)
          return c.err();
        client = std::move(*c);
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
