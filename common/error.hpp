#pragma once
/// Errors are values.
///
/// The one rule of the project: a function that can fail for reasons outside
/// the programmer's control (bad input, a full disk, a node that is not there)
/// returns `result<T>` (or `status` when there is no value). Each folder has
/// its own `enum class ..._errc` and a `make_error` that tags the error with
/// the folder's domain. Exceptions are used only inside a folder, around a
/// library that throws (Boost, nlohmann-json), and are converted into an
/// `error` before they cross the folder's boundary.

#include <cassert>
#include <cstdint>
#include <string>
#include <utility>
#include <variant>

namespace troupe {

/// Which folder an error came from.
enum class error_domain : uint8_t {
  none, config, storage, cluster, runtime, actors, segment, campaign, customers, shell, trust,
  coord
};

const char* to_string(error_domain d);

/// An error: where it came from, the module's code, a message for operators
/// that names the offending input, and whether retrying may help.
class error {
public:
  error() = default;
  error(error_domain domain, int code, std::string message, bool retryable)
    : domain_(domain), code_(code), message_(std::move(message)),
      retryable_(retryable) {}

  error_domain domain() const { return domain_; }
  int code() const { return code_; }
  const std::string& message() const { return message_; }
  bool retryable() const { return retryable_; }

  /// True if this error carries the given module code, e.g.
  /// `err.is(storage_errc::locked)`.
  template <class Errc>
  bool is(Errc e) const {
    return domain_ == domain_of(e) && code_ == static_cast<int>(e);
  }

private:
  error_domain domain_ = error_domain::none;
  int code_ = 0;
  std::string message_;
  bool retryable_ = false;
};

/// Either a value or an error.
template <class T>
class [[nodiscard]] result {
public:
  result(T value) : data_(std::move(value)) {}
  result(error err) : data_(std::move(err)) {}

  bool ok() const { return data_.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() & { assert(ok()); return std::get<0>(data_); }
  const T& value() const& { assert(ok()); return std::get<0>(data_); }
  T&& value() && { assert(ok()); return std::get<0>(std::move(data_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  const error& err() const { assert(!ok()); return std::get<1>(data_); }

private:
  std::variant<T, error> data_;
};

/// Success or an error, for operations without a value.
class [[nodiscard]] status {
public:
  status() = default;
  status(error err) : err_(std::move(err)), failed_(true) {}

  static status success() { return {}; }

  bool ok() const { return !failed_; }
  explicit operator bool() const { return ok(); }
  const error& err() const { assert(failed_); return err_; }

private:
  error err_;
  bool failed_ = false;
};

} // namespace troupe
