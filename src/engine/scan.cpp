#include "engine/scan.hpp"

#include <regex>
#include <sstream>

#include "engine/files.hpp"

namespace gograde {

std::string strip_comments_and_literals(const std::string& t) {
  std::string o = t;
  enum { code, line_comment, block_comment, str, chr, raw } st = code;
  std::string raw_end;
  for (std::size_t i = 0; i < t.size(); ++i) {
    const char c = t[i];
    const char n = i + 1 < t.size() ? t[i + 1] : '\0';
    auto blank = [&](std::size_t k) {
      if (o[k] != '\n') o[k] = ' ';
    };
    switch (st) {
      case code:
        if (c == '/' && n == '/') {
          st = line_comment;
          blank(i);
        } else if (c == '/' && n == '*') {
          st = block_comment;
          blank(i);
          blank(++i);
        } else if (c == 'R' && n == '"' && (i == 0 || !(std::isalnum(static_cast<unsigned char>(t[i - 1])) || t[i - 1] == '_'))) {
          const auto paren = t.find('(', i + 2);
          if (paren == std::string::npos) break;
          raw_end = ")" + t.substr(i + 2, paren - i - 2) + "\"";
          st = raw;
          for (std::size_t k = i + 1; k <= paren; ++k) blank(k);
          i = paren;
        } else if (c == '"') {
          st = str;
        } else if (c == '\'' && !(i > 0 && std::isxdigit(static_cast<unsigned char>(t[i - 1])) && std::isxdigit(static_cast<unsigned char>(n)))) {
          st = chr;  // (not a digit separator: 1'000)
        }
        break;
      case line_comment:
        if (c == '\n') st = code;
        else blank(i);
        break;
      case block_comment:
        if (c == '*' && n == '/') {
          blank(i);
          blank(++i);
          st = code;
        } else {
          blank(i);
        }
        break;
      case str:
      case chr:
        if (c == '\\') {
          blank(i);
          if (i + 1 < t.size()) blank(++i);
        } else if ((st == str && c == '"') || (st == chr && c == '\'') || c == '\n') {
          st = code;
        } else {
          blank(i);
        }
        break;
      case raw:
        if (t.compare(i, raw_end.size(), raw_end) == 0) {
          i += raw_end.size() - 1;
          st = code;
        } else {
          blank(i);
        }
        break;
    }
  }
  return o;
}

namespace {

struct rule {
  std::regex re;
  const char* why;
};

const std::vector<rule>& rules() {
  static const std::vector<rule> r = [] {
    std::vector<rule> v;
    auto add = [&](const char* re, const char* why) { v.push_back({std::regex(re), why}); };
    add(R"(\b__(tsan|sanitizer|asan|msan|lsan|ubsan|hwasan)_\w*)",
        "a sanitizer hook or option: it would change what ThreadSanitizer reports");
    add(R"(\b(no_sanitize\w*|disable_sanitizer_instrumentation|no_instrument_function)\b)",
        "an attribute that removes sanitizer instrumentation");
    add(R"(#\s*pragma\s+(clang|GCC)\b)", "a compiler pragma (attributes or options applied behind the suite's back)");
    add(R"(\b_Pragma\s*\()", "a compiler pragma (attributes or options applied behind the suite's back)");
    add(R"(\b(asm|__asm__|__asm)\b)", "inline assembly: invisible to the race detector");
    add(R"(\b(constructor|destructor|init_priority)\s*\()",
        "code run before or after the test main: it could tamper with the grader's channel");
    add(R"(__attribute__\s*\(\(\s*(constructor|destructor)\b)",
        "code run before or after the test main: it could tamper with the grader's channel");
    add(R"(#\s*include\s*[<"]\s*(/|\.\.))", "an include outside the submission (absolute or parent path)");
    add(R"(#\s*(define|undef)\s+(CHECK\w*|REQUIRE\w*|TEST_CASE\w*|SECTION|INFO|UNSCOPED_INFO|WARN|FAIL\w*|SUCCEED|CAPTURE|STATIC_REQUIRE\w*|CATCH_\w*|INTERNAL_CATCH\w*|main|exit|_exit|abort|run|check|gograde|gox|std)\b)",
        "a redefinition of a name the test suites rely on");
    add(R"(\b(TSAN_OPTIONS|GOGRADE_\w+|LD_PRELOAD)\b)", "the grader's or the sanitizer's configuration");
    return v;
  }();
  return r;
}

}  // namespace

std::optional<forbidden> scan_submission(const std::vector<std::pair<std::string, std::filesystem::path>>& files) {
  for (const auto& [name, path] : files) {
    const std::string text = read_file(path);
    const std::string code = strip_comments_and_literals(text);
    std::istringstream in(code), orig(text);
    static const std::regex include_line(R"(^\s*#\s*include\b)");
    int line = 0;
    for (std::string l, o; std::getline(in, l);) {
      std::getline(orig, o);
      ++line;
      // An include's file name is a literal: judge the directive on its own text.
      const std::string& subject = std::regex_search(l, include_line) ? o : l;
      for (const auto& r : rules()) {
        std::smatch m;
        if (std::regex_search(subject, m, r.re)) return forbidden{name, line, m.str(0), r.why};
      }
    }
  }
  return std::nullopt;
}

}  // namespace gograde
