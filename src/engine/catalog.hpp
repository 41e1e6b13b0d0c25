#pragma once
/// Sets of exercises and how a command names an exercise in them.
///
/// A set is a directory with `exercises/ reference/ graders/` (see
/// exercise.hpp) and a manifest, `gograde-set.toml`:
///
///     name = "acme-interviews"      # [a-z0-9][a-z0-9_-]*, at most 64 characters
///     version = "1.2.0"             # free text, shown in reports
///     description = "..."           # optional
///     exercises = ["safe-counter"]  # slugs: exercises/<slug>/, reference/<slug>/, graders/<slug>/
///
/// A catalog is the ordered list of sets a command sees (the built-in set,
/// then the sets added with `gograde sets add`). An exercise is named
/// `set/slug`, or by its slug alone when exactly one set has it.
///
/// Errors are config_error naming the file (relative to the set) and the field.

#include <string>
#include <vector>

#include "engine/exercise.hpp"

namespace gograde {

inline constexpr const char* kManifestFile = "gograde-set.toml";

struct set_manifest {
  std::string name, version, description;
  std::vector<std::string> exercises;
};

/// Whether `name` can name a set (and a directory of the store).
bool valid_set_name(const std::string& name);

/// Reads and checks `root/gograde-set.toml`: fields present and typed, the
/// name valid, every exercise a plain slug (no `/`, `..`, absolute path),
/// listed once. Does not look at the exercises (see check_set).
set_manifest load_manifest(const fs::path& root);

/// Proves a set's manifest and layout sound before it is used: the manifest,
/// and for each exercise its three folders, exercise.toml, rubric.toml and
/// mutants (everything load_exercise checks); no symlink anywhere in the set
/// points outside it. Messages name files relative to `root`.
set_manifest check_set(const fs::path& root);

/// One set as a catalog holds it.
struct set_source {
  set_origin origin;
  fs::path root;
};

class catalog {
 public:
  /// Adds a set and reads its list of exercises; a second set of the same
  /// name is a config_error.
  void add(set_source s);
  const std::vector<set_source>& sets() const { return sets_; }

  /// Every exercise: (set, slug), in set order then slug order.
  std::vector<std::pair<const set_source*, std::string>> exercises() const;

  /// How commands show an exercise: its slug when no other set has that
  /// slug, else `set/slug`.
  std::string display_name(const set_source& s, const std::string& slug) const;

  /// Resolves `set/slug` or a slug (unknown, ambiguous: config_error listing
  /// what there is) and loads it, with its origin filled in.
  exercise load(const std::string& name) const;

  /// The exercises `names` pick, loaded, in exercises() order: a slug,
  /// `set/slug`, or a set's name for all of its exercises; none: every
  /// exercise. An unknown or ambiguous name is a config_error (as load).
  std::vector<exercise> select(const std::vector<std::string>& names) const;

 private:
  // Read once, when a set is added: every lookup consults these.
  std::vector<set_source> sets_;
  std::vector<std::vector<std::string>> slugs_;  // list_exercises of sets_[i]
};

}  // namespace gograde
