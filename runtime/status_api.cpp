#include "runtime/status_api.hpp"

#include <caf/all.hpp>

#include "common/log.hpp"
#include "config/node_config.hpp"
#include "runtime/api_json.hpp"
#include "runtime/runtime_error.hpp"

namespace troupe::runtime {

namespace {

using json = nlohmann::json;

constexpr const char* paths[] = {"/api/v1/health",   "/api/v1/members",  "/api/v1/shards",
                                 "/api/v1/campaigns", "/api/v1/breakers", "/api/v1/limiters",
                                 "/api/v1/errors",   "/api/v1/history"};

json optional_number(const std::optional<double>& x) { return x ? json(*x) : json(nullptr); }

json history_json(const metrics_history& h) {
  auto samples = json::array();
  for (const auto& s : h.samples())
    samples.push_back({{"at_ms", s.at_ms},
                       {"customers_per_s", s.customers_per_s},
                       {"delivered_per_s", s.delivered_per_s},
                       {"events_per_s", s.events_per_s},
                       {"generate_ms", optional_number(s.generate_ms)},
                       {"deliver_ms", optional_number(s.deliver_ms)}});
  return {{"interval_ms", h.interval().count()}, {"samples", samples}};
}

json errors_json() {
  auto out = json::array();
  for (const auto& p : log::recent_problems())
    out.push_back({{"at_ms", p.at_ms},
                   {"level", p.lvl == log::level::error ? "error" : "warn"},
                   {"component", p.component},
                   {"message", p.message}});
  return out;
}

json limiters_json(prometheus::Registry& registry) {
  auto out = json::array();
  for (const auto& family : registry.Collect())
    if (family.name == "troupe_limiter_wait_seconds")
      for (const auto& m : family.metric) {
        auto waits = m.histogram.sample_count;
        out.push_back({{"name", "generate"},
                       {"waits", waits},
                       {"mean_wait_ms", waits == 0 ? json(nullptr)
                                                   : json(m.histogram.sample_sum / waits * 1000)}});
      }
  return out;
}

} // namespace

status_api::status_api(caf::actor_system& sys, std::function<shell_api()> admin,
                       http_access access,
                       std::shared_ptr<prometheus::Registry> registry,
                       std::shared_ptr<const metrics_history> history,
                       std::chrono::milliseconds timeout, unsigned max_concurrent,
                       bool loopback_only)
  : sys_(sys), admin_(std::move(admin)), access_(std::move(access)),
    registry_(std::move(registry)), history_(std::move(history)), timeout_(timeout),
    max_concurrent_(max_concurrent), loopback_only_(loopback_only) {}

bool is_loopback_host_header(const std::string& host) {
  std::string name = host;
  if (!name.empty() && name.front() == '[') { // [::1]:9401
    auto close = name.find(']');
    if (close == std::string::npos)
      return false;
    return name.substr(1, close - 1) == "::1";
  }
  if (auto colon = name.find(':'); colon != std::string::npos)
    name.resize(colon);
  return config::is_loopback_host(name);
}

template <class T, class Atom>
result<T> status_api::ask(Atom atom) const {
  std::optional<T> answer;
  std::optional<error> failure;
  auto admin = admin_();
  if (!admin)
    return make_error(runtime_errc::unreachable, "the node is stopping");
  caf::scoped_actor self{sys_};
  self->request(admin, timeout_, atom)
    .receive([&](T& value) { answer = std::move(value); },
             [&](caf::error& err) {
               failure = make_error(runtime_errc::unreachable,
                                    err == caf::sec::request_timeout
                                      ? "no answer within " + std::to_string(timeout_.count())
                                          + " ms"
                                      : sys_.render(err));
             });
  if (answer)
    return std::move(*answer);
  return *failure;
}

http_reply status_api::get(const std::string& path,
                           const std::optional<std::string>& authorization,
                           const std::optional<std::string>& host) const {
  if (auto refused = refuse_caller(access_, authorization, trust::permission::read,
                                   "viewer or operator"))
    return *refused;
  if (loopback_only_ && !access_.authentication_on
      && (!host || !is_loopback_host_header(*host)))
    return error_reply(403, "Host '" + host.value_or("") + "' is not this machine: without "
                            "authentication the API answers only requests to a loopback "
                            "address");
  struct slot {
    std::atomic<unsigned>& n;
    ~slot() { --n; }
  } taken{in_flight_};
  if (++in_flight_ > max_concurrent_)
    return error_reply(503, "busy: " + std::to_string(max_concurrent_)
                              + " API requests are being answered; ask again shortly");
  auto answer = [&](auto asked, auto to_json) -> http_reply {
    if (!asked)
      return error_reply(504, path + ": " + asked.err().message());
    return json_reply(200, to_json(*asked));
  };
  if (path == "/api/v1/health")
    return answer(ask<cluster::health_info>(cluster::health_atom::value), health_json);
  if (path == "/api/v1/members")
    return answer(ask<std::vector<cluster::node_row>>(cluster::nodes_atom::value),
                  [](const auto& v) { return json_array(v, node_json); });
  if (path == "/api/v1/shards")
    return answer(ask<std::vector<cluster::shard_row>>(cluster::shards_atom::value),
                  [](const auto& v) { return json_array(v, shard_json); });
  if (path == "/api/v1/campaigns")
    return answer(ask<std::vector<campaign::campaign_status>>(cluster::list_atom::value),
                  [](const auto& v) {
                    return json_array(v, [](const auto& s) { return campaign_status_json(s); });
                  });
  if (path == "/api/v1/breakers")
    return answer(ask<std::vector<actors::breaker_status>>(cluster::breakers_atom::value),
                  [](const auto& v) { return json_array(v, breaker_json); });
  if (path == "/api/v1/limiters")
    return json_reply(200, limiters_json(*registry_));
  if (path == "/api/v1/errors")
    return json_reply(200, errors_json());
  if (path == "/api/v1/history")
    return json_reply(200, history_json(*history_));
  auto known = json::array();
  for (const auto* p : paths)
    known.push_back(p);
  return json_reply(404, {{"error", "no such path: " + path}, {"paths", known}});
}

} // namespace troupe::runtime
