#include "sets/url.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <regex>

#include "engine/exercise.hpp"
#include "sets/credentials.hpp"

namespace gograde::sets {

namespace {

[[noreturn]] void malformed(const std::string& text, const std::string& why) {
  throw config_error(fmt::format(
      "malformed URL \"{}\": {} (expected a local path, file:///path, git://host/path, http(s)://host/path, "
      "ssh://host/path or user@host:path)",
      redact(text), why));
}

bool valid_host(const std::string& host) {
  if (host.empty()) return false;
  std::string name = host, port;
  if (host.front() == '[') {  // [IPv6]:port
    const auto close = host.find(']');
    if (close == std::string::npos) return false;
    name = host.substr(1, close - 1);
    if (close + 1 < host.size()) {
      if (host[close + 1] != ':') return false;
      port = host.substr(close + 2);
      if (port.empty()) return false;
    }
    if (name.empty() || !std::all_of(name.begin(), name.end(), [](char c) { return std::isxdigit(static_cast<unsigned char>(c)) || c == ':' || c == '.'; }))
      return false;
  } else if (const auto colon = host.find(':'); colon != std::string::npos) {
    name = host.substr(0, colon);
    port = host.substr(colon + 1);
    if (port.empty()) return false;
  }
  if (!port.empty()) {
    if (port.size() > 5 || !std::all_of(port.begin(), port.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); }))
      return false;
    const int p = std::stoi(port);
    if (p < 1 || p > 65535) return false;
  }
  if (host.front() == '[') return true;
  return !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' || c == '_';
  });
}

}  // namespace

std::string redact(const std::string& text) {
  // scheme://user:password@  ->  scheme://user:***@
  static const std::regex userinfo(R"(([A-Za-z][A-Za-z0-9+.-]*://[^/@:\s]*):[^/@\s]*@)");
  return std::regex_replace(text, userinfo, "$1:***@");
}

remote_url parse_url(const std::string& text, const std::filesystem::path& cwd) {
  if (text.empty()) malformed(text, "it is empty");
  if (std::any_of(text.begin(), text.end(), [](char c) { return std::isspace(static_cast<unsigned char>(c)) || std::iscntrl(static_cast<unsigned char>(c)); }))
    malformed(text, "it contains spaces or control characters");
  remote_url u;
  const auto sep = text.find("://");
  if (sep != std::string::npos) {
    u.scheme = text.substr(0, sep);
    std::transform(u.scheme.begin(), u.scheme.end(), u.scheme.begin(), [](unsigned char c) { return std::tolower(c); });
    if (u.scheme.empty()) malformed(text, "no scheme before ://");
    if (u.scheme != "file" && u.scheme != "git" && u.scheme != "http" && u.scheme != "https" && u.scheme != "ssh")
      malformed(text, fmt::format("unsupported scheme \"{}\"", u.scheme));
    std::string rest = text.substr(sep + 3);
    const auto slash = rest.find('/');
    std::string authority = rest.substr(0, slash);
    u.path = slash == std::string::npos ? "" : rest.substr(slash);
    if (u.scheme == "file") {
      if (!authority.empty() && authority != "localhost") malformed(text, "file:// takes no host (file:///path)");
      if (u.path.empty() || u.path == "/") malformed(text, "no path after file://");
      u.url = "file://" + u.path;
      return u;
    }
    std::string raw_user;  // as written (percent-encoded), for the URL kept
    if (const auto at = authority.rfind('@'); at != std::string::npos) {
      const std::string info = authority.substr(0, at);
      authority = authority.substr(at + 1);
      const auto colon = info.find(':');
      raw_user = info.substr(0, colon);
      u.user = percent_decode(raw_user);
      if (colon != std::string::npos) u.password = percent_decode(info.substr(colon + 1));
      if (u.user.empty()) malformed(text, "an empty user name before @");
    }
    if (!valid_host(authority)) malformed(text, authority.empty() ? "no host" : fmt::format("\"{}\" is not a host[:port]", authority));
    if (u.path.empty() || u.path == "/") malformed(text, "no repository path after the host");
    u.host = authority;
    u.url = u.scheme + "://" + (u.user.empty() ? "" : raw_user + "@") + u.host + u.path;
    return u;
  }
  // scp-like: [user@]host:path, where the colon comes before any slash.
  const auto colon = text.find(':');
  const auto slash = text.find('/');
  if (colon != std::string::npos && (slash == std::string::npos || colon < slash)) {
    std::string authority = text.substr(0, colon);
    std::string lower = authority;
    std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
    if (lower == "http" || lower == "https" || lower == "git" || lower == "file" || lower == "ssh")
      malformed(text, fmt::format("\"{}:\" without \"//\"", authority));
    u.scheme = "ssh";
    if (const auto at = authority.rfind('@'); at != std::string::npos) {
      u.user = authority.substr(0, at);
      authority = authority.substr(at + 1);
    }
    u.path = text.substr(colon + 1);
    if (!valid_host(authority)) malformed(text, fmt::format("\"{}\" is not a host", authority));
    if (u.path.empty()) malformed(text, "no repository path after the host");
    u.host = authority;
    u.url = text;
    return u;
  }
  u.scheme = "local";
  std::filesystem::path p(text);
  if (p.is_relative()) p = cwd / p;
  p = p.lexically_normal();
  std::error_code ec;
  if (!std::filesystem::is_directory(p, ec))
    throw config_error(fmt::format("no repository at {}: not a directory (a local path, or a URL such as "
                                   "https://host/set.git)", p.string()));
  u.path = p.string();
  if (u.path.size() > 1 && u.path.back() == '/') u.path.pop_back();
  u.url = u.path;
  return u;
}

}  // namespace gograde::sets
