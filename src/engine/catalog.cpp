#include "engine/catalog.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "engine/files.hpp"

namespace gograde {

namespace {

// `p` inside `root`, both lexically normal and absolute.
bool inside(const fs::path& root, const fs::path& p) {
  const fs::path rel = p.lexically_normal().lexically_relative(root.lexically_normal());
  return !rel.empty() && *rel.begin() != "..";
}

// Every symlink in the set's trees (not followed) must resolve inside the
// set, whatever its target is relative to. (The rest of a repository is never
// read; a checkout from git refuses outside links anywhere.)
void check_symlinks(const fs::path& root) {
  std::error_code ec;
  std::vector<fs::path> links;
  if (fs::is_symlink(root / kManifestFile, ec)) links.push_back(root / kManifestFile);
  for (const char* tree : {"exercises", "reference", "graders"}) {
    if (fs::is_symlink(root / tree, ec)) links.push_back(root / tree);
    for (auto it = fs::recursive_directory_iterator(root / tree, fs::directory_options::none, ec);
         it != fs::recursive_directory_iterator(); it.increment(ec)) {
      if (ec) break;
      if (it->is_symlink(ec)) links.push_back(it->path());
    }
  }
  for (const fs::path& link : links) {
    const fs::path target = fs::read_symlink(link, ec);
    const fs::path rel = link.lexically_relative(root);
    if (target.is_absolute() || !inside(root, link.parent_path() / target))
      throw config_error(fmt::format("{}: a symlink to \"{}\", outside the set", rel.string(), target.string()));
    // A chain of links inside the set may still end outside it.
    const fs::path real = fs::weakly_canonical(link, ec);
    if (!ec && !inside(fs::weakly_canonical(root, ec), real))
      throw config_error(fmt::format("{}: a symlink that leads outside the set (to {})", rel.string(), real.string()));
  }
}

}  // namespace

set_manifest check_set(const fs::path& root) {
  const std::string prefix = (root.lexically_normal() / "").string();
  try {
    check_symlinks(root);
    set_manifest m = load_manifest(root);
    for (const auto& slug : m.exercises) {
      for (const char* tree : {"exercises", "reference", "graders"})
        if (!fs::is_directory(root / tree / slug))
          throw config_error(fmt::format("{}: exercises: \"{}\" has no folder {}/{}/", kManifestFile, slug, tree, slug));
      load_exercise(root, slug);
    }
    return m;
  } catch (const config_error& e) {
    // Paths relative to the set: the person fixing it knows the repository,
    // not where the store keeps it.
    std::string msg = e.what();
    replace_all(msg, prefix, "");
    throw config_error(msg);
  }
}

void catalog::add(set_source s) {
  for (const auto& o : sets_)
    if (o.origin.name == s.origin.name)
      throw config_error(fmt::format("two sets named \"{}\" ({} and {})", s.origin.name, o.root.string(), s.root.string()));
  slugs_.push_back(list_exercises(s.root));
  sets_.push_back(std::move(s));
}

std::vector<std::pair<const set_source*, std::string>> catalog::exercises() const {
  std::vector<std::pair<const set_source*, std::string>> out;
  for (std::size_t i = 0; i < sets_.size(); ++i)
    for (const auto& slug : slugs_[i]) out.emplace_back(&sets_[i], slug);
  return out;
}

std::string catalog::display_name(const set_source& s, const std::string& slug) const {
  for (std::size_t i = 0; i < sets_.size(); ++i)
    if (&sets_[i] != &s && std::find(slugs_[i].begin(), slugs_[i].end(), slug) != slugs_[i].end())
      return s.origin.name + "/" + slug;
  return slug;
}

exercise catalog::load(const std::string& name) const {
  auto from = [](const set_source& s, const std::string& slug) {
    exercise ex = load_exercise(s.root, slug);
    ex.origin = s.origin;
    return ex;
  };
  const auto slash = name.find('/');
  std::vector<std::pair<const set_source*, std::string>> hits;
  if (slash != std::string::npos) {
    const std::string set = name.substr(0, slash), slug = name.substr(slash + 1);
    const auto s = std::find_if(sets_.begin(), sets_.end(), [&](const set_source& x) { return x.origin.name == set; });
    if (s == sets_.end()) {
      std::vector<std::string> names;
      for (const auto& x : sets_) names.push_back(x.origin.name);
      throw config_error(fmt::format("no set \"{}\" (sets: {}; add one with `gograde sets add URL`)", set,
                                     fmt::join(names, ", ")));
    }
    return from(*s, slug);
  }
  for (const auto& [s, slug] : exercises())
    if (slug == name) hits.emplace_back(s, slug);
  if (hits.size() == 1) return from(*hits[0].first, name);
  if (hits.size() > 1) {
    std::vector<std::string> names;
    for (const auto& [s, slug] : hits) names.push_back(s->origin.name + "/" + slug);
    throw config_error(fmt::format("\"{}\" is in several sets: {}; name one as set/slug", name, fmt::join(names, ", ")));
  }
  std::vector<std::string> known;
  for (const auto& [s, slug] : exercises()) known.push_back(display_name(*s, slug));
  throw config_error(fmt::format("no exercise \"{}\" (known: {})", name, known.empty() ? "none" : fmt::format("{}", fmt::join(known, ", "))));
}

std::vector<exercise> catalog::select(const std::vector<std::string>& names) const {
  std::vector<exercise> out;
  for (const auto& e : exercises()) {
    // (Not structured bindings: a lambda may not capture those before C++20's
    // later compilers, and the race build uses clang 14.)
    const std::string& set_name = e.first->origin.name;
    const std::string full = set_name + "/" + e.second, shown = display_name(*e.first, e.second);
    const bool wanted = names.empty() || std::any_of(names.begin(), names.end(), [&](const std::string& n) {
                          return n == shown || n == full || n == set_name;
                        });
    if (wanted) out.push_back(load(full));
  }
  for (const auto& n : names)  // an unknown or ambiguous name says so
    if (std::none_of(sets_.begin(), sets_.end(), [&](const set_source& s) { return s.origin.name == n; })) (void)load(n);
  return out;
}

}  // namespace gograde
