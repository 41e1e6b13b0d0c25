#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <unistd.h>

#include "sets/credentials.hpp"

using gograde::sets::credential_query;
using gograde::sets::find_credential;

namespace {

// A fresh HOME and XDG_CONFIG_HOME with the given files.
struct fake_home {
  std::filesystem::path home = std::filesystem::temp_directory_path() /
                               ("gograde-cred-" + std::to_string(::getpid()) + "-" + std::to_string(++counter()));
  fake_home() { std::filesystem::create_directories(home / ".config" / "git"); }
  ~fake_home() { std::filesystem::remove_all(home); }
  void write(const std::string& rel, const std::string& text) const { std::ofstream(home / rel) << text; }
  std::string h() const { return home.string(); }
  std::string xdg() const { return (home / ".config").string(); }
  std::string netrc() const { return (home / ".netrc").string(); }
  static int& counter() {
    static int n = 0;
    return n;
  }
};

}  // namespace

TEST_CASE("The credential store file matches protocol and host, and decodes percent escapes", "[sets][credentials]") {
  fake_home f;
  f.write(".git-credentials",
          "https://carol:other@git.example.com\n"
          "http://alice:s3cret%2FPa55@git.example.com:8080\n");
  const auto c = find_credential({"http", "git.example.com:8080", "team/set.git", ""}, f.h(), f.xdg(), f.netrc());
  REQUIRE(c);
  CHECK(c->user == "alice");
  CHECK(c->password == "s3cret/Pa55");
  CHECK(c->source == f.h() + "/.git-credentials");
  CHECK_FALSE(find_credential({"http", "git.example.com", "x", ""}, f.h(), f.xdg(), f.netrc()));  // another port
  CHECK(find_credential({"https", "git.example.com", "x", ""}, f.h(), f.xdg(), f.netrc())->user == "carol");
}

TEST_CASE("A user named in the URL and a path in the entry narrow the match", "[sets][credentials]") {
  fake_home f;
  f.write(".git-credentials",
          "https://bob:b@host/other/repo.git\n"
          "https://bob:bb@host/team/set.git\n"
          "https://alice:a@host\n");
  CHECK(find_credential({"https", "host", "team/set.git", "bob"}, f.h(), f.xdg(), f.netrc())->password == "bb");
  CHECK(find_credential({"https", "host", "team/set.git", "alice"}, f.h(), f.xdg(), f.netrc())->password == "a");
  CHECK_FALSE(find_credential({"https", "host", "team/set.git", "dave"}, f.h(), f.xdg(), f.netrc()));
}

TEST_CASE("XDG's git/credentials comes before ~/.git-credentials, netrc last", "[sets][credentials]") {
  fake_home f;
  f.write(".config/git/credentials", "https://x:from-xdg@host\n");
  f.write(".git-credentials", "https://x:from-home@host\n");
  f.write(".netrc", "machine host login x password from-netrc\n");
  CHECK(find_credential({"https", "host", "", ""}, f.h(), f.xdg(), f.netrc())->password == "from-xdg");
  std::filesystem::remove(f.home / ".config/git/credentials");
  CHECK(find_credential({"https", "host", "", ""}, f.h(), f.xdg(), f.netrc())->password == "from-home");
  std::filesystem::remove(f.home / ".git-credentials");
  CHECK(find_credential({"https", "host:8443", "", ""}, f.h(), f.xdg(), f.netrc())->password == "from-netrc");
}

TEST_CASE("netrc: the machine's entry, else default", "[sets][credentials]") {
  fake_home f;
  f.write(".netrc",
          "machine other login o password op\n"
          "machine host\n  login h\n  password hp\n"
          "default login d password dp\n");
  CHECK(find_credential({"https", "host", "", ""}, f.h(), f.xdg(), f.netrc())->user == "h");
  CHECK(find_credential({"https", "elsewhere", "", ""}, f.h(), f.xdg(), f.netrc())->password == "dp");
  CHECK_FALSE(find_credential({"https", "host", "", "nobody"}, f.h(), f.xdg(), f.netrc()));
}

TEST_CASE("No file, no credential", "[sets][credentials]") {
  fake_home f;
  CHECK_FALSE(find_credential({"https", "host", "", ""}, f.h(), f.xdg(), f.netrc()));
}
