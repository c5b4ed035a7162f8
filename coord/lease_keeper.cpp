#include "coord/lease_keeper.hpp"

#include <algorithm>

#include "coord/coord_error.hpp"

namespace troupe::coord {

namespace {

constexpr auto never = lease_keeper::clock::time_point::min();

} // namespace

lease_keeper::lease_keeper(etcd_client& client, lease_keeper_options options,
                           lost_handler on_lost)
  : client_(client), options_(options), on_lost_(std::move(on_lost)),
    valid_until_(never.time_since_epoch().count()) {}

lease_keeper::~lease_keeper() { stop(); }

lease_keeper::clock::time_point lease_keeper::valid_until() const {
  return clock::time_point{clock::duration{valid_until_.load()}};
}

bool lease_keeper::valid(clock::time_point now, clock::duration margin) const {
  auto until = valid_until();
  return until != never && now + margin < until;
}

status lease_keeper::start() {
  if (started_)
    return make_error(coord_errc::invalid, "a lease_keeper starts once");
  if (options_.ttl.count() < 1 || options_.retry.count() <= 0 || options_.interval.count() < 0)
    return make_error(coord_errc::invalid, "lease_keeper: the TTL is at least 1 s and the "
                                           "retry delay positive");
  auto sent = clock::now();
  auto granted = client_.grant(options_.ttl);
  if (!granted)
    return granted.err();
  interval_ = options_.interval.count() > 0
                ? options_.interval
                : std::chrono::duration_cast<std::chrono::milliseconds>(granted->ttl) / 3;
  if (interval_ >= granted->ttl) {
    auto revoked = client_.revoke(granted->id); // best effort: it would expire anyway
    (void) revoked;
    return make_error(coord_errc::invalid,
                      "lease_keeper: the keepalive interval " + std::to_string(interval_.count())
                        + " ms is not below the granted TTL of "
                        + std::to_string(granted->ttl.count()) + " s");
  }
  started_ = true;
  id_ = granted->id;
  ttl_s_ = granted->ttl.count();
  valid_until_ = (sent + granted->ttl).time_since_epoch().count();
  thread_ = std::thread{[this] { run(); }};
  return status::success();
}

void lease_keeper::run() {
  std::unique_lock<std::mutex> lock{mutex_};
  auto next = clock::now() + interval_;
  std::string last_failure = "none failed; none was due";
  while (!stopping_) {
    auto until = valid_until();
    wake_.wait_until(lock, std::min(next, until), [&] { return stopping_; });
    if (stopping_)
      return;
    if (clock::now() >= until) {
      lock.unlock();
      return lose(make_error(coord_errc::lease_gone,
                             "lease " + std::to_string(id_.load())
                               + ": no keepalive succeeded within its TTL (last failure: "
                               + last_failure + ")"));
    }
    if (clock::now() < next)
      continue;
    lock.unlock();
    auto sent = clock::now();
    auto renewed = client_.keepalive(id_.load());
    lock.lock();
    if (stopping_)
      return;
    if (!renewed && renewed.err().is(coord_errc::lease_gone)) {
      gone_ = true;
      lock.unlock();
      return lose(renewed.err());
    }
    if (clock::now() >= until) {
      lock.unlock();
      return lose(make_error(coord_errc::lease_gone,
                             "lease " + std::to_string(id_.load())
                               + ": its keepalive came back after the TTL had passed ("
                               + (renewed ? std::string{"it succeeded late"}
                                          : renewed.err().message())
                               + ")"));
    }
    if (renewed) {
      valid_until_ = (sent + *renewed).time_since_epoch().count();
      next = sent + interval_;
    } else {
      last_failure = renewed.err().message();
      next = clock::now() + std::min(options_.retry, interval_);
    }
  }
}

void lease_keeper::lose(const error& why) {
  valid_until_ = never.time_since_epoch().count();
  if (on_lost_)
    on_lost_(why);
}

void lease_keeper::stop() {
  {
    std::lock_guard<std::mutex> guard{mutex_};
    if (stopping_)
      return;
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) {
    if (thread_.get_id() == std::this_thread::get_id())
      thread_.detach(); // stop() from on_lost: documented as not allowed; do not deadlock
    else
      thread_.join();
  }
  valid_until_ = never.time_since_epoch().count();
  if (started_ && !gone_) {
    auto revoked = client_.revoke(id_.load()); // best effort: the TTL ends it anyway
    (void) revoked;
  }
}

} // namespace troupe::coord
