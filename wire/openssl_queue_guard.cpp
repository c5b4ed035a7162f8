#include "wire/openssl_queue_guard.hpp"

#include <dlfcn.h>

#include <openssl/err.h>
#include <openssl/ssl.h>

namespace {

template <class Fn>
Fn next_definition(const char* name) {
  return reinterpret_cast<Fn>(dlsym(RTLD_NEXT, name));
}

using io_fn = int (*)(SSL*, void*, int);
using const_io_fn = int (*)(SSL*, const void*, int);
using handshake_fn = int (*)(SSL*);

// The real functions, looked up once each (one line each: they differ only
// in name and type).
// clang-format off
io_fn real_read() { static auto fn = next_definition<io_fn>("SSL_read"); return fn; }
const_io_fn real_write() { static auto fn = next_definition<const_io_fn>("SSL_write"); return fn; }
handshake_fn real_connect() { static auto fn = next_definition<handshake_fn>("SSL_connect"); return fn; }
handshake_fn real_accept() { static auto fn = next_definition<handshake_fn>("SSL_accept"); return fn; }
// clang-format on

} // namespace

extern "C" {

int SSL_read(SSL* ssl, void* buf, int num) {
  ERR_clear_error();
  return real_read()(ssl, buf, num);
}

int SSL_write(SSL* ssl, const void* buf, int num) {
  ERR_clear_error();
  return real_write()(ssl, buf, num);
}

int SSL_connect(SSL* ssl) {
  ERR_clear_error();
  return real_connect()(ssl);
}

int SSL_accept(SSL* ssl) {
  ERR_clear_error();
  return real_accept()(ssl);
}

} // extern "C"

namespace troupe::wire {

bool openssl_queue_guard_ready() {
  return real_read() != nullptr && real_write() != nullptr && real_connect() != nullptr
         && real_accept() != nullptr;
}

} // namespace troupe::wire
