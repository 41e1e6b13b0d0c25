#pragma once
/// File helpers shared by the engine's cache writers (build driver, staging).
///
/// A cache entry is written in a staging directory beside its final name and
/// then renamed into place, so readers never see a half-written entry and an
/// interrupted writer leaves only a stray staging directory.

#include <filesystem>
#include <string>

namespace gograde {

namespace fs = std::filesystem;

/// The whole file, or "" when it cannot be read.
std::string read_file(const fs::path& p);

/// Up to `cap` bytes of `p` when it is a regular file, opened without
/// following a link or blocking; "" otherwise. For files a sandboxed program
/// could have planted (a link to /etc/shadow must not be read by the grader).
std::string read_untrusted_file(const fs::path& p, std::size_t cap);

/// Replaces every occurrence of `from` (non-empty) in `s`.
void replace_all(std::string& s, const std::string& from, const std::string& to);

/// "PID.START": this process's id and its start time (clock ticks since
/// boot), which together name it for good: a PID alone is reused.
const std::string& process_tag();

/// Whether the process a tag names is still running.
bool process_alive(const std::string& tag);

/// A name beside `p` unique to this process and thread (`p` +
/// ".tmp-PID.START-hHOST-TID", HOST a number naming this machine), for
/// writing something before renaming it to `p`.
fs::path temp_sibling(const fs::path& p);

/// Writes `text` to `p` through temp_sibling(p) and a rename, creating the
/// parent directory: readers see the old file or the whole new one, and an
/// interrupted writer leaves no half-written `p`. Throws std::runtime_error.
void write_file_atomically(const fs::path& p, const std::string& text);

/// `s` as one word for a POSIX shell: in single quotes, a quote inside
/// written '\''.
std::string shell_quote(const std::string& s);

/// A new, empty staging directory beside `final_dir`, unique to this process
/// and thread. Empty path (and `error` set) when it cannot be created.
fs::path make_staging_dir(const fs::path& final_dir, std::string& error);

/// Removes what killed gograde processes left in `dir`: staging names
/// (`*.tmp-TAG-*`) and private run directories (`gograde-run-TAG-*`,
/// `gograde-exec-TAG-*`) whose process (see process_tag) has ended, never
/// what another machine sharing `dir` is writing; with `depth` > 0, in
/// subdirectories too, that many levels down. Never fails (what cannot be
/// removed stays). Returns how many entries it removed.
int sweep_stale(const fs::path& dir, int depth = 0);

/// Renames `staging` to `final_dir`; when a concurrent writer published first,
/// keeps theirs and removes `staging`.
void publish_dir(const fs::path& staging, const fs::path& final_dir);

}  // namespace gograde
