// The smtp channel on a real node against a real SMTP server (Debian's
// python3-aiosmtpd, tests/smtp_server.py, which reads each message with
// Python's email package): STARTTLS, the envelope and headers received, a
// 451 retried and a 550 dead-lettered, RFC 8058's one-click unsubscribe
// through the signed link the message carries, honoured by every later
// campaign (a re-import too); a relay that offers no TLS gets nothing.

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/http_get.hpp"
#include "tests/node_runner.hpp"
#include "tests/node_shell.hpp"
#include "tests/process.hpp"
#include "tests/temp_dir.hpp"

using namespace troupe::test;
using namespace std::chrono_literals;
using json = nlohmann::json;

namespace {

const std::string smtp_server = TROUPE_SMTP_SERVER;

/// The query of `url` after "?".
std::string query_of(const std::string& url) {
  return url.substr(url.find('?') + 1);
}

class smtp_process_test : public ::testing::Test {
protected:
  temp_dir dir;
  uint16_t smtp_port = free_port();
  /// What the links say (a proxy would forward it to the node's port).
  const std::string public_url = "https://mail.shop.example/troupe";
  std::unique_ptr<process> server;

  bool have_aiosmtpd() {
    return run("/usr/bin/python3", {"-c", "import aiosmtpd"}, dir.path(), 30s).code == 0;
  }

  /// A self-signed certificate for 127.0.0.1: cert.pem, key.pem.
  void make_certificate() {
    auto r =
        run("/usr/bin/openssl",
            {"req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj",
             "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
             "-keyout", (dir / "key.pem").string(), "-out", (dir / "cert.pem").string()},
            dir.path(), 60s);
    ASSERT_EQ(r.code, 0) << r.err;
  }

  /// Starts the server; `tls`: offer and require STARTTLS.
  void start_server(bool tls) {
    std::vector<std::string> args{smtp_server,
                                  "--port",
                                  std::to_string(smtp_port),
                                  "--out",
                                  (dir / "mails").string(),
                                  "--reject",
                                  "c0003@",
                                  "--busy",
                                  "c0004@"};
    if (tls)
      args.insert(args.end(), {"--cert", (dir / "cert.pem").string(), "--key",
                               (dir / "key.pem").string()});
    server = std::make_unique<process>("/usr/bin/python3", args, dir.path());
    ASSERT_TRUE(eventually(
        [&] { return contains(server->out(), "READY") || !server->running(); }, 30s))
        << server->err();
    ASSERT_TRUE(server->running()) << server->err();
  }

  /// The messages the server received, in order.
  std::vector<json> mails() {
    std::vector<std::filesystem::path> files;
    if (std::filesystem::exists(dir / "mails"))
      for (const auto& f : std::filesystem::directory_iterator(dir / "mails"))
        if (f.path().extension() == ".json")
          files.push_back(f.path());
    std::sort(files.begin(), files.end());
    std::vector<json> out;
    for (const auto& f : files) {
      std::ifstream in{f};
      out.push_back(json::parse(in));
    }
    return out;
  }

  std::string write_file(const std::string& name, const std::string& text) {
    std::ofstream{dir / name} << text;
    return (dir / name).string();
  }

  /// c0001..c0005 with addresses, c0006 without.
  void import_customers(const running_node& n) {
    std::string lines;
    for (int i = 1; i <= 6; ++i) {
      auto id = "c000" + std::to_string(i);
      json c{{"id", id}, {"first_name", "Ana" + std::to_string(i)}};
      if (i <= 5)
        c["email"] = id + "@example.com";
      lines += c.dump() + "\n";
    }
    write_file("customers.jsonl", lines);
    auto r = shell_json(dir, n.address(), "import customers customers.jsonl");
    ASSERT_EQ(r["imported"], 6) << r;
  }

  /// Creates and runs a campaign to its end; its final status.
  json run_campaign(const running_node& n, const std::string& id,
                    const std::string& channel) {
    json spec{{"id", id},
              {"brief", {{"product", "Trail Shoes"}}},
              {"segment", "first_name LIKE 'Ana%'"},
              {"arms", {{{"name", "a"}, {"weight", 1}}}},
              {"channel", channel}};
    if (channel == "smtp") {
      spec["from"] = "Boutique Élan <news@shop.example>";
      spec["reply_to"] = "help@shop.example";
    }
    write_file(id + ".json", spec.dump());
    json status;
    if (shell_json(dir, n.address(), "campaign create " + id + ".json").is_null() ||
        shell_json(dir, n.address(), "campaign start " + id).is_null())
      return status;
    EXPECT_TRUE(wait_until_not_running(dir, n.address(), id, 120s, status)) << status;
    return status;
  }

  std::vector<std::string> smtp_options(bool tls) {
    std::vector<std::string> o{
        "--smtp-url",        "smtp://127.0.0.1:" + std::to_string(smtp_port),
        "--smtp-backoff-ms", "20",
        "--smtp-attempts",   "3",
        "--public-url",      public_url};
    if (tls)
      o.insert(o.end(), {"--smtp-ca-file", (dir / "cert.pem").string()});
    return o;
  }
};


} // namespace

TEST_F(smtp_process_test, messages_go_over_starttls_and_one_click_unsubscribes_for_good) {
  if (!have_aiosmtpd())
    GTEST_SKIP() << "python3-aiosmtpd is not installed (scripts/setup installs it)";
  ASSERT_NO_FATAL_FAILURE(make_certificate());
  ASSERT_NO_FATAL_FAILURE(start_server(true));
  running_node n{dir, "n1", "data", smtp_options(true)};
  ASSERT_TRUE(n.wait_ready()) << n.proc->err();
  ASSERT_NO_FATAL_FAILURE(import_customers(n));

  auto status = run_campaign(n, "mail1", "smtp");
  EXPECT_EQ(status["state"], "completed") << status;
  // c0004's 451 was retried; c0003's 550 and c0006 (no address) are final.
  EXPECT_EQ(status["delivered"], 4) << status;
  EXPECT_EQ(status["failed"], 2) << status;
  auto got = mails();
  ASSERT_EQ(got.size(), 4u);
  std::set<std::string> to;
  json first;
  for (const auto& m : got) {
    EXPECT_TRUE(m["tls"].get<bool>()) << m;
    EXPECT_EQ(m["mail_from"], "news@shop.example") << m;
    EXPECT_EQ(m["defects"].size(), 0u) << m;
    const auto& h = m["headers"];
    ASSERT_EQ(m["rcpt_tos"].size(), 1u) << m;
    EXPECT_EQ(h["To"], m["rcpt_tos"][0]) << m;
    to.insert(m["rcpt_tos"][0].get<std::string>());
    EXPECT_EQ(h["From"], "Boutique Élan <news@shop.example>") << m; // decoded by Python
    EXPECT_EQ(h["Reply-To"], "help@shop.example") << m;
    EXPECT_TRUE(contains(h["Subject"].get<std::string>(), "Trail Shoes")) << m;
    EXPECT_TRUE(contains(m["body"].get<std::string>(), "Trail Shoes")) << m;
    EXPECT_EQ(h["List-Unsubscribe-Post"], "List-Unsubscribe=One-Click") << m;
    EXPECT_TRUE(contains(h["Message-ID"].get<std::string>(), "mail1.")) << m;
    if (h["To"] == "c0001@example.com")
      first = m;
  }
  EXPECT_EQ(to, (std::set<std::string>{"c0001@example.com", "c0002@example.com",
                                       "c0004@example.com", "c0005@example.com"}));
  auto dead = shell_json(dir, n.address(), "deadletters list mail1");
  ASSERT_EQ(dead.size(), 2u) << dead;
  for (const auto& d : dead) {
    if (d["customer_id"] == "c0003")
      EXPECT_TRUE(contains(d["reason"].get<std::string>(), "SMTP 550")) << d;
    else
      EXPECT_TRUE(contains(d["reason"].get<std::string>(), "no valid email address"))
          << d;
  }

  // The link of c0001's message: <PUBLIC-URL/v1/unsubscribe?...>, asked
  // here of the node's own port (what the proxy behind the public URL does).
  ASSERT_TRUE(first.is_object());
  auto published = first["headers"]["List-Unsubscribe"].get<std::string>();
  ASSERT_GE(published.size(), 2u);
  published = published.substr(1, published.size() - 2);
  ASSERT_EQ(published.rfind(public_url + "/v1/unsubscribe?", 0), 0u) << published;
  auto link = n.url("/v1/unsubscribe?") + query_of(published);
  // A GET changes nothing: it shows a button.
  auto page = http_get(link);
  EXPECT_EQ(page.code, 200);
  EXPECT_TRUE(contains(page.body, "method=\"post\"")) << page.body;
  // A link for another customer, or with its signature altered, does nothing.
  auto forged = n.url("/v1/unsubscribe?") +
                "customer=c0002&campaign=mail1&sig=" + link.substr(link.find("sig=") + 4);
  EXPECT_EQ(http_post(forged, "List-Unsubscribe=One-Click").code, 403);
  auto altered = link;
  altered.back() = altered.back() == 'A' ? 'B' : 'A';
  EXPECT_EQ(http_post(altered, "List-Unsubscribe=One-Click").code, 403);
  EXPECT_EQ(http_post(n.url("/v1/unsubscribe?customer=c0001"), "").code, 400);
  // What a mail client sends (RFC 8058); a second click is the same event.
  auto done = http_post(link, "List-Unsubscribe=One-Click",
                        {"Content-Type: application/x-www-form-urlencoded"});
  EXPECT_EQ(done.code, 200) << done.body;
  EXPECT_EQ(http_post(link, "List-Unsubscribe=One-Click").code, 200);
  auto customer = shell_json(dir, n.address(), "customer get c0001");
  EXPECT_EQ(customer["profile"]["unsubscribed"]["count"], 1) << customer;
  auto metrics = http_get(n.url("/metrics")).body;
  EXPECT_TRUE(contains(metrics, "troupe_unsubscribes_total{outcome=\"unsubscribed\"} 1"))
      << metrics;
  EXPECT_TRUE(
      contains(metrics, "troupe_unsubscribes_total{outcome=\"bad_signature\"} 2"));

  // Every later campaign honours it, of any channel, after a re-import too.
  auto second = run_campaign(n, "mail2", "smtp");
  EXPECT_EQ(second["delivered"], 3) << second;
  EXPECT_EQ(second["skipped"], 1) << second;
  auto later = mails();
  ASSERT_EQ(later.size(), 7u);
  for (std::size_t i = 4; i < later.size(); ++i)
    EXPECT_NE(later[i]["rcpt_tos"][0], "c0001@example.com") << later[i];
  ASSERT_NO_FATAL_FAILURE(import_customers(n));
  auto stored = run_campaign(n, "kept", "store");
  EXPECT_EQ(stored["delivered"], 5) << stored;
  EXPECT_EQ(stored["skipped"], 1) << stored;
  auto exported = shell_json(dir, n.address(), "customer export c0001");
  EXPECT_EQ(exported["deliveries"].size(), 1u) << exported; // mail1's only
}

TEST_F(smtp_process_test,
       a_relay_without_starttls_gets_nothing_and_a_campaign_needs_a_relay) {
  if (!have_aiosmtpd())
    GTEST_SKIP() << "python3-aiosmtpd is not installed (scripts/setup installs it)";
  ASSERT_NO_FATAL_FAILURE(make_certificate());
  ASSERT_NO_FATAL_FAILURE(start_server(false)); // offers no STARTTLS
  running_node n{dir, "n1", "data", smtp_options(true)};
  ASSERT_TRUE(n.wait_ready()) << n.proc->err();
  ASSERT_NO_FATAL_FAILURE(import_customers(n));
  auto status = run_campaign(n, "plain", "smtp");
  EXPECT_EQ(status["delivered"], 0) << status;
  EXPECT_EQ(status["failed"], 6) << status;
  EXPECT_EQ(mails().size(), 0u);
  auto metrics = http_get(n.url("/metrics")).body;
  EXPECT_TRUE(contains(metrics, "troupe_smtp_responses_total{code=\"tls\"}")) << metrics;

  // Without --smtp-url, a campaign of the channel is refused at create.
  temp_dir other;
  running_node bare{other, "n2"};
  ASSERT_TRUE(bare.wait_ready()) << bare.proc->err();
  std::ofstream{other / "m.json"}
      << R"({"id":"m","brief":{"product":"P"},"segment":"first_name LIKE 'A%'",)"
         R"("arms":[{"name":"a","weight":1}],"channel":"smtp",)"
         R"("from":"news@shop.example"})";
  auto r = run(shell_bin, {"--node", bare.address(), "-c", "campaign create m.json"},
               other.path(), 30s);
  EXPECT_EQ(r.code, 1) << r.out << r.err;
  EXPECT_TRUE(contains(r.err, "--smtp-url")) << r.err;
}
