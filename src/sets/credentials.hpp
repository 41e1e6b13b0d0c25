#pragma once
/// Credentials for fetching a set over http(s), from the standard places a
/// user keeps them, read (never written) by gograde:
///
///  1. the git credential store files: `$XDG_CONFIG_HOME/git/credentials`
///     (default ~/.config/git/credentials) and `~/.git-credentials`, lines of
///     `https://user:password@host[:port][/path]`, percent-encoded, as
///     `git credential-store` writes them;
///  2. `$NETRC` or `~/.netrc`: `machine HOST login USER password PASS`, or
///     `default`.
///
/// The first entry for the URL's protocol and host (and user, when the URL
/// names one; and path, when the entry has one) wins. Passwords go to
/// libgit2 and nowhere else: no message or file of gograde contains them.

#include <optional>
#include <string>

namespace gograde::sets {

struct credential {
  std::string user, password;
  std::string source;  ///< the file it came from, for messages
};

struct credential_query {
  std::string protocol;  ///< http, https
  std::string host;      ///< host[:port]
  std::string path;      ///< without the leading '/'
  std::string user;      ///< from the URL, or ""
};

/// Looks the query up in the credential store files, then netrc. `home`,
/// `xdg_config` and `netrc` default to the environment ($HOME,
/// $XDG_CONFIG_HOME, $NETRC) when empty.
std::optional<credential> find_credential(const credential_query& q, std::string home = {},
                                          std::string xdg_config = {}, std::string netrc = {});

/// Decodes %XX escapes (a malformed escape is kept as is).
std::string percent_decode(const std::string& s);

}  // namespace gograde::sets
