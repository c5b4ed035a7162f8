#include "shell/watched_requests.hpp"

#include "shell/interrupt.hpp"
#include "shell/node_error.hpp"
#include "shell/shell_error.hpp"

namespace troupe::shell {

watched_requests::watched_requests(caf::actor_system& sys, runtime::shell_api admin,
                                   std::string node)
    : self_{sys}, admin_(std::move(admin)), node_(std::move(node)) {
  // A proxy that is already dead answers the monitor with a down message
  // at once.
  self_->monitor(admin_);
}

watched_requests::~watched_requests() {
  for (auto& [tag, p] : pending_)
    self_->send_exit(p.relay, caf::exit_reason::kill);
}

uint64_t watched_requests::add(caf::actor relay, std::chrono::milliseconds timeout) {
  auto tag = next_tag_++;
  pending_.emplace(tag, pending{std::move(relay), timeout});
  return tag;
}

void watched_requests::receive_one(std::chrono::milliseconds poll) {
  if (!failure_ && interrupt_requested()) {
    failure_ = cancelled();
    return;
  }
  self_->receive(
      [&](answer_atom, uint64_t tag, caf::message& value) {
        if (pending_.erase(tag) > 0)
          answers_.emplace(tag, std::move(value));
      },
      [&](answer_atom, uint64_t tag, caf::error& err) {
        auto i = pending_.find(tag);
        if (i == pending_.end())
          return;
        answers_.emplace(tag, request_error(err, node_, i->second.timeout));
        pending_.erase(i);
      },
      [&](caf::down_msg& down) {
        if (down.source == admin_.address())
          failure_ = went_away(node_);
      },
      caf::after(poll) >>
          [&] {
            if (interrupt_requested())
              failure_ = cancelled();
          });
}

status watched_requests::sleep(std::chrono::milliseconds pause) {
  auto deadline = std::chrono::steady_clock::now() + pause;
  constexpr std::chrono::milliseconds poll{50};
  for (;;) {
    if (failure_)
      return *failure_;
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0)
      return status::success();
    receive_one(std::min(left, poll));
  }
}

} // namespace troupe::shell
