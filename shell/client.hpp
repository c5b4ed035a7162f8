#pragma once
/// The shell's connection to one node's admin actor over CAF's middleman.
/// Connecting and every request carry a timeout, so a node that is not
/// there (or a port where something else listens) gives an error, not a
/// hang; every request also watches the node (shell/watched_requests.hpp),
/// so one whose connection drops fails at once (`node HOST:PORT went
/// away`, and `gone()` from then on), and Ctrl-C cancels it. Used from the
/// shell's main thread only; destroy it before the actor system.

#include <chrono>
#include <functional>
#include <iosfwd>
#include <memory>

#include <caf/actor_system.hpp>
#include <caf/io/middleman_actor.hpp>

#include "cluster/wire_types.hpp"
#include "common/error.hpp"
#include "config/endpoint.hpp"
#include "campaign/report_statistics.hpp"
#include "runtime/shell_api.hpp"
#include "wire/gate.hpp"

namespace troupe::shell {

class shell_client {
public:
  /// Connects to the admin actor published at `node` through `transport`
  /// (wire::start_transport); `gate` tells why a node refused the connection.
  static result<std::unique_ptr<shell_client>>
  connect(caf::actor_system& sys, const caf::io::middleman_actor& transport,
          const wire::gate& gate, const config::endpoint& node,
          std::chrono::milliseconds timeout);

  result<cluster::health_info> health();
  result<std::vector<actors::actor_entry>> tree();
  result<std::vector<actors::breaker_status>> breakers();
  result<uint64_t> segment_count(const std::string& predicate);
  /// The cluster's members as the connected node sees them.
  result<std::vector<cluster::node_row>> nodes();
  result<std::vector<cluster::shard_row>> shards();
  /// One customer's record as JSON, from the member that owns it.
  result<std::string> customer(const std::string& id);
  /// Everything the owner holds about customer `id`, as JSON
  /// (storage/customer_records.hpp).
  result<std::string> export_customer(const std::string& id);
  /// Erases customer `id` on every member: what went, per member, as JSON.
  result<std::string> erase_customer(const std::string& id);
  /// Asks the cluster to hand node `id`'s shards to the others; it then exits.
  result<std::string> drain(const std::string& id);
  result<std::string> promote(uint32_t shard, const std::string& id);

  /// `verb` is create (arg: spec JSON), start, pause, resume, cancel or
  /// status (arg: campaign id).
  result<campaign::campaign_status> campaign(const std::string& verb, const std::string& arg);
  result<std::vector<campaign::campaign_status>> campaigns();
  result<campaign::replay_result> replay_dead_letters(const std::string& campaign);
  result<customers::audit_report> verify_audit();
  /// The experiment result of `campaign`, broken down by customer field `by` ("" for none).
  /// The report's sums from the node, its statistics computed here.
  result<campaign::campaign_report> report(const std::string& campaign,
                                           const campaign::report_query& query,
                                           const campaign::report_options& options);

  /// Calls `line` for every delivery or dead letter (`kind`) of
  /// `campaign`, as JSON, a page at a time.
  result<uint64_t> read_records(customers::record_kind kind, const std::string& campaign,
                                const std::function<void(const std::string&)>& line);

  /// Told of progress while a file is imported: lines sent so far, bytes read.
  using import_progress = std::function<void(uint64_t lines, uint64_t bytes)>;

  /// Streams the lines of `in` to the node in chunks, with at most
  /// `window` chunks in flight: the file is never whole in memory, and a
  /// slow node slows the reader. Errors are capped, counts are exact.
  result<customers::import_result> import_lines(const std::string& kind, std::istream& in,
                                             const import_progress& progress);

  /// Waits `pause` (between the polls of `campaign status --watch`); fails
  /// as a request does if the node goes or Ctrl-C is pressed meanwhile.
  status pause(std::chrono::milliseconds pause);

  const config::endpoint& node() const { return node_; }

  /// The node's connection dropped: this client is done (connect again).
  bool gone() const { return gone_; }

private:
  shell_client(caf::actor_system& sys, config::endpoint node,
               std::chrono::milliseconds timeout, runtime::shell_api admin)
    : sys_(sys), node_(std::move(node)), timeout_(timeout), admin_(std::move(admin)) {}

  /// One request, answered within `timeout`, watched (shell/client.cpp only).
  template <class Value, class... Ts>
  result<Value> ask(std::chrono::milliseconds timeout, Ts&&... xs);
  /// `r`, noting in `gone_` that it says the node went away.
  template <class T>
  result<T> noted(result<T> r);

  caf::actor_system& sys_;
  config::endpoint node_;
  std::chrono::milliseconds timeout_;
  runtime::shell_api admin_;
  bool gone_ = false;
};

} // namespace troupe::shell
