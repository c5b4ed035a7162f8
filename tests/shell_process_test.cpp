// troupe-shell against real troupe-node processes when things go wrong: a
// node SIGKILLed in the middle of a count, an import or a watch (the shell
// says it went away at once, not after --timeout), the interactive shell
// reconnecting once the node is back, Ctrl-C cancelling a command and not
// the shell (and ending a -c shell with 130), the history saved as typed.

#include <csignal>
#include <fcntl.h>
#include <fstream>
#include <iterator>
#include <sstream>
#include <sys/stat.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/node_runner.hpp"
#include "tests/node_shell.hpp"
#include "tests/process.hpp"
#include "tests/sample_workload.hpp"
#include "tests/temp_dir.hpp"

using namespace troupe::test;
using namespace std::chrono_literals;
using json = nlohmann::json;
using steady = std::chrono::steady_clock;

namespace {

std::string slurp(const std::filesystem::path& p) {
  std::ifstream in{p};
  return {std::istreambuf_iterator<char>{in}, std::istreambuf_iterator<char>{}};
}

std::size_t count_of(const std::string& text, const std::string& part) {
  std::size_t n = 0;
  for (auto at = text.find(part); at != std::string::npos; at = text.find(part, at + 1))
    ++n;
  return n;
}

/// An interactive troupe-shell whose stdin is a pipe the test writes
/// commands to (libedit reads it without a terminal); stdout and stderr go
/// to files in `dir`, HOME is `dir` (the history file lands there).
class piped_shell {
public:
  piped_shell(const temp_dir& dir, const std::string& address)
      : out_path_(dir / "shell.out"), err_path_(dir / "shell.err") {
    int fds[2]; // close-on-exec: a node started later must not hold the input open
    if (::pipe2(fds, O_CLOEXEC) != 0)
      throw std::runtime_error("pipe failed");
    pid_ = ::fork();
    if (pid_ == 0) {
      ::dup2(fds[0], 0);
      ::close(fds[0]);
      ::close(fds[1]);
      int out = ::open(out_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      int err = ::open(err_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      ::dup2(out, 1);
      ::dup2(err, 2);
      if (::chdir(dir.path().c_str()) != 0)
        ::_exit(126);
      ::setenv("HOME", dir.path().c_str(), 1);
      ::execl(shell_bin.c_str(), shell_bin.c_str(), "--node", address.c_str(),
              "--timeout", "60000", static_cast<char*>(nullptr));
      ::_exit(127);
    }
    ::close(fds[0]);
    in_ = fds[1];
  }
  ~piped_shell() {
    if (in_ >= 0)
      ::close(in_);
    if (running()) {
      ::kill(pid_, SIGKILL);
      wait_for(5s);
    }
  }

  void send(const std::string& line) {
    auto text = line + "\n";
    ASSERT_EQ(::write(in_, text.data(), text.size()), static_cast<ssize_t>(text.size()));
  }
  void close_input() {
    ::close(in_);
    in_ = -1;
  }
  void signal(int sig) { ::kill(pid_, sig); }
  std::string out() const { return slurp(out_path_); }
  std::string err() const { return slurp(err_path_); }

  /// Waits until stdout (or stderr) holds `part` `times` times.
  bool wait_out(const std::string& part, std::chrono::milliseconds limit,
                std::size_t times = 1) {
    return eventually([&] { return count_of(out(), part) >= times; }, limit);
  }
  bool wait_err(const std::string& part, std::chrono::milliseconds limit,
                std::size_t times = 1) {
    return eventually([&] { return count_of(err(), part) >= times; }, limit);
  }

  std::optional<int> wait_for(std::chrono::milliseconds limit) {
    if (status_)
      return status_;
    eventually(
        [&] {
          int st = 0;
          if (::waitpid(pid_, &st, WNOHANG) != pid_)
            return false;
          status_ = WIFEXITED(st) ? WEXITSTATUS(st) : -WTERMSIG(st);
          return true;
        },
        limit);
    return status_;
  }
  bool running() { return !wait_for(0ms).has_value(); }

private:
  std::filesystem::path out_path_, err_path_;
  pid_t pid_ = -1;
  int in_ = -1;
  std::optional<int> status_;
};

std::chrono::milliseconds since(steady::time_point t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(steady::now() - t);
}

class shell_process_test : public ::testing::Test {
protected:
  temp_dir dir;

  /// Sample customers imported and the sample campaign started at one
  /// customer a second: it runs for half an hour.
  void start_slow_campaign(const std::string& address) {
    sample_data data;
    ASSERT_NO_FATAL_FAILURE(generate_sample_data(dir, 2000, 200, 5, data));
    auto spec = json::parse(std::ifstream{dir / "campaign.json"});
    spec["rate_limit"] = 1;
    std::ofstream{dir / "campaign.json"} << spec.dump();
    EXPECT_EQ(shell_json(dir, address, "import customers customers.jsonl")["imported"],
              2000);
    shell_json(dir, address, "import corpus corpus.jsonl");
    shell_json(dir, address, "campaign create campaign.json");
    EXPECT_EQ(shell_json(dir, address, "campaign start " + sample_campaign)["state"],
              "running");
  }
};

} // namespace

TEST_F(shell_process_test,
       a_count_fails_at_once_when_its_node_dies_and_the_shell_reconnects) {
  auto n = std::make_unique<running_node>(dir);
  ASSERT_TRUE(n->wait_ready()) << n->proc->err();
  auto address = n->address();
  auto port = n->cluster_port;
  piped_shell shell{dir, address};
  ASSERT_TRUE(shell.wait_out("connected to " + address, 20s)) << shell.err();
  shell.send("health");
  ASSERT_TRUE(shell.wait_out("ready     yes", 10s)) << shell.out() << shell.err();
  // The node stops answering while the count is asked, then dies: the
  // shell waits on the request (an hour allowed for a count) until the
  // connection drops.
  n->proc->signal(SIGSTOP);
  shell.send("segment count 'order_count > 1'");
  std::this_thread::sleep_for(500ms);
  auto killed = steady::now();
  n->proc->signal(SIGKILL);
  ASSERT_TRUE(shell.wait_err("error: node " + address + " went away", 20s))
      << shell.err();
  EXPECT_LT(since(killed), 5s);
  EXPECT_TRUE(shell.running());

  // While it is down the shell says so, and stays.
  n->proc->wait_for(5s);
  shell.send("health");
  ASSERT_TRUE(shell.wait_err("went away and is not back", 30s)) << shell.err();
  EXPECT_TRUE(shell.running());

  // Back on the same port and data dir: the next command reconnects.
  n = std::make_unique<running_node>(dir, "n1", "data", std::vector<std::string>{}, port);
  ASSERT_TRUE(n->wait_ready()) << n->proc->err();
  shell.send("health");
  ASSERT_TRUE(shell.wait_out("ready     yes", 20s, 2)) << shell.out() << shell.err();
  EXPECT_TRUE(contains(shell.out(), "reconnected to " + address)) << shell.out();
  shell.send("segment count 'order_count > 1'");
  ASSERT_TRUE(shell.wait_out("\n0\n", 20s)) << shell.out() << shell.err(); // the count's line

  // Every command is in the history file already, before the shell ends.
  auto history = slurp(dir / ".troupe_history");
  EXPECT_EQ(count_of(history, "health\n"), 3u) << history;
  EXPECT_EQ(count_of(history, "segment count 'order_count > 1'\n"), 2u) << history;
  shell.close_input();
  EXPECT_EQ(shell.wait_for(20s), std::optional<int>{0}) << shell.err();
}

TEST_F(shell_process_test, an_import_fails_at_once_when_its_node_dies) {
  running_node n{dir};
  ASSERT_TRUE(n.wait_ready()) << n.proc->err();
  // The file is a FIFO: the shell has connected by the time it opens it,
  // and it is mid-request once the stopped node holds its chunks.
  auto fifo = dir / "customers.fifo";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  process shell{shell_bin,
                {"--node", n.address(), "--timeout", "60000", "-c",
                 "import customers " + fifo.string()},
                dir.path()};
  int writer = ::open(fifo.c_str(), O_WRONLY);
  ASSERT_GE(writer, 0);
  n.proc->signal(SIGSTOP);
  std::string lines;
  for (int i = 0; i < 5000; ++i)
    lines += R"({"id":"c)" + std::to_string(i) +
             R"(","email":"c@example.com"})"
             "\n";
  ASSERT_EQ(::write(writer, lines.data(), lines.size()),
            static_cast<ssize_t>(lines.size()));
  std::this_thread::sleep_for(500ms);
  EXPECT_TRUE(shell.running()) << shell.err();
  auto killed = steady::now();
  n.proc->signal(SIGKILL);
  auto code = shell.wait_for(20s);
  ::close(writer);
  ASSERT_EQ(code, std::optional<int>{1}) << shell.out() << shell.err();
  EXPECT_LT(since(killed), 5s);
  EXPECT_TRUE(contains(shell.err(), "error: node " + n.address() + " went away"))
      << shell.err();
}

TEST_F(shell_process_test,
       a_watch_fails_at_once_when_its_node_dies_and_ctrl_c_ends_a_c_shell) {
  running_node n{dir};
  ASSERT_TRUE(n.wait_ready()) << n.proc->err();
  ASSERT_NO_FATAL_FAILURE(start_slow_campaign(n.address()));
  std::vector<std::string> watch{
      "--node", n.address(), "--timeout",
      "60000",  "-c",        "campaign status " + sample_campaign + " --watch"};

  process interrupted{shell_bin, watch, dir.path()};
  std::this_thread::sleep_for(1500ms);
  ASSERT_TRUE(interrupted.running()) << interrupted.err();
  interrupted.signal(SIGINT);
  EXPECT_EQ(interrupted.wait_for(10s), std::optional<int>{130}) << interrupted.err();

  process watching{shell_bin, watch, dir.path()};
  std::this_thread::sleep_for(1500ms);
  ASSERT_TRUE(watching.running()) << watching.err();
  auto killed = steady::now();
  n.proc->signal(SIGKILL);
  ASSERT_EQ(watching.wait_for(20s), std::optional<int>{1})
      << watching.out() << watching.err();
  EXPECT_LT(since(killed), 5s);
  EXPECT_TRUE(contains(watching.err(), "error: node " + n.address() + " went away"))
      << watching.err();
}

TEST_F(shell_process_test, ctrl_c_cancels_the_running_command_not_the_shell) {
  running_node n{dir};
  ASSERT_TRUE(n.wait_ready()) << n.proc->err();
  ASSERT_NO_FATAL_FAILURE(start_slow_campaign(n.address()));
  piped_shell shell{dir, n.address()};
  ASSERT_TRUE(shell.wait_out("connected to ", 20s)) << shell.err();
  // At the prompt Ctrl-C gives a fresh line and nothing else.
  shell.signal(SIGINT);
  std::this_thread::sleep_for(300ms);
  ASSERT_TRUE(shell.running()) << shell.err();

  auto watch = "campaign status " + sample_campaign + " --watch";
  shell.send(watch);
  std::this_thread::sleep_for(1500ms);
  ASSERT_TRUE(shell.running()) << shell.err();
  auto pressed = steady::now();
  shell.signal(SIGINT);
  ASSERT_TRUE(shell.wait_err("cancelled\n", 10s)) << shell.err();
  EXPECT_LT(since(pressed), 2s);
  EXPECT_FALSE(contains(shell.err(), "error: cancelled")) << shell.err();
  EXPECT_TRUE(shell.running());
  // The watch is in the history file while the shell still runs.
  EXPECT_TRUE(contains(slurp(dir / ".troupe_history"), watch + "\n"));

  shell.send("health");
  ASSERT_TRUE(shell.wait_out("ready     yes", 10s)) << shell.out() << shell.err();
  shell.send("campaign status " + sample_campaign);
  ASSERT_TRUE(shell.wait_out("state      running", 10s)) << shell.out() << shell.err();
  auto history = slurp(dir / ".troupe_history");
  EXPECT_TRUE(
      contains(history, watch + "\nhealth\ncampaign status " + sample_campaign + "\n"))
      << history;
  auto mode = std::filesystem::status(dir / ".troupe_history").permissions();
  EXPECT_EQ(mode & std::filesystem::perms::all,
            std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  shell.send("quit");
  EXPECT_TRUE(shell.wait_for(20s).has_value()) << shell.err();
}

TEST_F(shell_process_test, a_command_as_plain_words_runs_and_nothing_to_run_is_a_usage_error) {
  running_node n{dir};
  ASSERT_TRUE(n.wait_ready()) << n.proc->err();
  // As kubectl and redis-cli take it: the words after the options.
  auto health = run(shell_bin, {"--node", n.address(), "--json", "health"}, dir.path(), 20s);
  EXPECT_EQ(health.code, 0) << health.err;
  EXPECT_EQ(json::parse(health.out)["ready"], true) << health.out;
  auto quoted = run(shell_bin, {"--node", n.address(), "--json", "segment", "count",
                                "region = 'CA'"},
                    dir.path(), 20s);
  EXPECT_EQ(quoted.code, 0) << quoted.err;
  EXPECT_EQ(json::parse(quoted.out)["count"], 0) << quoted.out;
  // Nothing to run: an empty -c, or no command and no terminal (stdin is
  // /dev/null here): exit 2, saying why; nothing printed on stdout.
  auto empty = run(shell_bin, {"--node", n.address(), "-c", ""}, dir.path(), 20s);
  EXPECT_EQ(empty.code, 2) << empty.err;
  EXPECT_TRUE(contains(empty.err, "nothing to run")) << empty.err;
  auto none = run(shell_bin, {"--node", n.address()}, dir.path(), 20s);
  EXPECT_EQ(none.code, 2) << none.err;
  EXPECT_TRUE(contains(none.err, "nothing to run: no command given and stdin is not a terminal"))
    << none.err;
  // Both ways at once is one too many.
  auto both = run(shell_bin, {"--node", n.address(), "-c", "health", "nodes"}, dir.path(), 20s);
  EXPECT_EQ(both.code, 2) << both.err;
}

TEST_F(shell_process_test, watch_streams_json_lines_off_a_terminal_and_export_writes_to_stdout) {
  running_node n{dir};
  ASSERT_TRUE(n.wait_ready()) << n.proc->err();
  sample_data data;
  ASSERT_NO_FATAL_FAILURE(generate_sample_data(dir, 2000, 200, 5, data));
  auto spec = json::parse(std::ifstream{dir / "campaign.json"});
  spec["rate_limit"] = 1000; // two seconds and more: several polls
  std::ofstream{dir / "campaign.json"} << spec.dump();
  shell_json(dir, n.address(), "import customers customers.jsonl");
  shell_json(dir, n.address(), "import corpus corpus.jsonl");
  shell_json(dir, n.address(), "campaign create campaign.json");
  shell_json(dir, n.address(), "campaign start " + sample_campaign);
  // stdout is a file here, not a terminal: a JSON line per poll, no escapes.
  auto watched = run(shell_bin, {"--node", n.address(), "campaign", "status", sample_campaign,
                                 "--watch"},
                     dir.path(), 120s);
  ASSERT_EQ(watched.code, 0) << watched.err;
  EXPECT_EQ(watched.out.find('\x1b'), std::string::npos) << "no terminal escapes";
  std::istringstream lines{watched.out};
  std::vector<json> frames;
  for (std::string line; std::getline(lines, line);)
    frames.push_back(json::parse(line)); // throws (fails) on a line that is not JSON
  ASSERT_GE(frames.size(), 2u) << watched.out;
  EXPECT_EQ(frames.front()["campaign_id"], sample_campaign);
  EXPECT_EQ(frames.back()["state"], "completed");
  EXPECT_LE(frames.front()["processed"].get<uint64_t>(),
            frames.back()["processed"].get<uint64_t>());
  // The deliveries on stdout, the count on stderr.
  auto exported = run(shell_bin, {"--node", n.address(), "campaign", "export", sample_campaign, "-"},
                      dir.path(), 60s);
  ASSERT_EQ(exported.code, 0) << exported.err;
  auto delivered = frames.back()["delivered"].get<std::size_t>();
  std::istringstream records{exported.out};
  std::size_t count = 0;
  for (std::string line; std::getline(records, line); ++count)
    EXPECT_EQ(json::parse(line)["campaign_id"], sample_campaign);
  EXPECT_EQ(count, delivered);
  EXPECT_TRUE(contains(exported.err, "exported " + std::to_string(delivered) + " deliveries of "
                                       + sample_campaign + " to stdout"))
    << exported.err;
  EXPECT_FALSE(std::filesystem::exists(dir / "-")) << "no file named '-'";
}
