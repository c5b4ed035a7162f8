#pragma once
/// Requests to a node's shell gateway that watch the node while they wait.
/// In CAF 0.17 a request to a remote actor whose connection drops is never
/// answered: its proxy dies and the request waits out its timeout (an hour
/// for a count). So each request is made by a relay actor that sends the
/// answer back as an ordinary message, and the waiter, a scoped actor that
/// monitors the node's actor, takes whichever comes first: an answer, the
/// node's down message (`node HOST:PORT went away`, at once when the
/// connection drops), or Ctrl-C (shell/interrupt.hpp, polled every 50 ms:
/// `cancelled`). A request's own timeout still bounds it. Relays still
/// waiting when the object goes are stopped.
///
/// Used from the shell's main thread only, one object per command call.

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <tuple>
#include <utility>

#include <caf/all.hpp>

#include "common/error.hpp"
#include "runtime/shell_api.hpp"

namespace troupe::shell {

class watched_requests {
public:
  watched_requests(caf::actor_system& sys, runtime::shell_api admin, std::string node);
  ~watched_requests();
  watched_requests(const watched_requests&) = delete;
  watched_requests& operator=(const watched_requests&) = delete;

  /// Sends `xs...` to the node, to be answered with a `Value` within
  /// `timeout`; the tag to `wait` for.
  template <class Value, class... Ts>
  uint64_t send(std::chrono::milliseconds timeout, Ts&&... xs);

  /// The answer to request `tag`, its error, or why the wait ended first.
  template <class Value>
  result<Value> wait(uint64_t tag);

  /// Waits `pause` unless the node goes or Ctrl-C is pressed first.
  status sleep(std::chrono::milliseconds pause);

  /// Why waits end early from now on (went away, cancelled), if they do.
  const std::optional<error>& failure() const { return failure_; }

private:
  using answer_atom = caf::atom_constant<caf::atom("answer")>;

  struct pending {
    caf::actor relay;
    std::chrono::milliseconds timeout;
  };

  /// Takes one message (an answer, the node's down) or, after `poll`
  /// without one, looks at Ctrl-C.
  void receive_one(std::chrono::milliseconds poll);
  uint64_t add(caf::actor relay, std::chrono::milliseconds timeout);

  caf::scoped_actor self_;
  runtime::shell_api admin_;
  std::string node_;
  uint64_t next_tag_ = 1;
  std::map<uint64_t, pending> pending_;
  /// Answers come back as a message holding the value, or an error.
  std::map<uint64_t, result<caf::message>> answers_;
  std::optional<error> failure_;
};

template <class Value, class... Ts>
uint64_t watched_requests::send(std::chrono::milliseconds timeout, Ts&&... xs) {
  auto tag = next_tag_;
  auto waiter = caf::actor_cast<caf::actor>(self_);
  // The tag goes as a spawn argument: CAF 0.17 binds a function actor with
  // no arguments to a null tuple (UBSan: a null reference).
  auto relay = self_->spawn([admin = admin_, waiter, timeout,
                             args = std::make_tuple(std::forward<Ts>(xs)...)](
                                caf::event_based_actor* r, uint64_t tag) -> caf::behavior {
    std::apply(
        [&](const auto&... a) {
          r->request(admin, timeout, a...)
              .then(
                  [=](Value& value) {
                    r->send(waiter, answer_atom::value, tag,
                            caf::make_message(std::move(value)));
                    r->quit();
                  },
                  [=](caf::error& err) {
                    r->send(waiter, answer_atom::value, tag, std::move(err));
                    r->quit();
                  });
        },
        args);
    return {[](answer_atom) {}}; // alive until the answer comes
  }, tag);
  return add(std::move(relay), timeout);
}

template <class Value>
result<Value> watched_requests::wait(uint64_t tag) {
  for (;;) {
    if (auto i = answers_.find(tag); i != answers_.end()) {
      auto answer = std::move(i->second);
      answers_.erase(i);
      if (!answer)
        return answer.err();
      return answer->template move_if_unshared<Value>(0);
    }
    if (failure_)
      return *failure_;
    receive_one(std::chrono::milliseconds{50});
  }
}

} // namespace troupe::shell
