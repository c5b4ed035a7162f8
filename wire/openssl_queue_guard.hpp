#pragma once
/// Works around a bug in CAF 0.17's OpenSSL module: it reads OpenSSL's
/// per-thread error queue only inside log statements, which Debian's build
/// compiles out, so one failed TLS connection (a peer without a valid
/// certificate, random bytes, a peer that hangs up without close_notify)
/// leaves an error queued on the multiplexer thread, and the next
/// `SSL_get_error` for any other connection reports it: every TLS
/// connection of the node is then closed. OpenSSL requires an empty queue
/// before each I/O call; this file defines `SSL_read`, `SSL_write`,
/// `SSL_connect` and `SSL_accept` in our binaries, which clear the queue and
/// call libssl's (the dynamic linker binds CAF's calls to the definitions in
/// the executable first).

namespace troupe::wire {

/// Called by load_transport when TLS is on; it makes the linker keep the
/// wrappers, and checks that libssl's functions were found.
bool openssl_queue_guard_ready();

} // namespace troupe::wire
