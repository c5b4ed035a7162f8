#include "shell/client.hpp"

#include <caf/all.hpp>
#include <caf/io/all.hpp>

#include <deque>
#include <istream>
#include <optional>

#include "actors/actor_error.hpp"
#include "runtime/runtime_error.hpp"
#include "shell/interrupt.hpp"
#include "shell/node_error.hpp"
#include "shell/shell_error.hpp"
#include "shell/watched_requests.hpp"

namespace troupe::shell {

template <class T>
result<T> shell_client::noted(result<T> r) {
  if (!r && r.err().is(shell_errc::went_away))
    gone_ = true;
  return r;
}

template <class Value, class... Ts>
result<Value> shell_client::ask(std::chrono::milliseconds timeout, Ts&&... xs) {
  watched_requests calls{sys_, admin_, node_.to_string()};
  auto tag = calls.send<Value>(timeout, std::forward<Ts>(xs)...);
  return noted(calls.wait<Value>(tag));
}

status shell_client::pause(std::chrono::milliseconds pause) {
  watched_requests calls{sys_, admin_, node_.to_string()};
  auto slept = calls.sleep(pause);
  if (!slept && slept.err().is(shell_errc::went_away))
    gone_ = true;
  return slept;
}

result<std::unique_ptr<shell_client>>
shell_client::connect(caf::actor_system& sys, const caf::io::middleman_actor& transport,
                      const wire::gate& gate, const config::endpoint& node,
                      std::chrono::milliseconds timeout) {
  auto where = node.to_string();
  std::optional<error> failure;
  caf::strong_actor_ptr remote;
  {
    caf::scoped_actor self{sys};
    self->request(transport, timeout, caf::connect_atom::value, node.host, node.port)
        .receive([&](const caf::node_id&, caf::strong_actor_ptr& ptr,
                     const std::set<std::string>&) { remote = std::move(ptr); },
                 [&](caf::error& err) { failure = connect_error(err, where, timeout); });
  }
  if (auto refused = gate.refused_at(node.port); failure && refused)
    return make_error(runtime::runtime_errc::permission_denied,
                      "node " + where + " refused this shell: " + refused->message());
  if (failure)
    return *failure;
  if (remote == nullptr)
    return make_error(runtime::runtime_errc::not_a_node,
                      "nothing is published at " + where + ": not a Troupe node");
  auto admin = caf::actor_cast<runtime::shell_api>(remote);
  return std::unique_ptr<shell_client>{new shell_client{sys, node, timeout, admin}};
}

result<cluster::health_info> shell_client::health() {
  return ask<cluster::health_info>(timeout_, cluster::health_atom::value);
}

} // namespace troupe::shell

namespace troupe::shell {

result<std::vector<actors::actor_entry>> shell_client::tree() {
  return ask<std::vector<actors::actor_entry>>(timeout_, cluster::tree_atom::value);
}

result<std::vector<cluster::shard_row>> shell_client::shards() {
  return ask<std::vector<cluster::shard_row>>(timeout_, cluster::shards_atom::value);
}

result<std::vector<cluster::node_row>> shell_client::nodes() {
  return ask<std::vector<cluster::node_row>>(timeout_, cluster::nodes_atom::value);
}

result<std::string> shell_client::customer(const std::string& id) {
  return ask<std::string>(timeout_, cluster::customer_atom::value, customer_id{id});
}

result<std::string> shell_client::export_customer(const std::string& id) {
  return ask<std::string>(timeout_, cluster::export_atom::value, customer_id{id});
}

result<std::string> shell_client::erase_customer(const std::string& id) {
  // Waits while the customer's shard is handed off (up to a minute).
  return ask<std::string>(std::max(timeout_, std::chrono::milliseconds{120'000}),
                          cluster::erase_atom::value, customer_id{id});
}

result<std::string> shell_client::drain(const std::string& id) {
  return ask<std::string>(timeout_, cluster::drain_atom::value, node_id{id});
}

result<std::string> shell_client::promote(uint32_t shard, const std::string& id) {
  return ask<std::string>(timeout_, cluster::promote_atom::value, shard, node_id{id});
}

result<std::vector<actors::breaker_status>> shell_client::breakers() {
  return ask<std::vector<actors::breaker_status>>(timeout_,
                                                  cluster::breakers_atom::value);
}

} // namespace troupe::shell

namespace troupe::shell {

result<uint64_t> shell_client::segment_count(const std::string& predicate) {
  // A count scans every customer: allow it far longer than a plain request.
  return ask<uint64_t>(std::max(timeout_, std::chrono::milliseconds{3'600'000}),
                       cluster::count_atom::value, predicate);
}

result<customers::import_result>
shell_client::import_lines(const std::string& kind, std::istream& in,
                           const import_progress& progress) {
  constexpr std::size_t lines_per_chunk = 1000;
  // Chunks are cut by bytes too: a node closes a connection whose message
  // claims more than its --max-message-bytes (64 MiB by default).
  constexpr std::size_t bytes_per_chunk = 4 << 20;
  constexpr std::size_t window = 4;
  const auto chunk_timeout = std::max(timeout_, std::chrono::milliseconds{120'000});
  customers::import_result total;
  std::optional<error> failure;
  uint64_t line_no = 0;
  uint64_t bytes = 0;
  watched_requests calls{sys_, admin_, node_.to_string()};
  std::deque<uint64_t> inflight;
  auto settle_oldest = [&] {
    auto r = noted(calls.wait<customers::import_result>(inflight.front()));
    inflight.pop_front();
    if (!r) {
      if (!failure)
        failure = r.err().domain() == error_domain::shell
                      ? r.err()
                      : make_error(runtime::runtime_errc::request_failed,
                                   "import stopped: " + r.err().message());
      return;
    }
    total.imported += r->imported;
    total.rejected += r->rejected;
    total.duplicates += r->duplicates;
    total.unmatched += r->unmatched;
    total.unknown_customers += r->unknown_customers;
    for (auto& e : r->errors)
      if (total.errors.size() < customers::max_errors_per_chunk)
        total.errors.push_back(std::move(e));
  };
  auto one_call = [&](customers::import_chunk chunk) {
    return noted(
        calls.wait<customers::import_result>(calls.send<customers::import_result>(
            chunk_timeout, cluster::import_atom::value, std::move(chunk))));
  };
  // A corpus file is one corpus version: begun first, committed last.
  uint64_t version = 0;
  auto chunk_kind = customers::parse_import_kind(kind);
  if (!chunk_kind)
    return make_error(runtime::runtime_errc::usage,
                      "unknown import kind '" + kind +
                          "' (use customers, corpus or events)");
  if (*chunk_kind == customers::import_kind::corpus) {
    customers::import_chunk begin;
    begin.kind = customers::import_kind::corpus_begin;
    auto begun = one_call(std::move(begin));
    if (!begun)
      return begun.err();
    version = begun->version;
  }
  std::string line;
  bool more = true;
  while (more && !failure) {
    customers::import_chunk chunk;
    chunk.kind = *chunk_kind;
    chunk.version = version;
    chunk.first_line = line_no + 1;
    chunk.lines.reserve(lines_per_chunk);
    std::size_t chunk_bytes = 0;
    while (chunk.lines.size() < lines_per_chunk && chunk_bytes < bytes_per_chunk &&
           (more = static_cast<bool>(std::getline(in, line)))) {
      bytes += line.size() + 1;
      chunk_bytes += line.size() + 1;
      chunk.lines.push_back(std::move(line));
    }
    line_no += chunk.lines.size();
    if (chunk.lines.empty())
      break;
    if (inflight.size() >= window)
      settle_oldest();
    if (failure)
      break;
    if (interrupt_requested()) {
      failure = cancelled();
      break;
    }
    inflight.push_back(calls.send<customers::import_result>(
        chunk_timeout, cluster::import_atom::value, std::move(chunk)));
    if (progress)
      progress(line_no, bytes);
  }
  while (!inflight.empty())
    settle_oldest();
  // A read error is not the end of the file: what was sent stays, nothing
  // is committed.
  if (!failure && in.bad())
    failure = make_error(runtime::runtime_errc::request_failed,
                         "cannot read the file after line " + std::to_string(line_no) +
                             ": a read error (the lines before it were sent)");
  if (failure)
    return *failure; // a corpus version left uncommitted is never read
  if (*chunk_kind == customers::import_kind::corpus) {
    customers::import_chunk commit;
    commit.kind = customers::import_kind::corpus_commit;
    commit.version = version;
    auto committed = one_call(std::move(commit));
    if (!committed)
      return committed.err();
    total.version = version;
  }
  return total;
}

} // namespace troupe::shell

namespace troupe::shell {

result<campaign::campaign_status> shell_client::campaign(const std::string& verb,
                                                         const std::string& arg) {
  auto t = std::max(timeout_, std::chrono::milliseconds{130'000});
  auto where = node_.to_string();
  if (verb == "create")
    return ask<campaign::campaign_status>(t, cluster::create_atom::value, arg);
  auto about = [&](auto atom) {
    return ask<campaign::campaign_status>(t, atom, campaign_id{arg});
  };
  if (verb == "start")
    return about(cluster::start_atom::value);
  if (verb == "pause")
    return about(cluster::pause_atom::value);
  if (verb == "resume")
    return about(cluster::resume_atom::value);
  if (verb == "cancel")
    return about(cluster::cancel_atom::value);
  if (verb == "status")
    return about(cluster::status_atom::value);
  return make_error(runtime::runtime_errc::usage,
                    "unknown campaign command '" + verb + "'");
}

result<std::vector<campaign::campaign_status>> shell_client::campaigns() {
  return ask<std::vector<campaign::campaign_status>>(
      std::max(timeout_, std::chrono::milliseconds{130'000}), cluster::list_atom::value);
}

} // namespace troupe::shell

namespace troupe::shell {

result<uint64_t>
shell_client::read_records(customers::record_kind kind, const std::string& campaign,
                           const std::function<void(const std::string&)>& line) {
  constexpr uint32_t page_size = 1000;
  uint64_t count = 0;
  std::string after;
  for (;;) {
    auto page = ask<customers::record_page>(
        std::max(timeout_, std::chrono::milliseconds{120'000}), cluster::page_atom::value,
        kind, campaign_id{campaign}, after, page_size);
    if (!page)
      return page.err();
    for (const auto& l : page->lines)
      line(l);
    count += page->lines.size();
    if (page->done || page->lines.empty())
      return count;
    after = page->next;
  }
}

} // namespace troupe::shell

namespace troupe::shell {

result<campaign::replay_result>
shell_client::replay_dead_letters(const std::string& campaign) {
  return ask<campaign::replay_result>(
      std::max(timeout_, std::chrono::milliseconds{3'600'000}),
      cluster::replay_atom::value, campaign_id{campaign});
}

} // namespace troupe::shell

namespace troupe::shell {

result<campaign::campaign_report> shell_client::report(const std::string& campaign,
                                                       const campaign::report_query& query,
                                                       const campaign::report_options& options) {
  auto r = ask<campaign::campaign_report>(
      std::max(timeout_, std::chrono::milliseconds{3'600'000}),
      cluster::report_atom::value, campaign_id{campaign}, query.by, query.cuped);
  if (!r)
    return r;
  // The node sends sums; the statistics are computed here.
  try {
    campaign::compute_statistics(*r, options);
  } catch (const std::exception& e) {
    return make_error(runtime::runtime_errc::request_failed,
                      std::string{"the report's counts are inconsistent: "} + e.what());
  }
  return r;
}

result<customers::audit_report> shell_client::verify_audit() {
  return ask<customers::audit_report>(
      std::max(timeout_, std::chrono::milliseconds{3'600'000}),
      cluster::verify_atom::value);
}

} // namespace troupe::shell
