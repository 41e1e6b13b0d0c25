#include "sets/store.hpp"

#include <fcntl.h>
#include <git2.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <ctime>
#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <utility>

#include "engine/cache.hpp"
#include "engine/files.hpp"
#include "sets/credentials.hpp"
#include "sets/url.hpp"

namespace gograde::sets {

namespace {

// ---- libgit2 plumbing -------------------------------------------------------

void libgit2_once() {
  static const int init = git_libgit2_init();
  (void)init;
}

template <class T, void (*Free)(T*)>
struct handle {
  T* p = nullptr;
  handle() = default;
  handle(handle&& o) noexcept : p(std::exchange(o.p, nullptr)) {}
  handle& operator=(handle&&) = delete;
  ~handle() {
    if (p) Free(p);
  }
  T** out() { return &p; }
  T* get() const { return p; }
};
using repo_h = handle<git_repository, git_repository_free>;
using remote_h = handle<git_remote, git_remote_free>;
using object_h = handle<git_object, git_object_free>;
using tree_h = handle<git_tree, git_tree_free>;
using commit_h = handle<git_commit, git_commit_free>;
using blob_h = handle<git_blob, git_blob_free>;
using ref_iter_h = handle<git_reference_iterator, git_reference_iterator_free>;

std::string git_message() {
  const git_error* e = git_error_last();
  return redact(e && e->message ? e->message : "unknown libgit2 error");
}

std::string hex(const git_oid& oid) {
  char buf[GIT_OID_HEXSZ + 1];
  git_oid_tostr(buf, sizeof buf, &oid);
  return buf;
}
std::string short_hex(const std::string& commit) { return commit.substr(0, 12); }

std::string now_iso() {
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

// ---- the lock -----------------------------------------------------------------

// Held by the one command changing the store; released by the kernel when the
// process ends, however it ends.
class store_lock {
 public:
  explicit store_lock(const fs::path& root) {
    std::error_code ec;
    fs::create_directories(root, ec);
    fd_ = ::open((root / "lock").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd_ < 0) throw config_error(fmt::format("cannot open {}: {}", (root / "lock").string(), std::strerror(errno)));
    if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
      std::string holder = read_file(root / "lock");
      while (!holder.empty() && (holder.back() == '\n' || holder.back() == ' ')) holder.pop_back();
      ::close(fd_);
      throw config_error(fmt::format("another gograde command (pid {}) is changing the sets in {}; nothing was "
                                     "done: try again when it has finished",
                                     holder.empty() ? "unknown" : holder, root.string()));
    }
    const std::string pid = std::to_string(::getpid()) + "\n";
    if (::ftruncate(fd_, 0) == 0) (void)!::write(fd_, pid.data(), pid.size());
    clean_leftovers(root);
  }
  ~store_lock() { ::close(fd_); }
  store_lock(const store_lock&) = delete;
  store_lock& operator=(const store_lock&) = delete;

 private:
  // With the lock held, anything half-made belongs to a command that died.
  static void clean_leftovers(const fs::path& root) {
    std::error_code ec;
    auto stale = [](const fs::path& p) { return p.filename().string().rfind(".staging-", 0) == 0 ||
                                                p.filename().string().rfind(".removing-", 0) == 0; };
    for (const auto& e : fs::directory_iterator(root, ec)) {
      if (stale(e.path())) {
        fs::remove_all(e.path(), ec);
        continue;
      }
      if (!e.is_directory()) continue;
      for (const auto& v : fs::directory_iterator(e.path() / "versions", ec))
        if (stale(v.path())) fs::remove_all(v.path(), ec);
      // A fetch killed while updating references leaves their lock files.
      for (auto it = fs::recursive_directory_iterator(e.path() / "git", ec); it != fs::recursive_directory_iterator();
           it.increment(ec)) {
        if (ec) break;
        const std::string n = it->path().filename().string();
        if (it->is_regular_file(ec) && n.size() > 5 && n.compare(n.size() - 5, 5, ".lock") == 0)
          fs::remove(it->path(), ec);
      }
    }
  }
  int fd_ = -1;
};

// ---- state --------------------------------------------------------------------

nlohmann::json to_json(const set_state& s) {
  return {{"schema", "gograde.set/1"}, {"name", s.name},       {"url", s.url},
          {"ref", s.ref},              {"ref_kind", s.ref_kind}, {"commit", s.commit},
          {"version", s.version},      {"description", s.description}, {"exercises", s.exercises},
          {"added_at", s.added_at},    {"updated_at", s.updated_at}};
}

std::optional<set_state> read_state(const fs::path& file, std::string* problem) {
  const auto j = nlohmann::json::parse(read_file(file), nullptr, false);
  if (j.is_discarded() || !j.is_object() || !j.contains("commit")) {
    if (problem) *problem = file.string() + ": unreadable";
    return std::nullopt;
  }
  set_state s;
  s.name = j.value("name", "");
  s.url = j.value("url", "");
  s.ref = j.value("ref", "");
  s.ref_kind = j.value("ref_kind", "");
  s.commit = j.value("commit", "");
  s.version = j.value("version", "");
  s.description = j.value("description", "");
  s.exercises = j.value("exercises", std::vector<std::string>{});
  s.added_at = j.value("added_at", "");
  s.updated_at = j.value("updated_at", "");
  return s;
}

// ---- fetching -----------------------------------------------------------------

struct fetch_ctx {
  remote_url url;
  progress_fn progress;
  int userpass_step = 0;
  bool tried_agent = false;
  std::string credential_source;  // where the last offered credential came from
  bool auth_exhausted = false;
  std::chrono::steady_clock::time_point last{};
  std::size_t objects = 0, bytes = 0;
};

int on_credentials(git_credential** out, const char*, const char* user_from_url, unsigned int allowed, void* payload) {
  auto* c = static_cast<fetch_ctx*>(payload);
  if (allowed & GIT_CREDENTIAL_USERPASS_PLAINTEXT) {
    while (c->userpass_step < 2) {
      const int step = c->userpass_step++;
      if (step == 0 && !c->url.password.empty()) {
        c->credential_source = "the URL";
        return git_credential_userpass_plaintext_new(out, c->url.user.c_str(), c->url.password.c_str());
      }
      if (step == 1) {
        std::string path = c->url.path;
        if (!path.empty() && path.front() == '/') path.erase(0, 1);
        if (auto found = find_credential({c->url.scheme, c->url.host, path, c->url.user})) {
          c->credential_source = found->source;
          return git_credential_userpass_plaintext_new(out, found->user.c_str(), found->password.c_str());
        }
      }
    }
  }
  if ((allowed & GIT_CREDENTIAL_SSH_KEY) && !c->tried_agent) {
    c->tried_agent = true;
    c->credential_source = "the ssh agent";
    return git_credential_ssh_key_from_agent(out, user_from_url ? user_from_url : "git");
  }
  c->auth_exhausted = true;
  git_error_set_str(GIT_ERROR_NET, "authentication failed");
  return GIT_EAUTH;
}

int on_transfer(const git_indexer_progress* s, void* payload) {
  auto* c = static_cast<fetch_ctx*>(payload);
  c->objects = s->received_objects;
  c->bytes = s->received_bytes;
  const auto now = std::chrono::steady_clock::now();
  if (!c->progress || now - c->last < std::chrono::milliseconds(100)) return 0;
  c->last = now;
  const unsigned pct = s->total_objects ? 100u * s->received_objects / s->total_objects : 0u;
  std::string line = fmt::format("fetching {}: objects {}/{} ({}%), {}", c->url.url, s->received_objects,
                                 s->total_objects, pct, format_size(s->received_bytes));
  if (s->total_deltas) line += fmt::format(", deltas {}/{}", s->indexed_deltas, s->total_deltas);
  c->progress(line, false);
  return 0;
}

int on_sideband(const char* str, int len, void* payload) {
  auto* c = static_cast<fetch_ctx*>(payload);
  if (!c->progress || len <= 0) return 0;
  std::string msg(str, static_cast<std::size_t>(len));
  while (!msg.empty() && (msg.back() == '\n' || msg.back() == '\r')) msg.pop_back();
  if (const auto cr = msg.rfind('\r'); cr != std::string::npos) msg = msg.substr(cr + 1);
  const auto now = std::chrono::steady_clock::now();
  if (!msg.empty() && now - c->last >= std::chrono::milliseconds(100)) {
    c->last = now;
    c->progress(fmt::format("fetching {}: remote: {}", c->url.url, redact(msg)), false);
  }
  return 0;
}

std::vector<std::string> ref_names(git_repository* repo, const char* glob, std::size_t strip) {
  std::vector<std::string> out;
  ref_iter_h it;
  if (git_reference_iterator_glob_new(it.out(), repo, glob) < 0) return out;
  const char* name = nullptr;
  while (git_reference_next_name(&name, it.get()) == 0) out.emplace_back(std::string(name).substr(strip));
  std::sort(out.begin(), out.end());
  return out;
}

struct remote_refs {
  std::string default_branch;  // "" when the remote does not say
  std::vector<std::string> branches, tags;
};

// The branches and tags fetched so far (what the remote had at the last fetch).
void read_local_refs(git_repository* repo, remote_refs& refs) {
  refs.branches = ref_names(repo, "refs/remotes/origin/*", 20);
  refs.tags = ref_names(repo, "refs/tags/*", 10);
}


// Fetches every branch (as refs/remotes/origin/*) and tag into `repo`, with
// progress and credentials. Throws config_error saying why it could not.
remote_refs fetch(git_repository* repo, const remote_url& u, const progress_fn& progress) {
  remote_h remote;
  if (git_remote_lookup(remote.out(), repo, "origin") < 0 &&
      git_remote_create_with_fetchspec(remote.out(), repo, "origin", u.url.c_str(),
                                       "+refs/heads/*:refs/remotes/origin/*") < 0)
    throw config_error(fmt::format("cannot set up a remote for {}: {}", u.url, git_message()));
  fetch_ctx ctx;
  ctx.url = u;
  ctx.progress = progress;
  git_fetch_options fo;
  git_fetch_options_init(&fo, GIT_FETCH_OPTIONS_VERSION);
  fo.callbacks.credentials = on_credentials;
  fo.callbacks.transfer_progress = on_transfer;
  fo.callbacks.sideband_progress = on_sideband;
  fo.callbacks.payload = &ctx;
  fo.prune = GIT_FETCH_PRUNE;
  fo.download_tags = GIT_REMOTE_DOWNLOAD_TAGS_ALL;
  const auto t0 = std::chrono::steady_clock::now();
  if (progress) progress(fmt::format("fetching {} ...", u.url), false);

  auto fail = [&](const char* what) {
    std::string why = git_message();
    if (ctx.auth_exhausted)
      why = ctx.credential_source.empty()
                ? "authentication required and no credentials found (looked in ~/.git-credentials, "
                  "$XDG_CONFIG_HOME/git/credentials and ~/.netrc)"
                : "authentication failed with the credentials from " + ctx.credential_source;
    throw config_error(fmt::format("{} {}: {}", what, u.url, why));
  };
  remote_refs refs;
  if (git_remote_connect(remote.get(), GIT_DIRECTION_FETCH, &fo.callbacks, &fo.proxy_opts, nullptr) < 0)
    fail("cannot reach");
  git_buf head{};
  if (git_remote_default_branch(&head, remote.get()) == 0 && head.ptr) {
    const std::string h = head.ptr;
    if (h.rfind("refs/heads/", 0) == 0) refs.default_branch = h.substr(11);
  }
  git_buf_dispose(&head);
  git_remote_disconnect(remote.get());
  // The fetch is a new connection: the credentials may be offered again (a
  // second request within one connection means they were refused).
  ctx.userpass_step = 0;
  ctx.tried_agent = false;

  const char* specs[] = {"+refs/heads/*:refs/remotes/origin/*", "+refs/tags/*:refs/tags/*"};
  git_strarray refspecs{const_cast<char**>(specs), 2};
  if (git_remote_fetch(remote.get(), &refspecs, &fo, "gograde fetch") < 0) fail("cannot fetch from");
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (progress)
    progress(ctx.objects ? fmt::format("fetched {}: {} objects, {} in {:.1f} s", u.url, ctx.objects,
                                       format_size(ctx.bytes), secs)
                         : fmt::format("fetched {}: nothing new ({:.1f} s)", u.url, secs),
             true);
  read_local_refs(repo, refs);
  return refs;
}

// ---- refs ---------------------------------------------------------------------

struct resolved {
  std::string kind, commit;
};

std::optional<std::string> peel_to_commit(git_repository* repo, const std::string& spec) {
  object_h obj, peeled;
  if (git_revparse_single(obj.out(), repo, spec.c_str()) < 0) return std::nullopt;
  if (git_object_peel(peeled.out(), obj.get(), GIT_OBJECT_COMMIT) < 0) return std::nullopt;
  return hex(*git_object_id(peeled.get()));
}

bool is_hex(const std::string& s) {
  return s.size() >= 4 && s.size() <= GIT_OID_HEXSZ &&
         std::all_of(s.begin(), s.end(), [](char c) { return std::isxdigit(static_cast<unsigned char>(c)); });
}

std::string list_or_none(const std::vector<std::string>& v) {
  return v.empty() ? "none" : fmt::format("{}", fmt::join(v, ", "));
}

// A branch, then a tag, then a commit (full or abbreviated hex) of that name.
std::optional<resolved> resolve(git_repository* repo, const std::string& ref) {
  if (ref.empty() || ref.find("..") != std::string::npos || ref.front() == '-') return std::nullopt;
  git_reference* r = nullptr;
  if (git_reference_lookup(&r, repo, ("refs/remotes/origin/" + ref).c_str()) == 0) {
    git_reference_free(r);
    if (auto c = peel_to_commit(repo, "refs/remotes/origin/" + ref)) return resolved{"branch", *c};
  }
  if (git_reference_lookup(&r, repo, ("refs/tags/" + ref).c_str()) == 0) {
    git_reference_free(r);
    if (auto c = peel_to_commit(repo, "refs/tags/" + ref)) return resolved{"tag", *c};
  }
  if (is_hex(ref)) {
    git_oid oid;
    object_h obj, peeled;
    if (git_oid_fromstrn(&oid, ref.c_str(), ref.size()) == 0 &&
        git_object_lookup_prefix(obj.out(), repo, &oid, ref.size(), GIT_OBJECT_ANY) == 0 &&
        git_object_peel(peeled.out(), obj.get(), GIT_OBJECT_COMMIT) == 0)
      return resolved{"commit", hex(*git_object_id(peeled.get()))};
  }
  return std::nullopt;
}

// "branches: main, dev; tags: v1", for messages about a ref not found.
std::string known_refs(const remote_refs& refs) {
  return fmt::format("branches: {}; tags: {}", list_or_none(refs.branches), list_or_none(refs.tags));
}

std::string no_such_ref(const std::string& ref, const std::string& url, const remote_refs& refs) {
  return fmt::format("no branch, tag or commit \"{}\" in {} ({})", ref, url, known_refs(refs));
}

// ---- checkout -----------------------------------------------------------------

struct walk_ctx {
  git_repository* repo;
  fs::path dest;
  std::string error;
  bool config_problem = false;
};

bool write_all(const fs::path& p, const char* data, std::size_t n, bool executable, std::string& error) {
  const int fd = ::open(p.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, executable ? 0755 : 0644);
  if (fd < 0) {
    error = fmt::format("cannot write {}: {}", p.string(), std::strerror(errno));
    return false;
  }
  while (n > 0) {
    const ssize_t w = ::write(fd, data, n);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) {
      error = fmt::format("cannot write {}: {}", p.string(), std::strerror(w < 0 ? errno : ENOSPC));
      ::close(fd);
      return false;
    }
    data += w;
    n -= static_cast<std::size_t>(w);
  }
  if (::close(fd) != 0) {
    error = fmt::format("cannot write {}: {}", p.string(), std::strerror(errno));
    return false;
  }
  return true;
}

int on_tree_entry(const char* root, const git_tree_entry* e, void* payload) {
  auto* c = static_cast<walk_ctx*>(payload);
  const std::string name = git_tree_entry_name(e);
  const std::string rel = std::string(root) + name;
  if (name.empty() || name == "." || name == ".." || name == ".git" || name.find('/') != std::string::npos ||
      name.find('\0') != std::string::npos) {
    c->error = fmt::format("{}: an unsafe file name in the repository", rel);
    c->config_problem = true;
    return -1;
  }
  const fs::path p = c->dest / rel;
  std::error_code ec;
  switch (git_tree_entry_filemode(e)) {
    case GIT_FILEMODE_TREE:
      if (!fs::create_directory(p, ec) && ec) {
        c->error = fmt::format("cannot create {}: {}", p.string(), ec.message());
        return -1;
      }
      return 0;
    case GIT_FILEMODE_BLOB:
    case GIT_FILEMODE_BLOB_EXECUTABLE:
    case GIT_FILEMODE_LINK: {
      blob_h blob;
      if (git_blob_lookup(blob.out(), c->repo, git_tree_entry_id(e)) < 0) {
        c->error = fmt::format("{}: {}", rel, git_message());
        return -1;
      }
      const char* data = static_cast<const char*>(git_blob_rawcontent(blob.get()));
      const auto size = static_cast<std::size_t>(git_blob_rawsize(blob.get()));
      if (git_tree_entry_filemode(e) != GIT_FILEMODE_LINK)
        return write_all(p, data, size, git_tree_entry_filemode(e) == GIT_FILEMODE_BLOB_EXECUTABLE, c->error) ? 0 : -1;
      const fs::path target(std::string(data, size));
      const fs::path resolved_rel = (fs::path(rel).parent_path() / target).lexically_normal();
      if (target.empty() || target.is_absolute() || resolved_rel.empty() || *resolved_rel.begin() == "..") {
        c->error = fmt::format("{}: a symlink to \"{}\", outside the set", rel, target.string());
        c->config_problem = true;
        return -1;
      }
      fs::create_symlink(target, p, ec);
      if (ec) {
        c->error = fmt::format("cannot create {}: {}", p.string(), ec.message());
        return -1;
      }
      return 0;
    }
    default:  // a submodule
      c->error = fmt::format("{}: a submodule; sets cannot use submodules", rel);
      c->config_problem = true;
      return -1;
  }
}

// Writes the files of `commit` into `dest` (which must not exist).
void write_commit(git_repository* repo, const std::string& commit, const fs::path& dest) {
  git_oid oid;
  commit_h c;
  tree_h tree;
  if (git_oid_fromstr(&oid, commit.c_str()) < 0 || git_commit_lookup(c.out(), repo, &oid) < 0 ||
      git_commit_tree(tree.out(), c.get()) < 0)
    throw config_error(fmt::format("commit {}: {}", short_hex(commit), git_message()));
  std::error_code ec;
  fs::create_directories(dest, ec);
  if (ec) throw config_error(fmt::format("cannot create {}: {}", dest.string(), ec.message()));
  walk_ctx ctx{repo, dest, {}, false};
  if (git_tree_walk(tree.get(), GIT_TREEWALK_PRE, on_tree_entry, &ctx) < 0)
    throw config_error(ctx.error.empty() ? git_message() : ctx.error);
}

repo_h open_repo(const fs::path& dir) {
  repo_h repo;
  if (git_repository_open_bare(repo.out(), dir.c_str()) < 0)
    throw config_error(fmt::format("{}: {} (remove the set and add it again)", dir.string(), git_message()));
  return repo;
}

}  // namespace

// ---- the store ----------------------------------------------------------------

store::store(fs::path root) : root_(std::move(root)) {}

fs::path store::default_root() {
  if (const char* x = std::getenv("XDG_DATA_HOME"); x && *x) return fs::path(x) / "gograde" / "sets";
  if (const char* h = std::getenv("HOME"); h && *h) return fs::path(h) / ".local" / "share" / "gograde" / "sets";
  return fs::temp_directory_path() / "gograde-sets";
}

std::vector<set_state> store::list(std::vector<std::string>* problems) const {
  std::vector<set_state> out;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(root_, ec)) {
    const std::string n = e.path().filename().string();
    if (n.front() == '.' || !e.is_directory()) continue;
    std::string problem;
    if (auto s = read_state(e.path() / "set.json", &problem)) {
      s->name = n;
      out.push_back(std::move(*s));
    } else if (problems) {
      problems->push_back(problem);
    }
  }
  std::sort(out.begin(), out.end(), [](const set_state& a, const set_state& b) { return a.name < b.name; });
  return out;
}

std::optional<set_state> store::find(const std::string& name) const {
  if (!valid_set_name(name)) return std::nullopt;
  auto s = read_state(root_ / name / "set.json", nullptr);
  if (s) s->name = name;
  return s;
}

fs::path store::checkout(const set_state& s) const { return root_ / s.name / "versions" / s.commit; }

void store::add_to(catalog& c) const {
  for (const auto& s : list()) c.add({{s.name, s.version, s.url, s.ref, s.commit}, checkout(s)});
}

namespace {

set_state need(const store& st, const std::string& name) {
  if (auto s = st.find(name)) return *s;
  std::vector<std::string> names;
  for (const auto& s : st.list()) names.push_back(s.name);
  throw config_error(fmt::format("no set \"{}\" (added sets: {})", name, list_or_none(names)));
}

std::string describe(const set_state& s) {
  return fmt::format("version {} (commit {})", s.version, short_hex(s.commit));
}

// Checks a checked-out version and fills the state's manifest fields.
void adopt_manifest(const fs::path& dir, set_state& s) {
  try {
    const set_manifest m = check_set(dir);
    s.version = m.version;
    s.description = m.description;
    s.exercises = m.exercises;
  } catch (const config_error& e) {
    throw config_error(fmt::format("commit {} of {} is not a valid set: {}", short_hex(s.commit), s.url, e.what()));
  }
}

// Makes `next` (its commit fetched into `git`) the version in use of set
// `dir`: checkout beside the others, check, verify, then the state file is
// replaced in one rename. Versions other than the new and the previous one
// are removed afterwards.
void switch_to(const fs::path& dir, git_repository* repo, const set_state& prev, set_state& next,
               const change_options& opt) {
  const fs::path versions = dir / "versions";
  const fs::path final_dir = versions / next.commit;
  bool made = false;
  if (!fs::is_directory(final_dir)) {
    const fs::path staging = versions / fmt::format(".staging-{}-{}", short_hex(next.commit), ::getpid());
    std::error_code ec;
    fs::remove_all(staging, ec);
    try {
      write_commit(repo, next.commit, staging);
      adopt_manifest(staging, next);
    } catch (...) {
      fs::remove_all(staging, ec);
      throw;
    }
    fs::rename(staging, final_dir, ec);
    if (ec) {
      fs::remove_all(staging, ec);
      throw config_error(fmt::format("cannot move the checkout into place: {}", ec.message()));
    }
    made = true;
  } else {
    adopt_manifest(final_dir, next);
  }
  try {
    if (opt.verify) opt.verify(final_dir, next);
    next.updated_at = now_iso();
    try {
      write_file_atomically(dir / "set.json", to_json(next).dump(2) + "\n");
    } catch (const std::exception& e) {
      throw config_error(fmt::format("cannot record the new version: {}", e.what()));
    }
  } catch (...) {
    std::error_code ec;
    if (made && prev.commit != next.commit) fs::remove_all(final_dir, ec);
    throw;
  }
  std::error_code ec;
  for (const auto& v : fs::directory_iterator(versions, ec)) {
    const std::string n = v.path().filename().string();
    if (n != next.commit && n != prev.commit) fs::remove_all(v.path(), ec);
  }
}

}  // namespace

change_result store::add(const std::string& url_text, const change_options& opt) {
  libgit2_once();
  const remote_url u = parse_url(url_text, fs::current_path());
  auto check_name = [&](const std::string& name, const char* from) {
    if (!valid_set_name(name))
      throw config_error(fmt::format("\"{}\" ({}) is not a set name: lower-case letters, digits, - and _", name, from));
    if (name == "builtin") throw config_error(fmt::format("\"builtin\" ({}) names the built-in set; choose another with --name", from));
    if (auto s = find(name))
      throw config_error(fmt::format("a set named \"{}\" already exists (from {}); choose another name with --name, or "
                                     "`gograde sets remove {}` first",
                                     name, s->url, name));
  };
  if (!opt.name.empty()) check_name(opt.name, "--name");
  store_lock lock(root_);
  const fs::path stage = root_ / fmt::format(".staging-add-{}", ::getpid());
  std::error_code ec;
  fs::remove_all(stage, ec);
  fs::create_directories(stage / "versions", ec);
  if (ec) throw config_error(fmt::format("cannot create {}: {}", stage.string(), ec.message()));
  try {
    repo_h repo;
    if (git_repository_init(repo.out(), (stage / "git").c_str(), 1) < 0)
      throw config_error(fmt::format("cannot create a repository in {}: {}", stage.string(), git_message()));
    const remote_refs refs = fetch(repo.get(), u, opt.progress);
    set_state next;
    next.url = u.url;
    next.ref = opt.ref.empty() ? refs.default_branch : opt.ref;
    if (next.ref.empty())
      throw config_error(fmt::format("{} has no default branch (an empty repository?); name one with --ref", u.url));
    const auto r = resolve(repo.get(), next.ref);
    if (!r) throw config_error(no_such_ref(next.ref, u.url, refs));
    next.ref_kind = r->kind;
    next.commit = r->commit;
    const fs::path version = stage / "versions" / next.commit;
    write_commit(repo.get(), next.commit, version);
    adopt_manifest(version, next);
    next.name = opt.name;
    if (next.name.empty()) {
      next.name = load_manifest(version).name;
      check_name(next.name, "the manifest's name");
    }
    next.added_at = next.updated_at = now_iso();
    if (opt.verify) opt.verify(version, next);
    write_file_atomically(stage / "set.json", to_json(next).dump(2) + "\n");
    fs::rename(stage, root_ / next.name, ec);
    if (ec) throw config_error(fmt::format("cannot move the set into {}: {}", (root_ / next.name).string(), ec.message()));
    change_result res;
    res.after = next;
    res.changed = true;
    res.message = fmt::format("added set \"{}\" from {}: {} {} at {}, {} exercise(s): {}", next.name, next.url,
                              next.ref_kind, next.ref, describe(next), next.exercises.size(),
                              fmt::join(next.exercises, ", "));
    return res;
  } catch (const config_error&) {
    fs::remove_all(stage, ec);
    throw;
  } catch (const std::exception& e) {
    fs::remove_all(stage, ec);
    throw config_error(fmt::format("cannot add {}: {}", u.url, e.what()));
  }
}

change_result store::update(const std::string& name, const change_options& opt) {
  libgit2_once();
  store_lock lock(root_);
  const set_state prev = need(*this, name);
  change_result res;
  res.before = res.after = prev;
  if (prev.ref_kind == "commit") {
    res.message = fmt::format("{} is pinned to commit {}: nothing to update (follow a branch again with `gograde sets "
                              "pin {} BRANCH`)",
                              name, short_hex(prev.commit), name);
    return res;
  }
  const std::string keeping = fmt::format("keeping {} at {}, which works offline", name, describe(prev));
  repo_h repo = open_repo(root_ / name / "git");
  remote_refs refs;
  try {
    remote_url u;
    u.url = prev.url;
    try {
      u = parse_url(prev.url, fs::current_path());
    } catch (const config_error& e) {
      throw config_error(fmt::format("cannot reach {}: {}", prev.url, e.what()));
    }
    refs = fetch(repo.get(), u, opt.progress);
  } catch (const config_error& e) {
    throw config_error(fmt::format("{}; {}", e.what(), keeping));
  }
  const auto r = resolve(repo.get(), prev.ref);
  if (!r || r->kind != prev.ref_kind)
    throw config_error(fmt::format("{} {} no longer exists in {} ({}); {}; follow another ref with "
                                   "`gograde sets pin {} REF`",
                                   prev.ref_kind, prev.ref, prev.url, known_refs(refs), keeping, name));
  if (r->commit == prev.commit) {
    res.message = fmt::format("{} is up to date: {} {} at {}", name, prev.ref_kind, prev.ref, describe(prev));
    return res;
  }
  git_oid now_oid, old_oid;
  git_oid_fromstr(&now_oid, r->commit.c_str());
  git_oid_fromstr(&old_oid, prev.commit.c_str());
  const bool descends = git_graph_descendant_of(repo.get(), &now_oid, &old_oid) == 1;
  if (!descends && !opt.force)
    throw config_error(fmt::format("the history of {} {} was rewritten upstream: it moved from {} to {}, which does not "
                                   "contain it; {}; pass --force to switch anyway",
                                   prev.ref_kind, prev.ref, short_hex(prev.commit), short_hex(r->commit), keeping));
  set_state next = prev;
  next.commit = r->commit;
  try {
    switch_to(root_ / name, repo.get(), prev, next, opt);
  } catch (const config_error& e) {
    throw config_error(fmt::format("{}; {}", e.what(), keeping));
  }
  res.after = next;
  res.changed = true;
  res.message = fmt::format("updated {}: {} -> {}{} ({} {})", name, describe(prev), describe(next),
                            descends ? "" : ", history rewritten upstream (--force)", prev.ref_kind, prev.ref);
  return res;
}

change_result store::pin(const std::string& name, const std::string& ref, const change_options& opt) {
  libgit2_once();
  store_lock lock(root_);
  const set_state prev = need(*this, name);
  repo_h repo = open_repo(root_ / name / "git");
  std::string offline;
  remote_refs refs;
  try {
    refs = fetch(repo.get(), parse_url(prev.url, fs::current_path()), opt.progress);
  } catch (const config_error& e) {
    // Pinning to what was fetched before works without the network.
    offline = e.what();
    read_local_refs(repo.get(), refs);
  }
  const auto r = resolve(repo.get(), ref);
  if (!r)
    throw config_error(no_such_ref(ref, prev.url, refs) +
                       (offline.empty() ? "" : " (working offline: " + offline + ")") +
                       fmt::format("; keeping {} at {}", name, describe(prev)));
  set_state next = prev;
  next.ref = ref;
  next.ref_kind = r->kind;
  next.commit = r->commit;
  try {
    switch_to(root_ / name, repo.get(), prev, next, opt);
  } catch (const config_error& e) {
    throw config_error(fmt::format("{}; keeping {} at {}", e.what(), name, describe(prev)));
  }
  change_result res;
  res.before = prev;
  res.after = next;
  res.changed = next.commit != prev.commit;
  res.message = fmt::format("{} now follows {} {} at {}{}{}", name, next.ref_kind, next.ref, describe(next),
                            next.ref_kind == "commit" ? " (pinned: `sets update` leaves it there)" : "",
                            offline.empty() ? "" : " (offline: " + offline + ")");
  return res;
}

std::optional<head_state> repository_head(const fs::path& dir, const std::vector<std::string>& paths) {
  libgit2_once();
  repo_h repo;
  if (git_repository_open_ext(repo.out(), dir.c_str(), GIT_REPOSITORY_OPEN_NO_SEARCH, nullptr) < 0) return std::nullopt;
  const auto commit = peel_to_commit(repo.get(), "HEAD");
  if (!commit) return std::nullopt;
  head_state h{*commit, false};
  std::vector<char*> specs;
  for (const auto& p : paths) specs.push_back(const_cast<char*>(p.c_str()));
  git_status_options so;
  git_status_options_init(&so, GIT_STATUS_OPTIONS_VERSION);
  so.show = GIT_STATUS_SHOW_INDEX_AND_WORKDIR;
  so.flags = GIT_STATUS_OPT_INCLUDE_UNTRACKED | GIT_STATUS_OPT_RECURSE_UNTRACKED_DIRS;
  so.pathspec = {specs.data(), specs.size()};
  git_status_list* list = nullptr;
  if (git_status_list_new(&list, repo.get(), &so) == 0) {
    h.changed = git_status_list_entrycount(list) > 0;
    git_status_list_free(list);
  }
  return h;
}

void store::remove(const std::string& name) {
  store_lock lock(root_);
  need(*this, name);
  const fs::path gone = root_ / fmt::format(".removing-{}-{}", name, ::getpid());
  std::error_code ec;
  fs::rename(root_ / name, gone, ec);
  if (ec) throw config_error(fmt::format("cannot remove {}: {}", (root_ / name).string(), ec.message()));
  fs::remove_all(gone, ec);
}

}  // namespace gograde::sets
