#include "segment/lexer.hpp"

#include <cctype>
#include <map>

#include "segment/segment_error.hpp"

namespace troupe::segment {

namespace {

const std::map<std::string, token_kind>& keywords() {
  static const std::map<std::string, token_kind> k{
    {"AND", token_kind::kw_and},       {"OR", token_kind::kw_or},
    {"NOT", token_kind::kw_not},       {"IN", token_kind::kw_in},
    {"BETWEEN", token_kind::kw_between}, {"LIKE", token_kind::kw_like},
    {"IS", token_kind::kw_is},         {"NULL", token_kind::kw_null},
    {"TRUE", token_kind::kw_true},     {"FALSE", token_kind::kw_false},
    {"CONTAINS", token_kind::kw_contains}};
  return k;
}

} // namespace

std::string describe(const token& t) {
  switch (t.kind) {
    case token_kind::identifier: return "field '" + t.text + "'";
    case token_kind::string: return "the string '" + t.text + "'";
    case token_kind::number: return "the number " + t.text;
    case token_kind::end: return "the end of the predicate";
    default: return "'" + t.text + "'";
  }
}

/// The character starting at byte `i`, whole: a UTF-8 sequence is all its
/// bytes (one byte of it printed half a character), an invalid byte alone.
static std::string whole_character(const std::string& text, std::size_t i) {
  auto lead = static_cast<unsigned char>(text[i]);
  std::size_t len = lead < 0x80 ? 1 : (lead >> 5) == 0x6 ? 2 : (lead >> 4) == 0xe ? 3
                    : (lead >> 3) == 0x1e ? 4 : 1;
  if (i + len > text.size())
    len = 1;
  for (std::size_t k = 1; k < len; ++k)
    if ((static_cast<unsigned char>(text[i + k]) & 0xc0) != 0x80)
      len = 1;
  return text.substr(i, len);
}

result<std::vector<token>> tokenize(const std::string& text) {
  std::vector<token> out;
  std::size_t i = 0;
  auto at = [&](std::size_t k) { return k < text.size() ? text[k] : '\0'; };
  while (i < text.size()) {
    char c = text[i];
    std::size_t pos = i + 1;
    if (std::isspace(static_cast<unsigned char>(c))) {
      ++i;
    } else if (c == '\'' || c == '"') {
      // SQL strings: a doubled quote stands for one.
      char q = c;
      std::string value;
      ++i;
      bool closed = false;
      while (i < text.size()) {
        if (text[i] == q) {
          if (at(i + 1) == q) {
            value += q;
            i += 2;
            continue;
          }
          ++i;
          closed = true;
          break;
        }
        value += text[i++];
      }
      if (!closed)
        return make_error(segment_errc::syntax,
                          "at position " + std::to_string(pos)
                            + ": the string that starts here is not closed");
      out.push_back({token_kind::string, value, pos});
    } else if (std::isdigit(static_cast<unsigned char>(c))
               || ((c == '-' || c == '.') && std::isdigit(static_cast<unsigned char>(at(i + 1))))) {
      std::size_t start = i;
      if (c == '-')
        ++i;
      while (std::isdigit(static_cast<unsigned char>(at(i))) || at(i) == '.')
        ++i;
      if (at(i) == 'e' || at(i) == 'E') {
        ++i;
        if (at(i) == '-' || at(i) == '+')
          ++i;
        while (std::isdigit(static_cast<unsigned char>(at(i))))
          ++i;
      }
      out.push_back({token_kind::number, text.substr(start, i - start), pos});
    } else if (std::isalpha(static_cast<unsigned char>(c)) || c == '_') {
      std::size_t start = i;
      while (std::isalnum(static_cast<unsigned char>(at(i))) || at(i) == '_')
        ++i;
      auto word = text.substr(start, i - start);
      std::string upper;
      for (char w : word)
        upper += static_cast<char>(std::toupper(static_cast<unsigned char>(w)));
      auto kw = keywords().find(upper);
      if (kw != keywords().end())
        out.push_back({kw->second, upper, pos});
      else
        out.push_back({token_kind::identifier, word, pos});
    } else {
      token_kind kind;
      std::size_t len = 1;
      if (c == '(') kind = token_kind::lparen;
      else if (c == ')') kind = token_kind::rparen;
      else if (c == ',') kind = token_kind::comma;
      else if (c == '=') kind = token_kind::eq;
      else if (c == '!' && at(i + 1) == '=') { kind = token_kind::ne; len = 2; }
      else if (c == '<' && at(i + 1) == '>') { kind = token_kind::ne; len = 2; }
      else if (c == '<' && at(i + 1) == '=') { kind = token_kind::le; len = 2; }
      else if (c == '>' && at(i + 1) == '=') { kind = token_kind::ge; len = 2; }
      else if (c == '<') kind = token_kind::lt;
      else if (c == '>') kind = token_kind::gt;
      else
        return make_error(segment_errc::syntax, "at position " + std::to_string(pos)
                                                  + ": unexpected character '"
                                                  + whole_character(text, i) + "'");
      out.push_back({kind, text.substr(i, len), pos});
      i += len;
    }
  }
  out.push_back({token_kind::end, "", text.size() + 1});
  return out;
}

} // namespace troupe::segment
