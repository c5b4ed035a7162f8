#include "trust/credentials.hpp"

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>

#include "trust/trust_error.hpp"

namespace troupe::trust {

namespace {

result<std::string> read_whole(const std::string& path, size_t limit) {
  std::ifstream in{path, std::ios::binary};
  if (!in)
    return make_error(trust_errc::bad_file, path + ": cannot be read");
  std::string text;
  text.resize(limit + 1);
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<size_t>(in.gcount()));
  if (text.size() > limit)
    return make_error(trust_errc::bad_file,
                      path + ": larger than " + std::to_string(limit) + " bytes");
  return text;
}

bool name_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '@' ||
         c == '-';
}

} // namespace

status check_secret(const std::string& secret, const std::string& source) {
  if (secret.size() < min_secret_bytes || secret.size() > max_secret_bytes)
    return make_error(trust_errc::bad_file,
                      source + ": a secret is " + std::to_string(min_secret_bytes) + " to " +
                        std::to_string(max_secret_bytes) + " bytes, this one is " +
                        std::to_string(secret.size()));
  if (std::any_of(secret.begin(), secret.end(),
                  [](char c) { return std::isspace(static_cast<unsigned char>(c)); }))
    return make_error(trust_errc::bad_file, source + ": a secret has no spaces");
  return status::success();
}

result<std::string> read_secret_file(const std::string& path) {
  auto text = read_whole(path, max_secret_bytes + 2);
  if (!text)
    return text.err();
  auto secret = std::move(*text);
  while (!secret.empty() && (secret.back() == '\n' || secret.back() == '\r'))
    secret.pop_back();
  if (auto ok = check_secret(secret, path); !ok)
    return ok.err();
  return secret;
}

result<std::vector<token>> parse_tokens(const std::string& text, const std::string& path) {
  std::vector<token> out;
  std::set<std::string> names;
  std::set<std::string> secrets;
  std::istringstream lines{text};
  std::string line;
  for (size_t number = 1; std::getline(lines, line); ++number) {
    auto where = path + ":" + std::to_string(number);
    if (auto hash = line.find('#'); hash != std::string::npos)
      line.resize(hash);
    std::istringstream fields{line};
    token t;
    std::string role_text;
    std::string extra;
    if (!(fields >> t.name))
      continue;
    if (!(fields >> role_text >> t.secret) || (fields >> extra))
      return make_error(trust_errc::bad_file, where + ": expected `NAME ROLE SECRET`");
    if (t.name.size() > max_name_bytes || !std::all_of(t.name.begin(), t.name.end(), name_char))
      return make_error(trust_errc::bad_file,
                        where + ": a NAME is 1 to 64 of A-Z a-z 0-9 _ . @ -");
    auto r = parse_role(role_text);
    if (!r || *r == role::node)
      return make_error(trust_errc::bad_file, where + ": ROLE `" + role_text +
                                                "` is none of viewer, operator and ingest (nodes "
                                                "prove themselves with the cluster secret)");
    t.role = *r;
    if (auto ok = check_secret(t.secret, where); !ok)
      return ok.err();
    if (!names.insert(t.name).second)
      return make_error(trust_errc::bad_file, where + ": NAME `" + t.name + "` again");
    if (!secrets.insert(t.secret).second)
      return make_error(trust_errc::bad_file, where + ": the same SECRET as another token");
    if (out.size() == max_tokens)
      return make_error(trust_errc::bad_file,
                        where + ": more than " + std::to_string(max_tokens) + " tokens");
    out.push_back(std::move(t));
  }
  return out;
}

result<std::vector<token>> read_tokens_file(const std::string& path) {
  auto text = read_whole(path, max_tokens_file_bytes);
  if (!text)
    return text.err();
  return parse_tokens(*text, path);
}

} // namespace troupe::trust
