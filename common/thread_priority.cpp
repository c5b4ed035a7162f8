#include "common/thread_priority.hpp"

#include <cerrno>
#include <cstring>
#include <string>

#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace troupe {

status set_thread_nice(int nice) {
  if (nice == 0)
    return status::success();
  if (nice < 0 || nice > 19)
    return error{error_domain::config, 1,
                 "thread nice value " + std::to_string(nice) + " is out of range (0..19)", false};
  auto tid = static_cast<id_t>(::syscall(SYS_gettid));
  // At least `nice`: a thread already nicer (a node started with `nice`)
  // is left as it is (raising its priority back needs privileges).
  errno = 0;
  int now = ::getpriority(PRIO_PROCESS, tid);
  if (errno == 0 && now >= nice)
    return status::success();
  if (::setpriority(PRIO_PROCESS, tid, nice) != 0)
    return error{error_domain::runtime, 1,
                 "cannot set the thread's nice value to " + std::to_string(nice) + ": "
                   + std::strerror(errno),
                 false};
  return status::success();
}

} // namespace troupe
