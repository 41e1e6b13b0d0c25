#include "engine/catalog.hpp"

#include <catch2/catch.hpp>
#include <fstream>
#include <unistd.h>

using namespace gograde;

namespace {

// A set with one valid exercise `slug` and the given manifest.
struct scratch_set {
  fs::path root;
  scratch_set(const std::string& name, const std::string& slug, const std::string& manifest) {
    root = fs::temp_directory_path() / ("gograde-catalog-" + std::to_string(::getpid()) + "-" + name);
    fs::remove_all(root);
    fs::create_directories(root / "exercises" / slug / "tests");
    fs::create_directories(root / "graders" / slug / "suites");
    fs::create_directories(root / "reference" / slug);
    std::ofstream(root / "exercises" / slug / "exercise.toml")
        << "slug = \"" << slug << "\"\ntitle = \"T " << name << "\"\ndifficulty = \"easy\"\ncandidate_files = [\"a.hpp\"]\n";
    std::ofstream(root / "exercises" / slug / "tests/visible_test.cpp") << "";
    std::ofstream(root / "graders" / slug / "suites/s.cpp") << "";
    std::ofstream(root / "graders" / slug / "suites/s_judge.cpp") << "";
    std::ofstream(root / "graders" / slug / "rubric.toml")
        << "[[item]]\nid = \"x\"\ntitle = \"X\"\npoints = 1\nsuite = \"s.cpp\"\n";
    if (!manifest.empty()) std::ofstream(root / kManifestFile) << manifest;
  }
  ~scratch_set() { fs::remove_all(root); }
  set_source source(const std::string& name) const { return {{name, "1", "", "", ""}, root}; }
};

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const config_error& e) {
    return e.what();
  }
  return "";
}

const char* kGood = "name = \"demo\"\nversion = \"1.0\"\nexercises = [\"demo\"]\n";

}  // namespace

TEST_CASE("A valid manifest lists the set's exercises", "[engine][catalog]") {
  scratch_set s("good", "demo", kGood);
  const set_manifest m = check_set(s.root);
  CHECK(m.name == "demo");
  CHECK(m.version == "1.0");
  CHECK(m.exercises == std::vector<std::string>{"demo"});
  CHECK(list_exercises(s.root) == std::vector<std::string>{"demo"});
}

TEST_CASE("A manifest's defects are named by file and field", "[engine][catalog]") {
  using Catch::Contains;
  auto err = [](const std::string& manifest) {
    scratch_set s("bad", "demo", manifest);
    return error_of([&] { check_set(s.root); });
  };
  CHECK_THAT(err(""), Contains("gograde-set.toml: missing"));
  CHECK_THAT(err("name = \"demo\"\nexercises = [\"demo\"]\n"), Contains("gograde-set.toml: version: required string"));
  CHECK_THAT(err("name = \"Demo!\"\nversion = \"1\"\nexercises = [\"demo\"]\n"), Contains("name: \"Demo!\" is not a set name"));
  CHECK_THAT(err("name = \"d\"\nversion = \"1\"\n"), Contains("exercises: required"));
  CHECK_THAT(err("name = \"d\"\nversion = \"1\"\nexercises = []\n"), Contains("exercises: at least one"));
  CHECK_THAT(err("name = \"d\"\nversion = \"1\"\nexercises = [\"demo\", \"../x\"]\n"),
             Contains("exercises[1]: \"../x\" escapes the set"));
  CHECK_THAT(err("name = \"d\"\nversion = \"1\"\nexercises = [\"/abs\"]\n"), Contains("exercises[0]: \"/abs\" escapes the set"));
  CHECK_THAT(err("name = \"d\"\nversion = \"1\"\nexercises = [\"demo\", \"demo\"]\n"), Contains("listed twice"));
  CHECK_THAT(err("name = \"d\"\nversion = \"1\"\nexercises = [\"ghost\"]\n"),
             Contains("exercises: \"ghost\" has no folder exercises/ghost/"));
  CHECK_THAT(err("name = \"d\"\nversion = \"1\"\nexercises = [\"demo\"]\nextra = 1\n"), Contains("extra: unknown field"));
  CHECK_THAT(err("name = \"d\"\nversion = \"1\"\nexercises = [\"demo\"\n"), Contains("gograde-set.toml:"));
}

TEST_CASE("Errors in a set's exercises name the file relative to the set", "[engine][catalog]") {
  scratch_set s("rel", "demo", kGood);
  std::ofstream(s.root / "graders/demo/rubric.toml") << "[[item]]\nid = \"x\"\ntitle = \"X\"\nsuite = \"s.cpp\"\n";
  const std::string e = error_of([&] { check_set(s.root); });
  CHECK_THAT(e, Catch::StartsWith("graders/demo/rubric.toml: item[0].points"));
}

TEST_CASE("Symlinks may point inside the set, never outside", "[engine][catalog]") {
  scratch_set s("links", "demo", kGood);
  fs::create_symlink("../tests/visible_test.cpp", s.root / "exercises/demo/starter");
  CHECK_NOTHROW(check_set(s.root));
  SECTION("absolute") {
    fs::create_symlink("/etc/passwd", s.root / "graders/demo/passwd");
    CHECK_THAT(error_of([&] { check_set(s.root); }),
               Catch::Contains("graders/demo/passwd: a symlink to \"/etc/passwd\", outside the set"));
  }
  SECTION("relative, climbing out") {
    fs::create_symlink("../../../outside", s.root / "graders/demo/up");
    CHECK_THAT(error_of([&] { check_set(s.root); }), Catch::Contains("graders/demo/up: a symlink to \"../../../outside\""));
  }
  SECTION("inside on paper, outside once another link is followed") {
    fs::create_symlink("..", s.root / "graders/demo/d");        // graders/
    fs::create_symlink("d/../..", s.root / "graders/demo/e");   // graders/../.. : above the set
    CHECK_THAT(error_of([&] { check_set(s.root); }), Catch::Contains("graders/demo/e: a symlink that leads outside the set"));
  }
}

TEST_CASE("A catalog resolves set/slug, and a slug alone only when one set has it", "[engine][catalog]") {
  scratch_set a("a", "demo", ""), b("b", "demo", ""), c("c", "solo", "");
  catalog cat;
  cat.add(a.source("alpha"));
  cat.add(b.source("beta"));
  cat.add(c.source("gamma"));
  CHECK(cat.load("beta/demo").title == "T b");
  CHECK(cat.load("beta/demo").origin.name == "beta");
  CHECK(cat.load("solo").origin.name == "gamma");
  CHECK(cat.display_name(cat.sets()[0], "demo") == "alpha/demo");
  CHECK(cat.display_name(cat.sets()[2], "solo") == "solo");
  CHECK_THAT(error_of([&] { cat.load("demo"); }),
             Catch::Contains("\"demo\" is in several sets: alpha/demo, beta/demo; name one as set/slug"));
  CHECK_THAT(error_of([&] { cat.load("nope"); }), Catch::Contains("no exercise \"nope\" (known: alpha/demo, beta/demo, solo)"));
  CHECK_THAT(error_of([&] { cat.load("delta/demo"); }), Catch::Contains("no set \"delta\" (sets: alpha, beta, gamma"));
  CHECK_THAT(error_of([&] { cat.add(a.source("alpha")); }), Catch::Contains("two sets named \"alpha\""));
  // select: none is every exercise; a set's name all of its; slugs and set/slug one each.
  auto origins = [](const std::vector<exercise>& v) {
    std::string s;
    for (const auto& e : v) s += e.origin.name + "/" + e.slug + " ";
    return s;
  };
  CHECK(origins(cat.select({})) == "alpha/demo beta/demo gamma/solo ");
  CHECK(origins(cat.select({"beta"})) == "beta/demo ");
  CHECK(origins(cat.select({"solo", "alpha/demo"})) == "alpha/demo gamma/solo ");
  CHECK_THAT(error_of([&] { cat.select({"demo"}); }), Catch::Contains("is in several sets"));
  CHECK_THAT(error_of([&] { cat.select({"nope"}); }), Catch::Contains("no exercise \"nope\""));
}

TEST_CASE("The built-in set has a manifest naming its five exercises", "[engine][catalog]") {
  const set_manifest m = check_set(GOGRADE_SOURCE_DIR);
  CHECK(m.name == "builtin");
  CHECK(m.exercises.size() == 5);
}
