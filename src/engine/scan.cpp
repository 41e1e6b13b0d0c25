#include "engine/scan.hpp"

#include <algorithm>
#include <array>
#include <cstring>
#include <string_view>

namespace gograde {

namespace {

bool ident_start(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == '$' ||
         static_cast<unsigned char>(c) >= 0x80;
}
bool ident_char(char c) { return ident_start(c) || (c >= '0' && c <= '9'); }
bool starts(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }

// Translation phase 2: backslash-newline removed, with the original line of
// every character kept.
struct spliced {
  std::string text;
  std::vector<int> line;
};

spliced splice(const std::string& in) {
  spliced s;
  s.text.reserve(in.size());
  s.line.reserve(in.size());
  int line = 1;
  for (std::size_t i = 0; i < in.size(); ++i) {
    const char c = in[i];
    if (c == '\\') {
      std::size_t j = i + 1;
      while (j < in.size() && (in[j] == ' ' || in[j] == '\t' || in[j] == '\r')) ++j;  // as g++ accepts
      if (j < in.size() && in[j] == '\n') {
        i = j;
        ++line;
        continue;
      }
    }
    s.text.push_back(c == '\r' ? ' ' : c);
    s.line.push_back(line);
    if (c == '\n') ++line;
  }
  return s;
}

enum class kind { ident, number, literal, punct, newline };

struct token {
  kind k;
  std::string_view text;
  int line;
  bool first;  // the first token of its line (directives)
};

// Phase 3: tokens, comments dropped. Linear: every loop advances `i`.
std::vector<token> lex(const spliced& s) {
  const std::string& t = s.text;
  std::vector<token> out;
  bool first = true;
  std::size_t i = 0;
  auto push = [&](kind k, std::size_t from, std::size_t to) {
    out.push_back({k, std::string_view(t).substr(from, to - from), s.line[from], first});
    first = false;
  };
  // A quoted literal from `i` (at the quote) to its closing quote or the end of the line.
  auto quoted = [&](std::size_t from, char q) {
    std::size_t j = from + 1;
    while (j < t.size() && t[j] != q && t[j] != '\n') j += t[j] == '\\' && j + 1 < t.size() ? 2 : 1;
    return std::min(t.size(), j + 1);
  };
  while (i < t.size()) {
    const char c = t[i];
    const char n = i + 1 < t.size() ? t[i + 1] : '\0';
    if (c == '\n') {
      if (!out.empty() && out.back().k != kind::newline) out.push_back({kind::newline, {}, s.line[i], false});
      first = true;
      ++i;
    } else if (c == ' ' || c == '\t' || c == '\f' || c == '\v') {
      ++i;
    } else if (c == '/' && n == '/') {
      while (i < t.size() && t[i] != '\n') ++i;
    } else if (c == '/' && n == '*') {
      const auto end = t.find("*/", i + 2);
      i = end == std::string::npos ? t.size() : end + 2;  // a comment is one space, even across lines
    } else if (ident_start(c)) {
      std::size_t j = i;
      while (j < t.size() && ident_char(t[j])) ++j;
      const std::string_view id = std::string_view(t).substr(i, j - i);
      if (j < t.size() && t[j] == '"' && (id == "R" || id == "u8R" || id == "uR" || id == "UR" || id == "LR")) {
        // Raw string: R"delim( ... )delim", the delimiter at most 16 characters.
        const std::size_t open = t.find('(', j + 1);
        if (open == std::string::npos || open - j - 1 > 16) {
          push(kind::literal, i, j + 1);
          i = j + 1;
          continue;
        }
        const std::string close = ")" + t.substr(j + 1, open - j - 1) + "\"";
        const auto end = t.find(close, open + 1);
        const std::size_t stop = end == std::string::npos ? t.size() : end + close.size();
        push(kind::literal, i, stop);
        i = stop;
      } else if (j < t.size() && (t[j] == '"' || t[j] == '\'') && (id == "u8" || id == "u" || id == "U" || id == "L")) {
        const std::size_t stop = quoted(j, t[j]);
        push(kind::literal, i, stop);
        i = stop;
      } else {
        push(kind::ident, i, j);
        i = j;
      }
    } else if ((c >= '0' && c <= '9') || (c == '.' && n >= '0' && n <= '9')) {
      // A pp-number: digits, letters, '.', digit separators, exponent signs.
      std::size_t j = i + 1;
      while (j < t.size()) {
        const char d = t[j];
        if (ident_char(d) || d == '.') ++j;
        else if (d == '\'' && j + 1 < t.size() && ident_char(t[j + 1])) j += 2;
        else if ((d == '+' || d == '-') && (t[j - 1] == 'e' || t[j - 1] == 'E' || t[j - 1] == 'p' || t[j - 1] == 'P'))
          ++j;
        else break;
      }
      push(kind::number, i, j);
      i = j;
    } else if (c == '"' || c == '\'') {
      const std::size_t stop = quoted(i, c);
      push(kind::literal, i, stop);
      i = stop;
    } else if ((c == '#' && n == '#') || (c == '%' && n == ':' && t.compare(i, 4, "%:%:") == 0)) {
      const std::size_t len = c == '#' ? 2 : 4;
      out.push_back({kind::punct, "##", s.line[i], first});
      first = false;
      i += len;
    } else if (c == '#' || (c == '%' && n == ':')) {
      out.push_back({kind::punct, "#", s.line[i], first});
      first = false;
      i += c == '#' ? 1 : 2;
    } else if (c == ':' && n == ':') {
      push(kind::punct, i, i + 2);
      i += 2;
    } else {
      push(kind::punct, i, i + 1);
      ++i;
    }
  }
  return out;
}

constexpr std::array kOrdinaryReserved = {
    "__cplusplus", "__FILE__", "__LINE__", "__func__", "__PRETTY_FUNCTION__", "__FUNCTION__", "__VA_ARGS__",
    "__VA_OPT__", "__has_include", "__has_cpp_attribute", "__has_builtin", "__GNUC__", "__clang__", "__COUNTER__",
    "__DATE__", "__TIME__", "__STDC__", "__x86_64__", "__linux__", "__attribute__", "__restrict", "__restrict__",
    "__extension__", "__int128", "__typeof__", "__alignof__", "__FLT_EPSILON__", "__DBL_EPSILON__", "__SIZEOF_INT128__"};
constexpr std::array kOrdinaryReservedPrefixes = {"__builtin_", "__atomic_", "__sync_", "__ATOMIC_", "__INT", "__UINT",
                                                  "__SIZE_"};
constexpr std::array kSuiteNames = {"SECTION", "INFO", "UNSCOPED_INFO", "WARN", "SUCCEED", "CAPTURE", "main", "exit",
                                    "_exit", "abort", "run", "check", "gograde", "gox", "std", "Catch", "write",
                                    "close", "atexit"};
constexpr std::array kSuitePrefixes = {"CHECK", "REQUIRE", "TEST_CASE", "FAIL", "STATIC_REQUIRE", "CATCH_",
                                       "INTERNAL_CATCH", "SCENARIO", "GIVEN", "WHEN", "THEN", "TEMPLATE_"};
constexpr std::array kDirectives = {"define", "undef", "include", "if", "ifdef", "ifndef", "elif", "elifdef",
                                    "elifndef", "else", "endif", "error", "warning", "pragma"};

template <class A>
bool in(const A& list, std::string_view s) {
  return std::any_of(list.begin(), list.end(), [&](const char* x) { return s == x; });
}
template <class A>
bool prefixed(const A& list, std::string_view s) {
  return std::any_of(list.begin(), list.end(), [&](const char* x) { return starts(s, x); });
}

bool reserved(std::string_view id) {
  const bool is_reserved = starts(id, "__") || (id.size() > 1 && id[0] == '_' && id[1] >= 'A' && id[1] <= 'Z');
  return is_reserved && !in(kOrdinaryReserved, id) && !prefixed(kOrdinaryReservedPrefixes, id);
}

constexpr const char* kEarly = "code run before or after the test main: it could tamper with the grader's channel";

// Why an identifier (anywhere: code, directive, macro body) is refused.
const char* identifier_rule(std::string_view id) {
  if (id == "_Pragma") return "a pragma (options or attributes applied behind the suite's back)";
  if (id == "asm") return "inline assembly: invisible to the race detector";
  if (starts(id, "__asm")) return "inline assembly: invisible to the race detector";
  if (starts(id, "__tsan") || starts(id, "__sanitizer") || starts(id, "__asan") || starts(id, "__msan") ||
      starts(id, "__lsan") || starts(id, "__ubsan") || starts(id, "__hwasan"))
    return "a sanitizer hook or option: it would change what ThreadSanitizer reports";
  if (reserved(id)) return "an identifier reserved to the implementation (sanitizer hooks, attributes, builtins)";
  if (starts(id, "Annotate") || starts(id, "WTFAnnotate") || starts(id, "ValgrindAnnotate"))
    return "a ThreadSanitizer annotation: it would hide or invent synchronisation";
  if (starts(id, "no_sanitize") || id == "disable_sanitizer_instrumentation" || id == "no_instrument_function")
    return "an attribute that removes sanitizer instrumentation";
  if (id == "constructor" || id == "destructor" || id == "init_priority") return kEarly;
  if (id == "dlsym" || id == "dlvsym" || id == "dlopen" || id == "dlmopen")
    return "dynamic loading: it reaches the sanitizer's or the grader's functions by a name built at run time";
  if (id == "TSAN_OPTIONS" || id == "LD_PRELOAD" || starts(id, "GOGRADE_"))
    return "the grader's or the sanitizer's configuration";
  return nullptr;
}

bool bad_include_path(std::string_view p) {
  if (p.empty() || p.front() == '/' || p.find('\\') != std::string_view::npos) return true;
  for (std::size_t at = 0; at <= p.size();) {  // any ".." part
    const std::size_t slash = std::min(p.find('/', at), p.size());
    if (p.substr(at, slash - at) == "..") return true;
    at = slash + 1;
  }
  return false;
}

}  // namespace

std::optional<forbidden> scan_source(const std::string& file, const std::string& text) {
  const spliced s = splice(text);
  const std::vector<token> toks = lex(s);
  auto refuse = [&](const token& t, std::string what, const char* why) {
    return forbidden{file, t.line, std::move(what), why};
  };
  for (std::size_t i = 0; i < toks.size(); ++i) {
    const token& t = toks[i];
    const token* next = i + 1 < toks.size() && toks[i + 1].k != kind::newline ? &toks[i + 1] : nullptr;
    if (t.k == kind::punct && t.text == "#" && t.first) {
      if (!next) continue;  // the null directive
      const std::string name(next->text);
      if (next->k != kind::ident || !in(kDirectives, name))
        return refuse(t, "#" + name, "a directive a submission has no use for (#line, #include_next, ...)");
      const token* arg = i + 2 < toks.size() && toks[i + 2].k != kind::newline ? &toks[i + 2] : nullptr;
      if (name == "pragma" && !(arg && arg->text == "once" && arg->k == kind::ident))
        return refuse(t, "#pragma" + (arg ? " " + std::string(arg->text) : std::string()),
                      "a compiler pragma (attributes or options applied behind the suite's back)");
      if (name == "include") {
        if (!arg) return refuse(t, "#include", "an include without a file");
        std::string_view path;
        if (arg->k == kind::literal && arg->text.front() == '"') {
          path = arg->text.substr(1, arg->text.size() - (arg->text.back() == '"' && arg->text.size() > 1 ? 2 : 1));
        } else if (arg->k == kind::punct && arg->text == "<") {
          const std::size_t from = static_cast<std::size_t>(arg->text.data() - s.text.data()) + 1;
          const std::size_t close = s.text.find_first_of(">\n", from);
          path = std::string_view(s.text).substr(from, (close == std::string::npos ? s.text.size() : close) - from);
        } else {
          return refuse(t, "#include " + std::string(arg->text), "an include whose file is named by a macro");
        }
        if (bad_include_path(path))
          return refuse(t, "#include " + std::string(path), "an include outside the submission (absolute or parent path)");
      }
      if ((name == "define" || name == "undef") && arg && arg->k == kind::ident &&
          (in(kSuiteNames, arg->text) || prefixed(kSuitePrefixes, arg->text) || reserved(arg->text)))
        return refuse(t, "#" + name + " " + std::string(arg->text), "a redefinition of a name the test suites rely on");
      if (name == "define")
        for (std::size_t j = i + 2; j < toks.size() && toks[j].k != kind::newline; ++j)
          if (toks[j].k == kind::punct && toks[j].text == "##")
            return refuse(toks[j], "##", "token pasting builds names that no reading of the source can check");
      continue;  // the directive's other tokens are checked as identifiers below
    }
    if (t.k != kind::ident) continue;
    if (const char* why = identifier_rule(t.text)) return refuse(t, std::string(t.text), why);
    if (t.text == "extern" && next && next->k == kind::literal)
      return refuse(t, "extern " + std::string(next->text),
                    "C linkage: a function of its own named like one the grader relies on (write, exit, ...)");
    if (t.text == "operator" && next && (next->text == "new" || next->text == "delete"))
      return refuse(t, "operator " + std::string(next->text),
                    "replacing allocation functions: it sees and can change the test main's memory");
    if (t.text == "namespace" && next && (next->text == "gox" || next->text == "gograde" || next->text == "Catch"))
      return refuse(t, "namespace " + std::string(next->text), "definitions inside the grader's own namespaces");
  }
  return std::nullopt;
}

std::optional<forbidden> scan_submission(const std::vector<submitted_file>& files) {
  for (const auto& f : files)
    if (auto r = scan_source(f.name, f.bytes)) return r;
  return std::nullopt;
}

}  // namespace gograde
