#pragma once
/// A row of a table of inputs a parser must refuse.

namespace troupe::test {

/// `input` is refused with a message starting with (or equal to, as the
/// test says) `message`, and error code `code`.
template <class Errc>
struct refusal_case {
  const char* input;
  const char* message;
  Errc code;
};

} // namespace troupe::test
