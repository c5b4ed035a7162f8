#pragma once
/// Tokens of the segment language, with their 1-based position in the text.

#include <string>
#include <vector>

#include "common/error.hpp"

namespace troupe::segment {

enum class token_kind {
  identifier, string, number, lparen, rparen, comma,
  eq, ne, lt, le, gt, ge,
  kw_and, kw_or, kw_not, kw_in, kw_between, kw_like, kw_is, kw_null, kw_true,
  kw_false, kw_contains,
  end,
};

struct token {
  token_kind kind;
  std::string text;   ///< identifier name, string contents, number text
  std::size_t pos;    ///< 1-based character position
};

/// Describes a token for error messages ("'AND'", "a string", "end of input").
std::string describe(const token& t);

/// Splits `text` into tokens; fails on an unterminated string or a stray
/// character, naming its position.
result<std::vector<token>> tokenize(const std::string& text);

} // namespace troupe::segment
