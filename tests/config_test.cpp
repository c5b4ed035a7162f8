// config/: precedence of command line > env > file > defaults, and errors
// that name the option and the value.

#include <cstdlib>
#include <fstream>

#include <gtest/gtest.h>

#include "config/config_error.hpp"
#include "config/fault_spec.hpp"
#include "config/node_config.hpp"
#include "shell/config.hpp"
#include "shell/tokenizer.hpp"
#include "tests/temp_dir.hpp"

using namespace troupe;
using namespace troupe::config;
using namespace troupe::shell;

namespace {

struct args {
  std::vector<std::string> words;
  std::vector<const char*> argv;
  explicit args(std::vector<std::string> w) : words(std::move(w)) {
    argv.push_back("troupe-node");
    for (auto& x : words)
      argv.push_back(x.c_str());
  }
  int argc() const { return static_cast<int>(argv.size()); }
};

class config_test : public ::testing::Test {
protected:
  test::temp_dir dir;

  result<parse_outcome<node_config>> parse(std::vector<std::string> words,
                                           env_map env = {}) {
    bool has_data_dir = false;
    for (auto& w : words)
      has_data_dir = has_data_dir || w.rfind("--data-dir", 0) == 0;
    if (!has_data_dir && env.count("TROUPE_DATA_DIR") == 0)
      words.push_back("--data-dir=" + (dir / "data").string());
    args a{std::move(words)};
    return parse_node_options(a.argc(), a.argv.data(), env);
  }

  std::string write_file(const std::string& text) {
    auto path = (dir / "troupe.ini").string();
    std::ofstream{path} << text;
    return path;
  }
};

} // namespace

TEST_F(config_test, defaults_apply_when_nothing_is_given) {
  auto r = parse({});
  ASSERT_TRUE(r.ok()) << r.err().message();
  EXPECT_EQ(r->what, parse_outcome<node_config>::action::run);
  EXPECT_EQ(r->config.node_id, "n1");
  EXPECT_EQ(r->config.cluster_port, 7401);
  EXPECT_EQ(r->config.http_port, 9401);
  EXPECT_EQ(r->config.scheduler_threads, 2u);
  EXPECT_EQ(r->config.pipeline_nice, 5);
  EXPECT_EQ(r->config.shards, 64u);
}

TEST_F(config_test, data_dir_defaults_to_var_and_node_id) {
  auto old = std::filesystem::current_path();
  std::filesystem::current_path(dir.path());
  args a{{"--node-id", "n7"}};
  auto r = parse_node_options(a.argc(), a.argv.data(), {});
  std::filesystem::current_path(old);
  ASSERT_TRUE(r.ok()) << r.err().message();
  EXPECT_EQ(r->config.data_dir, std::filesystem::path("var") / "n7");
  EXPECT_TRUE(std::filesystem::is_directory(dir / "var" / "n7"));
}

TEST_F(config_test, command_line_beats_env_beats_file_beats_default) {
  auto file = write_file("http-port = 9001\ncluster-port = 7001\nnode-id = from-file\n"
                         "shards = 16\n");
  env_map env{{"TROUPE_HTTP_PORT", "9002"}, {"TROUPE_CLUSTER_PORT", "7002"}};
  auto r = parse({"--config", file, "--http-port", "9003"}, env);
  ASSERT_TRUE(r.ok()) << r.err().message();
  EXPECT_EQ(r->config.http_port, 9003);        // command line
  EXPECT_EQ(r->config.cluster_port, 7002);     // env over file
  EXPECT_EQ(r->config.node_id, "from-file");   // file over default
  EXPECT_EQ(r->config.shards, 16u);            // file over default
  EXPECT_EQ(r->config.scheduler_threads, 2u);
  EXPECT_EQ(r->config.pipeline_nice, 5);  // default
}

TEST_F(config_test, config_file_can_be_named_in_the_environment) {
  auto file = write_file("node-id = via-env-file\n");
  auto r = parse({}, {{"TROUPE_CONFIG", file}});
  ASSERT_TRUE(r.ok()) << r.err().message();
  EXPECT_EQ(r->config.node_id, "via-env-file");
}

TEST_F(config_test, unrelated_env_variables_are_ignored) {
  auto r = parse({}, {{"TROUPE_SOMETHING_ELSE", "x"}, {"HOME", "/root"}});
  ASSERT_TRUE(r.ok()) << r.err().message();
}

TEST_F(config_test, port_out_of_range_names_option_and_value) {
  auto r = parse({"--http-port", "99999"});
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(r.err().is(config_errc::bad_value));
  EXPECT_NE(r.err().message().find("http-port"), std::string::npos) << r.err().message();
  EXPECT_NE(r.err().message().find("99999"), std::string::npos) << r.err().message();
}

TEST_F(config_test, negative_and_non_numeric_ports_are_refused) {
  for (std::string bad : {"-1", "abc", "70000", "12x"}) {
    auto r = parse({"--cluster-port=" + bad});
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_NE(r.err().message().find("cluster-port"), std::string::npos);
    EXPECT_NE(r.err().message().find(bad), std::string::npos) << r.err().message();
  }
}

TEST_F(config_test, bad_env_value_names_the_option) {
  auto r = parse({}, {{"TROUPE_HTTP_PORT", "65536"}});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.err().message().find("http-port"), std::string::npos);
  EXPECT_NE(r.err().message().find("65536"), std::string::npos);
}

TEST_F(config_test, unknown_option_is_refused) {
  auto r = parse({"--no-such-option", "1"});
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(r.err().is(config_errc::unknown_option));
  EXPECT_NE(r.err().message().find("no-such-option"), std::string::npos);
}

TEST_F(config_test, unknown_option_in_file_names_file_and_option) {
  auto file = write_file("htp-port = 9000\n");
  auto r = parse({"--config", file});
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(r.err().is(config_errc::unknown_option));
  EXPECT_NE(r.err().message().find("htp-port"), std::string::npos);
  EXPECT_NE(r.err().message().find(file), std::string::npos);
}

TEST_F(config_test, missing_config_file_is_refused) {
  auto r = parse({"--config", (dir / "nope.ini").string()});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.err().message().find("nope.ini"), std::string::npos);
}

TEST_F(config_test, unwritable_data_dir_is_refused) {
  // A data dir below a regular file cannot be created, even as root.
  std::ofstream{dir / "plain-file"} << "x";
  auto bad = (dir / "plain-file" / "data").string();
  auto r = parse({"--data-dir", bad});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.err().message().find("data-dir"), std::string::npos);
  EXPECT_NE(r.err().message().find(bad), std::string::npos);
}

TEST_F(config_test, bad_node_id_and_log_level_are_refused) {
  auto r = parse({"--node-id", "bad id!"});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.err().message().find("node-id"), std::string::npos);
  r = parse({"--log-level", "chatty"});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.err().message().find("chatty"), std::string::npos);
  r = parse({"--scheduler-threads", "0"});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.err().message().find("scheduler-threads"), std::string::npos);
  r = parse({"--pipeline-nice", "20"});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.err().message().find("pipeline-nice"), std::string::npos);
  r = parse({"--pipeline-nice", "0"});
  ASSERT_TRUE(r.ok()) << r.err().message();
  EXPECT_EQ(r->config.pipeline_nice, 0);
}

TEST_F(config_test, the_contact_policy_options_are_checked_naming_the_option_and_value) {
  auto r = parse({});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->config.frequency_cap, 0u);
  EXPECT_EQ(r->config.quiet_hours, "");
  EXPECT_EQ(r->config.holdout_basis_points, 0u);
  EXPECT_FALSE(r->config.holdout_change);
  r = parse({"--frequency-cap", "3", "--quiet-hours", "21:30-07:15", "--holdout-percent", "2.5",
             "--holdout-change"});
  ASSERT_TRUE(r.ok()) << r.err().message();
  EXPECT_EQ(r->config.frequency_cap, 3u);
  EXPECT_EQ(r->config.quiet_hours, "21:30-07:15");
  EXPECT_EQ(r->config.holdout_basis_points, 250u);
  EXPECT_TRUE(r->config.holdout_change);
  for (std::vector<std::string> bad :
       {std::vector<std::string>{"--frequency-cap", "-1"}, {"--frequency-cap", "1001"},
        {"--quiet-hours", "22:00"}, {"--quiet-hours", "24:00-08:00"},
        {"--holdout-percent", "100.5"}, {"--holdout-percent", "nan"},
        {"--holdout-percent", "-1"}}) {
    auto refused = parse(bad);
    ASSERT_FALSE(refused.ok()) << bad[0] << " " << bad[1];
    EXPECT_NE(refused.err().message().find(bad[0].substr(2)), std::string::npos)
      << refused.err().message();
    EXPECT_NE(refused.err().message().find(bad[1]), std::string::npos) << refused.err().message();
  }
}

TEST_F(config_test, etcd_endpoints_and_credentials_are_checked_naming_the_option) {
  auto r = parse({});
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r->config.etcd.enabled()) << "no --etcd: a cluster of one";
  r = parse({"--etcd", "http://127.0.0.1:2379, https://etcd-2:2379"});
  ASSERT_TRUE(r.ok()) << r.err().message();
  EXPECT_EQ(r->config.etcd.endpoints,
            (std::vector<std::string>{"http://127.0.0.1:2379", "https://etcd-2:2379"}));
  EXPECT_EQ(r->config.etcd.prefix, "/troupe/");
  EXPECT_EQ(r->config.etcd.lease_ttl_seconds, 3u);
  auto refused = [&](std::vector<std::string> words, const std::string& part) {
    auto bad = parse(std::move(words));
    ASSERT_FALSE(bad.ok()) << part;
    EXPECT_NE(bad.err().message().find(part), std::string::npos) << bad.err().message();
  };
  const std::pair<std::string, std::string> bad[] = {
    {"http://a:1,ftp://b:2", "'ftp://b:2' for --etcd: the scheme 'ftp'"},
    {"a:1", "'a:1' for --etcd: expected http://HOST:PORT"},
    {"http://a", "'http://a' for --etcd: HOST:PORT required"},
    {"http://:5", "'http://:5' for --etcd: HOST:PORT required"},
    {"http://a:0", "'http://a:0'"},
    {"http://a:70000", "'http://a:70000'"},
    {"http://a:x", "'http://a:x'"},
    {"http://a:1/v3", "a path after HOST:PORT"},
    {"http://a:1,,http://b:2", "an empty entry"}};
  for (const auto& [text, part] : bad)
    refused({"--etcd", text}, part);
  refused({"--etcd", "http://h:1", "--etcd-cert-file", "c.pem"}, "--etcd-key-file");
  refused({"--etcd", "http://h:1", "--etcd-user", "root"}, "--etcd-password-file");
  refused({"--etcd", "http://h:1", "--etcd-user", "root", "--etcd-password-file",
           (dir / "none").string()},
          "etcd-password-file");
  refused({"--lease-ttl-seconds", "1"}, "lease-ttl-seconds");
  refused({"--lease-ttl-seconds", "2", "--heartbeat-interval-ms", "1000"},
          "under half of --lease-ttl-seconds");
  std::ofstream{dir / "password"} << "s3cret\nignored\n";
  r = parse({"--etcd", "http://h:1", "--etcd-user", "root", "--etcd-password-file",
             (dir / "password").string()});
  ASSERT_TRUE(r.ok()) << r.err().message();
  EXPECT_EQ(r->config.etcd.password, "s3cret");
}

TEST_F(config_test, help_lists_every_option) {
  auto r = parse({"--help"});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->what, parse_outcome<node_config>::action::print);
  for (auto opt : {"--config", "--node-id", "--data-dir", "--cluster-host",
                   "--cluster-port", "--http-host", "--http-port",
                   "--scheduler-threads", "--shards", "--log-level", "--version",
                   "--etcd", "--etcd-prefix", "--lease-ttl-seconds"})
    EXPECT_NE(r->text.find(opt), std::string::npos) << opt;
}

TEST_F(config_test, version_prints_the_version) {
  auto r = parse({"--version"});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->text, std::string{"troupe-node "} + TROUPE_VERSION + "\n");
}

TEST(shell_config_test, node_endpoint_and_flags) {
  args a{{"--node", "10.1.2.3:7555", "-c", "health", "--json", "--timeout", "250"}};
  auto r = parse_shell_options(a.argc(), a.argv.data(), {});
  ASSERT_TRUE(r.ok()) << r.err().message();
  EXPECT_EQ(r->config.node.host, "10.1.2.3");
  EXPECT_EQ(r->config.node.port, 7555);
  EXPECT_EQ(r->config.command, "health");
  EXPECT_TRUE(r->config.json);
  EXPECT_EQ(r->config.timeout.count(), 250);
}

TEST(shell_config_test, a_command_may_follow_the_options_as_plain_words) {
  args a{{"--node", "10.1.2.3:7555", "--json", "campaign", "status", "c1"}};
  auto r = parse_shell_options(a.argc(), a.argv.data(), {});
  ASSERT_TRUE(r.ok()) << r.err().message();
  EXPECT_EQ(r->config.command, "campaign status c1");
  EXPECT_TRUE(r->config.json);
  // Words with spaces or quotes come back to the tokenizer as they were.
  args b{{"segment", "count", "region = 'CA'"}};
  r = parse_shell_options(b.argc(), b.argv.data(), {});
  ASSERT_TRUE(r.ok()) << r.err().message();
  EXPECT_EQ(r->config.command, R"(segment count "region = 'CA'")");
  auto words = split_command_line(r->config.command);
  ASSERT_TRUE(words.ok());
  EXPECT_EQ(*words, (std::vector<std::string>{"segment", "count", "region = 'CA'"}));
  EXPECT_EQ(*command_line_of({"a b", ""}), "'a b' ''");
  auto both = command_line_of({"it's \"x\""});
  ASSERT_FALSE(both.ok());
  EXPECT_NE(both.err().message().find("-c"), std::string::npos) << both.err().message();
}

TEST(shell_config_test, nothing_to_run_or_two_commands_are_usage_errors) {
  args empty{{"-c", " "}};
  auto r = parse_shell_options(empty.argc(), empty.argv.data(), {});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.err().message(), "--command: nothing to run (the command is empty)");
  args two{{"-c", "health", "nodes"}};
  r = parse_shell_options(two.argc(), two.argv.data(), {});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.err().message().find("give one"), std::string::npos) << r.err().message();
  args none{{}};
  r = parse_shell_options(none.argc(), none.argv.data(), {});
  ASSERT_TRUE(r.ok()) << "interactive";
  EXPECT_EQ(r->config.command, "");
}

TEST(shell_config_test, env_sets_node_and_json_flag) {
  args a{{}};
  auto r = parse_shell_options(a.argc(), a.argv.data(),
                               {{"TROUPE_NODE", "host:1234"}, {"TROUPE_JSON", "1"}});
  ASSERT_TRUE(r.ok()) << r.err().message();
  EXPECT_EQ(r->config.node.port, 1234);
  EXPECT_TRUE(r->config.json);
}

TEST(shell_config_test, bad_node_address_names_the_option) {
  for (std::string bad : {"localhost", "host:", ":7401", "host:0", "host:abc", "host:70000"}) {
    args a{{"--node", bad}};
    auto r = parse_shell_options(a.argc(), a.argv.data(), {});
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_NE(r.err().message().find("--node"), std::string::npos) << r.err().message();
    EXPECT_NE(r.err().message().find(bad), std::string::npos) << r.err().message();
  }
}

TEST_F(config_test, runtime_options_are_parsed_and_checked) {
  auto r = parse({"--max-live-customers", "5000", "--breaker-error-rate", "0.25",
                  "--generate-rate", "12.5", "--restart-budget", "2",
                  "--fault-generate", "failure-rate=0.3,latency-ms=40"});
  ASSERT_TRUE(r.ok()) << r.err().message();
  EXPECT_EQ(r->config.max_live_customers, 5000u);
  EXPECT_DOUBLE_EQ(r->config.breaker_error_rate, 0.25);
  EXPECT_DOUBLE_EQ(r->config.generate_rate, 12.5);
  EXPECT_EQ(r->config.restart_budget, 2u);
  EXPECT_TRUE(r->config.fault_generate.enabled);
  EXPECT_DOUBLE_EQ(r->config.fault_generate.failure_rate, 0.3);
  EXPECT_EQ(r->config.fault_generate.latency_ms, 40u);
  EXPECT_FALSE(r->config.fault_generate.hang);
  auto defaults = parse({});
  ASSERT_TRUE(defaults.ok());
  EXPECT_FALSE(defaults->config.fault_generate.enabled);

  for (auto bad : std::vector<std::vector<std::string>>{
         {"--breaker-error-rate", "1.5"},
         {"--generate-rate", "fast"},
         {"--max-live-customers", "0"},
         {"--fault-generate", "failure-rate=2"},
         {"--fault-generate", "explode"}}) {
    auto e = parse(bad);
    ASSERT_FALSE(e.ok()) << bad[0] << " " << bad[1];
    EXPECT_NE(e.err().message().find(bad[0].substr(2)), std::string::npos) << e.err().message();
    EXPECT_NE(e.err().message().find(bad[1]), std::string::npos) << e.err().message();
  }
}

TEST_F(config_test, blocklist_file_is_read_and_a_missing_one_refused) {
  auto path = write_file("# comment\nscam\n\n  act now  \nrisk-free\n");
  auto r = parse({"--blocklist", path});
  ASSERT_TRUE(r.ok()) << r.err().message();
  EXPECT_EQ(r->config.blocklist, (std::vector<std::string>{"scam", "act now", "risk-free"}));
  auto missing = parse({"--blocklist", (dir / "none.txt").string()});
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.err().message().find("--blocklist"), std::string::npos);
  EXPECT_NE(missing.err().message().find("none.txt"), std::string::npos);
}

TEST(config_loopback_test, loopback_forms_and_not_every_address_forms) {
  for (auto host : {"127.0.0.1", "127.0.0.53", "127.255.255.254", "::1", "localhost",
                    "LocalHost", "0:0:0:0:0:0:0:1"})
    EXPECT_TRUE(is_loopback_host(host)) << host;
  for (auto host : {"0.0.0.0", "::", "", "10.0.0.1", "128.0.0.1", "::ffff:10.0.0.1",
                    "example.com", "localhost.example.com", "127.1"})
    EXPECT_FALSE(is_loopback_host(host)) << host;
}

TEST_F(config_test, loopback_cluster_hosts_need_neither_tls_nor_insecure) {
  for (std::string host : {"127.0.0.1", "127.0.0.2", "::1", "localhost"}) {
    auto r = parse({"--cluster-host", host});
    ASSERT_TRUE(r.ok()) << host << ": " << r.err().message();
    EXPECT_EQ(r->config.cluster_host, host);
    EXPECT_FALSE(r->config.insecure);
    EXPECT_FALSE(exposed_without_tls(r->config)) << host;
  }
}

TEST_F(config_test, a_non_loopback_cluster_host_without_tls_is_refused_naming_the_ways_out) {
  for (std::string host : {"0.0.0.0", "::", "10.1.2.3"}) {
    auto r = parse({"--cluster-host", host});
    ASSERT_FALSE(r.ok()) << host;
    EXPECT_TRUE(r.err().is(config_errc::bad_value));
    auto& why = r.err().message();
    for (auto part : {std::string{"--cluster-host"}, "'" + host + "'", std::string{"loopback"},
                      std::string{"--tls-cert"}, std::string{"--insecure"}})
      EXPECT_NE(why.find(part), std::string::npos) << part << " in: " << why;
  }
  auto from_env = parse({}, {{"TROUPE_CLUSTER_HOST", "0.0.0.0"}});
  ASSERT_FALSE(from_env.ok());
  EXPECT_NE(from_env.err().message().find("--insecure"), std::string::npos);
}

TEST_F(config_test, insecure_lets_a_non_loopback_cluster_host_start_without_tls) {
  auto r = parse({"--cluster-host", "0.0.0.0", "--insecure"});
  ASSERT_TRUE(r.ok()) << r.err().message();
  EXPECT_TRUE(r->config.insecure);
  EXPECT_TRUE(exposed_without_tls(r->config));
  auto defaults = parse({});
  ASSERT_TRUE(defaults.ok());
  EXPECT_FALSE(defaults->config.insecure);
  auto help = parse({"--help"});
  ASSERT_TRUE(help.ok());
  EXPECT_NE(help->text.find("--insecure"), std::string::npos);
}

TEST_F(config_test, a_non_loopback_cluster_host_with_tls_needs_no_insecure) {
  // One self-signed certificate serves as its own CA.
  auto cert = (dir / "c.pem").string(), key = (dir / "c.key").string();
  auto make = "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes"
              " -keyout " + key + " -out " + cert + " -days 1 -subj /CN=config-test"
              " >/dev/null 2>&1";
  ASSERT_EQ(std::system(make.c_str()), 0) << make;
  auto r = parse({"--cluster-host", "0.0.0.0", "--tls-cert", cert, "--tls-key", key,
                  "--tls-ca", cert});
  ASSERT_TRUE(r.ok()) << r.err().message();
  EXPECT_TRUE(r->config.tls.enabled());
  EXPECT_FALSE(r->config.insecure);
  EXPECT_FALSE(exposed_without_tls(r->config));
}

TEST(fault_spec_test, parses_every_part) {
  auto s = parse_fault_spec("hang", "fault-generate");
  ASSERT_TRUE(s.ok());
  EXPECT_TRUE(s->enabled && s->hang);
  s = parse_fault_spec("latency-ms=5,failure-rate=0", "x");
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->latency_ms, 5u);
  s = parse_fault_spec("latency-ms=1.5", "x");
  EXPECT_FALSE(s.ok());
  s = parse_fault_spec("", "x");
  ASSERT_TRUE(s.ok());
  EXPECT_FALSE(s->enabled);
}

TEST_F(config_test, the_smtp_options_are_checked_naming_the_option) {
  auto refused = [&](std::vector<std::string> words, const std::string& part) {
    auto r = parse(std::move(words));
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.err().message().find(part), std::string::npos) << r.err().message();
  };
  refused({"--smtp-url", "smtp://127.0.0.1:25"}, "--public-url");
  refused({"--smtp-url", "http://relay:25", "--public-url", "https://m.example"}, "smtp-url");
  refused({"--smtp-url", "smtp://bob:secret@relay.example:587", "--public-url",
           "https://m.example"},
          "--smtp-password-file");
  refused({"--smtp-url", "smtp://relay.example:25", "--smtp-tls", "none", "--public-url",
           "https://m.example"},
          "not on loopback");
  refused({"--smtp-url", "smtp://127.0.0.1:25", "--public-url", "ftp://m.example"},
          "public-url");
  auto key = (dir / "short.key").string();
  std::ofstream{key} << "too short";
  refused({"--smtp-url", "smtp://127.0.0.1:25", "--public-url", "https://m.example",
           "--unsubscribe-key-file", key},
          "at least 32");
  auto ok = parse({"--smtp-url", "smtp://127.0.0.1:2525", "--smtp-tls", "none", "--public-url",
                   "https://m.example"});
  ASSERT_TRUE(ok.ok()) << ok.err().message();
  EXPECT_TRUE(ok->config.mail.enabled());
  EXPECT_FALSE(ok->config.mail.smtp_tls);
}
