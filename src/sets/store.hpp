#pragma once
/// The sets a user has added from git, kept under
/// `$XDG_DATA_HOME/gograde/sets` (default ~/.local/share/gograde/sets):
///
///     lock                       held (flock) by the command changing sets
///     <name>/set.json            the set's state: URL, ref, the commit in use
///     <name>/git/                a bare repository: everything fetched
///     <name>/versions/<commit>/  the files of a commit, checked out and checked
///
/// Guarantees:
///  - A set in the store works offline: commands read set.json and the
///    checkout it names; no network is touched except by add, update, pin.
///  - Switching is atomic: a new version is fetched, checked out beside the
///    current one, validated (check_set, then the caller's `verify`), and only
///    then does set.json (written through a rename) name it. An update that
///    fails or is killed at any point leaves the previous version in use and
///    whole; its leftovers are removed by the next command that takes the lock.
///  - One command changes the store at a time: add, update, pin and remove
///    take an exclusive lock and fail at once, naming the holder, if another
///    command has it. Reading (grading) takes no lock; the version a running
///    grade uses is kept until the next switch after it.
///  - A branch or tag that moves to a commit not descending from the one in
///    use (history rewritten upstream) is refused unless `force`.
///  - The URL kept and shown never holds a password (see credentials.hpp).
///
/// Errors are config_error with what happened, what was kept and what to do.

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "engine/catalog.hpp"

namespace gograde::sets {

namespace fs = std::filesystem;

/// The state of one set (set.json).
struct set_state {
  std::string name;
  std::string url;       ///< without password
  std::string ref;       ///< what it follows: a branch, a tag or a commit
  std::string ref_kind;  ///< branch | tag | commit
  std::string commit;    ///< the commit in use (full hex)
  std::string version, description;  ///< from the manifest of that commit
  std::vector<std::string> exercises;
  std::string added_at, updated_at;  ///< UTC, ISO 8601
};

/// What a fetch reports while it runs: a line of text; `final` for the
/// last line of one fetch (callers overwrite transient lines on a terminal).
using progress_fn = std::function<void(const std::string& line, bool final)>;

struct change_options {
  std::string name;   ///< add: the set's name (default: the manifest's name)
  std::string ref;    ///< add: branch, tag or commit (default: the remote's default branch)
  bool force = false; ///< update: accept a rewritten history
  /// Runs on the checked-out new version before the switch; throws to refuse it.
  std::function<void(const fs::path& root, const set_state& candidate)> verify;
  progress_fn progress;
};

struct change_result {
  set_state before, after;
  bool changed = false;  ///< a different commit is now in use
  std::string message;   ///< what happened, for the user
};

class store {
 public:
  /// `root`: the store's directory (created when first changed).
  explicit store(fs::path root);

  /// $XDG_DATA_HOME/gograde/sets, or ~/.local/share/gograde/sets.
  static fs::path default_root();

  const fs::path& root() const { return root_; }

  /// Every set, sorted by name. A set whose state cannot be read is skipped
  /// with a note in `problems` (when given).
  std::vector<set_state> list(std::vector<std::string>* problems = nullptr) const;
  std::optional<set_state> find(const std::string& name) const;
  /// The checkout in use of `s`.
  fs::path checkout(const set_state& s) const;
  /// Every set as a catalog entry (origin: name, version, URL, ref, commit).
  void add_to(catalog& c) const;

  change_result add(const std::string& url, const change_options& opt);
  change_result update(const std::string& name, const change_options& opt);
  /// Follows `ref` from now on (a branch, a tag, or a commit: stays there);
  /// switching back to an older commit is what pinning is for, so no
  /// history check. Without the network, a ref already fetched still works.
  change_result pin(const std::string& name, const std::string& ref, const change_options& opt);
  void remove(const std::string& name);

 private:
  fs::path root_;
};

/// The commit a directory's own git repository has checked out (HEAD), and
/// whether `paths` (relative to it) differ from that commit; nullopt when
/// `dir` is not the top of a git repository. For the built-in set: a report
/// names the exact version of gograde's own exercises.
struct head_state {
  std::string commit;
  bool changed = false;
};
std::optional<head_state> repository_head(const fs::path& dir, const std::vector<std::string>& paths);

}  // namespace gograde::sets
