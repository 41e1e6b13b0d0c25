#pragma once
/// Where a set comes from: the URL forms `gograde sets add` accepts, checked
/// before anything is fetched, and how a URL is shown (never with a password).
///
/// Accepted: a local path to a repository (bare or not), `file:///path`,
/// `git://host[:port]/path`, `http://` and `https://host[:port]/path`,
/// `ssh://[user@]host[:port]/path` and scp-like `[user@]host:path`.

#include <filesystem>
#include <string>

namespace gograde::sets {

struct remote_url {
  std::string scheme;    ///< local, file, git, http, https, ssh
  std::string url;       ///< what is fetched and stored: absolute for a local path, no password
  std::string user;      ///< from the URL, when given
  std::string password;  ///< from the URL (used for one fetch, never stored or shown)
  std::string host;      ///< host[:port] for network schemes
  std::string path;      ///< the path part
};

/// Parses and checks `text`; throws config_error ("malformed URL ...", "no
/// repository at ...") saying what was expected.
remote_url parse_url(const std::string& text, const std::filesystem::path& cwd);

/// `text` with any password in a URL's user information replaced by "***":
/// for messages that may quote a URL.
std::string redact(const std::string& text);

}  // namespace gograde::sets
