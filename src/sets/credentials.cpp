#include "sets/credentials.hpp"

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <vector>

namespace gograde::sets {

namespace {

std::string env(const char* name) {
  const char* v = std::getenv(name);
  return v ? v : "";
}

std::string strip_slashes(std::string s) {
  while (!s.empty() && s.front() == '/') s.erase(s.begin());
  while (!s.empty() && s.back() == '/') s.pop_back();
  return s;
}

// One line of a credential store file: protocol://user:password@host[/path].
std::optional<credential> store_line(const std::string& line, const credential_query& q) {
  const auto sep = line.find("://");
  if (sep == std::string::npos) return std::nullopt;
  const std::string protocol = line.substr(0, sep);
  const std::string rest = line.substr(sep + 3);
  const auto at = rest.rfind('@', rest.find('/'));
  if (at == std::string::npos) return std::nullopt;
  const std::string info = rest.substr(0, at);
  const std::string hostpath = rest.substr(at + 1);
  const auto slash = hostpath.find('/');
  const std::string host = hostpath.substr(0, slash);
  const std::string path = slash == std::string::npos ? "" : strip_slashes(percent_decode(hostpath.substr(slash)));
  const auto colon = info.find(':');
  if (colon == std::string::npos) return std::nullopt;
  credential c{percent_decode(info.substr(0, colon)), percent_decode(info.substr(colon + 1)), {}};
  if (protocol != q.protocol || host != q.host) return std::nullopt;
  if (!path.empty() && path != strip_slashes(q.path)) return std::nullopt;
  if (!q.user.empty() && q.user != c.user) return std::nullopt;
  return c;
}

std::optional<credential> from_store(const std::string& file, const credential_query& q) {
  std::ifstream in(file);
  std::string line;
  while (std::getline(in, line)) {
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
    if (auto c = store_line(line, q)) {
      c->source = file;
      return c;
    }
  }
  return std::nullopt;
}

std::optional<credential> from_netrc(const std::string& file, const credential_query& q) {
  std::ifstream in(file);
  if (!in) return std::nullopt;
  std::vector<std::string> tok;
  for (std::string t; in >> t;) tok.push_back(t);
  const std::string host = q.host.substr(0, q.host.rfind(':') == std::string::npos || q.host.front() == '['
                                                  ? q.host.size()
                                                  : q.host.rfind(':'));
  // Entries: machine NAME | default, then login/password/account pairs.
  for (std::size_t i = 0; i < tok.size(); ++i) {
    const bool is_default = tok[i] == "default";
    if (!is_default && !(tok[i] == "machine" && i + 1 < tok.size())) continue;
    const bool match = is_default || tok[i + 1] == host;
    std::size_t j = is_default ? i + 1 : i + 2;
    credential c;
    for (; j + 1 < tok.size() && tok[j] != "machine" && tok[j] != "default"; j += 2) {
      if (tok[j] == "login") c.user = tok[j + 1];
      else if (tok[j] == "password") c.password = tok[j + 1];
    }
    if (match && !c.password.empty() && (q.user.empty() || q.user == c.user)) {
      c.source = file;
      return c;
    }
    i = j - 1;
  }
  return std::nullopt;
}

}  // namespace

std::string percent_decode(const std::string& s) {
  std::string o;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() + 0 && std::isxdigit(static_cast<unsigned char>(s[i + 1])) &&
        std::isxdigit(static_cast<unsigned char>(s[i + 2]))) {
      o += static_cast<char>(std::stoi(s.substr(i + 1, 2), nullptr, 16));
      i += 2;
    } else {
      o += s[i];
    }
  }
  return o;
}

std::optional<credential> find_credential(const credential_query& q, std::string home, std::string xdg_config,
                                          std::string netrc) {
  if (home.empty()) home = env("HOME");
  if (xdg_config.empty()) xdg_config = env("XDG_CONFIG_HOME");
  if (xdg_config.empty() && !home.empty()) xdg_config = home + "/.config";
  if (netrc.empty()) netrc = env("NETRC");
  if (netrc.empty() && !home.empty()) netrc = home + "/.netrc";
  std::vector<std::string> stores;
  if (!xdg_config.empty()) stores.push_back(xdg_config + "/git/credentials");
  if (!home.empty()) stores.push_back(home + "/.git-credentials");
  for (const auto& f : stores)
    if (auto c = from_store(f, q)) return c;
  if (!netrc.empty()) return from_netrc(netrc, q);
  return std::nullopt;
}

}  // namespace gograde::sets
