#include "config/option_parser.hpp"

#include <cmath>

#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "config/config_error.hpp"
#include "config/parse_outcome.hpp"

extern char** environ;

namespace troupe::config {

env_map environment() {
  env_map env;
  for (char** entry = environ; entry != nullptr && *entry != nullptr; ++entry) {
    std::string pair{*entry};
    auto eq = pair.find('=');
    if (eq != std::string::npos)
      env.emplace(pair.substr(0, eq), pair.substr(eq + 1));
  }
  return env;
}

} // namespace troupe::config

namespace troupe::config::detail {

namespace {

/// TROUPE_HTTP_PORT -> http-port; "" if the name is not ours.
std::string option_name_of(const std::string& variable) {
  static const std::string prefix = "TROUPE_";
  if (variable.compare(0, prefix.size(), prefix) != 0)
    return {};
  std::string name;
  for (char c : variable.substr(prefix.size()))
    name += c == '_' ? '-' : static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return name;
}

result<po::parsed_options> parse_env(const po::options_description& desc,
                                     const env_map& env) {
  po::parsed_options parsed{&desc};
  for (const auto& [variable, value] : env) {
    auto name = option_name_of(variable);
    if (name.empty())
      continue;
    const auto* opt = desc.find_nothrow(name, false);
    if (opt == nullptr)
      continue;
    po::option o;
    o.string_key = name;
    if (opt->semantic()->max_tokens() == 0) {
      // A flag: set by 1/true/yes, left alone by 0/false/no.
      if (value == "0" || value == "false" || value == "no")
        continue;
      if (value != "1" && value != "true" && value != "yes")
        return bad_value(name, value, "environment variable " + variable
                                        + " is a flag: use 1 or 0");
    } else {
      o.value.push_back(value);
    }
    o.original_tokens = {variable + "=" + value};
    parsed.options.push_back(std::move(o));
  }
  return parsed;
}

error from_boost(const po::error& e, const std::string& where) {
  std::string message = where.empty() ? e.what() : where + ": " + e.what();
  if (dynamic_cast<const po::unknown_option*>(&e) != nullptr)
    return make_error(config_errc::unknown_option, message);
  if (dynamic_cast<const po::invalid_command_line_syntax*>(&e) != nullptr)
    return make_error(config_errc::missing_value, message);
  return make_error(config_errc::bad_value, message);
}

} // namespace

result<po::variables_map> parse_layers(const po::options_description& desc,
                                       int argc, const char* const* argv,
                                       const env_map& env) {
  po::variables_map vm;
  try {
    po::store(po::command_line_parser(argc, argv).options(desc).run(), vm);
  } catch (const po::error& e) {
    return from_boost(e, "");
  }
  auto env_options = parse_env(desc, env);
  if (!env_options)
    return env_options.err();
  try {
    po::store(*env_options, vm);
  } catch (const po::error& e) {
    return from_boost(e, "in the environment");
  }
  if (vm.count("config") != 0 && desc.find_nothrow("config", false) != nullptr) {
    auto path = vm["config"].as<std::string>();
    if (!path.empty()) {
      std::ifstream file{path};
      if (!file)
        return bad_value("config", path, "cannot read the file");
      try {
        po::store(po::parse_config_file(file, desc, false), vm);
      } catch (const po::error& e) {
        return from_boost(e, "in config file " + path);
      }
    }
  }
  po::notify(vm);
  return vm;
}

std::optional<std::string> help_or_version(const po::variables_map& vm,
                                           const po::options_description& desc,
                                           const std::string& binary) {
  if (vm.count("help") != 0) {
    std::ostringstream text;
    text << desc;
    return text.str();
  }
  if (vm.count("version") != 0)
    return binary + " " + TROUPE_VERSION + "\n";
  return std::nullopt;
}

std::vector<std::string> options_set(const po::variables_map& vm) {
  std::vector<std::string> out;
  for (const auto& [name, value] : vm) {
    if (value.defaulted() || value.empty())
      continue;
    const auto& held = value.value();
    if (const auto* s = boost::any_cast<std::string>(&held))
      out.push_back("--" + name + " " + (s->empty() ? std::string{"\"\""} : *s));
    else if (const auto* b = boost::any_cast<bool>(&held))
      out.push_back(*b ? "--" + name : "--" + name + " false");
    else
      out.push_back("--" + name);
  }
  return out;
}

std::string text(const po::variables_map& vm, const char* name) {
  return vm.count(name) != 0 ? vm[name].as<std::string>() : std::string{};
}

result<long long> integer(const po::variables_map& vm, const char* name,
                          long long lowest, long long highest) {
  auto value = text(vm, name);
  errno = 0;
  char* end = nullptr;
  long long number = std::strtoll(value.c_str(), &end, 10);
  if (value.empty() || errno != 0 || *end != '\0')
    return bad_value(name, value, "not a whole number");
  if (number < lowest || number > highest)
    return bad_value(name, value, "must be between " + std::to_string(lowest)
                                    + " and " + std::to_string(highest));
  return number;
}

result<double> real(const po::variables_map& vm, const char* name, double lowest,
                    double highest) {
  auto value = text(vm, name);
  errno = 0;
  char* end = nullptr;
  double number = std::strtod(value.c_str(), &end);
  if (value.empty() || errno != 0 || *end != '\0' || !std::isfinite(number))
    return bad_value(name, value, "not a number");
  if (number < lowest || number > highest)
    return bad_value(name, value, "must be between " + std::to_string(lowest) + " and "
                                    + std::to_string(highest));
  return number;
}

void add_tls_options(po::options_description& desc) {
  desc.add_options()
    ("tls-cert", po::value<std::string>()->default_value(""),
     "PEM certificate of this process, signed by --tls-ca; with --tls-key and "
     "--tls-ca every cluster and shell connection is TLS, both ends checked")
    ("tls-key", po::value<std::string>()->default_value(""),
     "unencrypted PEM private key of --tls-cert")
    ("tls-ca", po::value<std::string>()->default_value(""),
     "PEM certificate of the CA every node and shell certificate must be signed by");
}

result<tls_files> tls_options(const po::variables_map& vm) {
  return check_tls_files(text(vm, "tls-cert"), text(vm, "tls-key"), text(vm, "tls-ca"));
}

} // namespace troupe::config::detail
