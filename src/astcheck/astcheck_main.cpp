// gograde-astcheck: checks a submission's code after preprocessing, on
// clang's AST, against what an answer may use. Run by the grader in the
// sandbox (it parses hostile code):
//
//   gograde-astcheck --submission DIR --file NAME... --gox DIR [--pch FILE]
//                    [--allow-headers DIR]... [--allow-functions NAME]... [--allow-system yes]
//                    -- CLANG-ARGS...
//   gograde-astcheck --make-pch OUT --header FILE -- CLANG-ARGS...
//
// --make-pch parses a header of the grader's (the standard library's and
// gox's headers every answer includes) and saves it as a precompiled header;
// --pch then loads it before the submission's files, as the suites' compile
// loads theirs: a check then parses the submission, not those headers again
// (a third of a second instead of over one). Only declarations of this
// parse are walked; the header's own are not the submission's anyway.
//
// Parses one translation unit that includes the submission's files, walks
// every declaration, statement and reference written in them (macro
// expansions included: what the compiler sees, not what the text says) and
// prints one JSON line per finding: {"file", "line", "what", "why"}.
// Exit status: 0 clean, 1 findings, 2 the code does not parse (diagnostics
// printed as findings with "what": "error"), 3 usage or internal error.
//
// What an answer may use: its own declarations; gox (not gox::detail); the
// C++ standard library but its file system, file streams and process
// control; from the C library, memory, string, character, number and math
// functions and formatted output; and the headers the exercise allows (or,
// with --allow-system yes, anything of the system's). Never:
// inline asm; C linkage; declarations in the namespaces std, gox, gograde,
// Catch, boost; replacing global operator new or delete; attributes other than
// the standard ones (maybe_unused, nodiscard, noreturn, deprecated, likely,
// unlikely, fallthrough, no_unique_address, final, override, alignas).
#include <clang-c/Index.h>
#include <limits.h>
#include <stdlib.h>

#include <cstdio>
#include <cstring>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace {

std::string str(CXString s) {
  const char* c = clang_getCString(s);
  std::string out = c ? c : "";
  clang_disposeString(s);
  return out;
}

std::string json_escape(const std::string& s) {
  std::string o;
  for (unsigned char c : s) {
    if (c == '"' || c == '\\') {
      o += '\\';
      o += static_cast<char>(c);
    } else if (c < 0x20) {
      char b[8];
      std::snprintf(b, sizeof b, "\\u%04x", c);
      o += b;
    } else {
      o += static_cast<char>(c);
    }
  }
  return o;
}

std::string real(const std::string& p, bool* found = nullptr) {
  char buf[PATH_MAX];
  const bool ok = ::realpath(p.c_str(), buf) != nullptr;
  if (found) *found = ok;
  return ok ? std::string(buf) : p;
}

bool starts_with(const std::string& s, const std::string& prefix) { return s.compare(0, prefix.size(), prefix) == 0; }

// C library functions an answer may call.
const std::set<std::string> kCFunctions = {
    "memcpy", "memmove", "memset", "memcmp", "memchr", "strlen", "strnlen", "strcmp", "strncmp", "strchr",
    "strrchr", "strstr", "strcpy", "strncpy", "strcat", "strncat", "strspn", "strcspn", "strpbrk", "strtok_r",
    "strtol", "strtoul", "strtoll", "strtoull", "strtod", "strtof", "strtold", "atoi", "atol", "atoll", "atof",
    "abs", "labs", "llabs", "div", "ldiv", "lldiv", "qsort", "bsearch", "malloc", "calloc", "realloc", "free",
    "aligned_alloc", "isalnum", "isalpha", "isblank", "iscntrl", "isdigit", "isgraph", "islower", "isprint",
    "ispunct", "isspace", "isupper", "isxdigit", "tolower", "toupper", "printf", "fprintf", "snprintf", "sprintf",
    "vsnprintf", "vsprintf", "vprintf", "vfprintf", "puts", "fputs", "putchar", "fputc", "putc", "fflush",
    "fwrite", "stdout", "stderr", "abort", "__assert_fail", "__errno_location", "rand", "srand", "time", "clock",
    "mblen", "mbtowc", "wctomb", "mbstowcs", "wcstombs", "wcslen", "towlower", "towupper", "iswalpha",
    "iswspace", "iswdigit", "iswalnum", "iswupper", "iswlower", "iswpunct"};

// Parts of the standard library that reach outside the program: files,
// streams on files, the environment, processes, signals.
const char* denied_std(const std::string& qualified) {
  static const char* const names[] = {"std::filesystem", "std::__fs", "std::basic_ifstream", "std::basic_ofstream",
                                      "std::basic_fstream", "std::basic_filebuf", "std::ifstream", "std::ofstream",
                                      "std::fstream", "std::filebuf", "std::wifstream", "std::wofstream",
                                      "std::wfstream", "std::wfilebuf", "std::__basic_file", "std::__cxx11::basic_ifstream"};
  for (const char* n : names)
    if (starts_with(qualified, n)) return "files and file streams: an answer computes, it does not read or write files";
  return nullptr;
}

struct finding {
  std::string file;
  unsigned line;
  std::string what, why;
};

struct checker {
  std::string submission;  // with a trailing '/'
  std::set<std::string> files;  // the submission's files, by real path
  std::vector<std::string> stdlib_dirs, gox_dir, allowed_dirs;
  std::set<std::string> allowed_functions;
  bool system = false;  // any function and header of the system (files, processes, descriptors)
  std::vector<finding> out;
  std::set<std::pair<std::string, unsigned>> reported;

  bool ours(const std::string& path) const { return files.count(path) > 0; }

  void report(const std::string& path, unsigned line, std::string what, std::string why) {
    if (out.size() >= 20 || !reported.insert({path + what, line}).second) return;
    std::string name = starts_with(path, submission) ? path.substr(submission.size()) : path;
    out.push_back({name, line, std::move(what), std::move(why)});
  }
};

// A file's real path, looked up once per file.
std::string file_path(CXFile f) {
  static std::map<CXFile, std::string> known;
  if (!f) return {};
  const auto it = known.find(f);
  if (it != known.end()) return it->second;
  // The name the file was opened by, resolved by the file system: clang's own
  // "real" name is made by dropping "dir/.." textually, which is wrong past a
  // symbolic link (/lib/gcc/x86_64-linux-gnu/12/../../../../include/c++/12
  // is /usr/include/c++/12 when /lib is usr/lib, not /include/c++/12), and a
  // precompiled header keeps the names it was made with.
  bool found = false;
  std::string p = real(str(clang_getFileName(f)), &found);
  if (!found) {
    const std::string named = str(clang_File_tryGetRealPathName(f));
    if (!named.empty()) p = real(named);
  }
  return known[f] = p;
}

// Where the compiler took the cursor from: the file and line it was
// expanded at (a macro's use, not its definition).
std::string expansion_file(CXCursor c, unsigned* line) {
  CXFile f = nullptr;
  unsigned col = 0, off = 0;
  clang_getExpansionLocation(clang_getCursorLocation(c), &f, line, &col, &off);
  return file_path(f);
}

// Where the cursor's text was written: a macro's body for tokens that come
// from one.
std::string spelling_file(CXCursor c) {
  CXFile f = nullptr;
  unsigned line = 0, col = 0, off = 0;
  clang_getSpellingLocation(clang_getCursorLocation(c), &f, &line, &col, &off);
  return file_path(f);
}

std::string qualified_name(CXCursor c) {
  std::string name = str(clang_getCursorSpelling(c));
  for (CXCursor p = clang_getCursorSemanticParent(c); !clang_Cursor_isNull(p) && p.kind != CXCursor_TranslationUnit;
       p = clang_getCursorSemanticParent(p)) {
    if (p.kind == CXCursor_Namespace && clang_Cursor_isInlineNamespace(p)) continue;
    const std::string part = str(clang_getCursorSpelling(p));
    name = (part.empty() ? std::string("(anonymous)") : part) + "::" + name;
  }
  return name;
}

std::string first_token(CXTranslationUnit tu, CXCursor c) {
  CXToken* toks = nullptr;
  unsigned n = 0;
  clang_tokenize(tu, clang_getCursorExtent(c), &toks, &n);
  std::string t = n ? str(clang_getTokenSpelling(tu, toks[0])) : "";
  if (toks) clang_disposeTokens(tu, toks, n);
  return t;
}

bool is_reference(CXCursorKind k) {
  return k == CXCursor_DeclRefExpr || k == CXCursor_MemberRefExpr || k == CXCursor_TypeRef ||
         k == CXCursor_TemplateRef || k == CXCursor_NamespaceRef || k == CXCursor_MemberRef ||
         k == CXCursor_OverloadedDeclRef || k == CXCursor_VariableRef || k == CXCursor_CallExpr;
}

const std::set<std::string> kGraderNamespaces = {"std", "gox", "gograde", "Catch", "boost", "__gnu_cxx", "nlohmann"};
const std::set<std::string> kStandardAttributes = {"maybe_unused", "nodiscard", "noreturn", "deprecated", "likely",
                                                   "unlikely", "fallthrough", "no_unique_address", "carries_dependency"};

struct walk {
  checker* ck;
  CXTranslationUnit tu;
};

void check_reference(walk& w, CXCursor c, const std::string& at, unsigned line) {
  checker& ck = *w.ck;
  // Only what the submission wrote: tokens from a system macro's body (assert,
  // errno) are the system's.
  if (!ck.ours(spelling_file(c))) return;
  CXCursor d = clang_getCursorReferenced(c);
  if (clang_Cursor_isNull(d) || clang_isInvalid(d.kind)) return;
  if (c.kind == CXCursor_OverloadedDeclRef && clang_getNumOverloadedDecls(c) > 0) d = clang_getOverloadedDecl(c, 0);
  CXFile f = nullptr;
  unsigned l = 0, col = 0, off = 0;
  clang_getSpellingLocation(clang_getCursorLocation(d), &f, &l, &col, &off);
  const std::string where = file_path(f);
  if (where.empty() || ck.ours(where)) return;  // a builtin, or the submission's own
  const std::string q = qualified_name(d);
  auto under = [&](const std::vector<std::string>& dirs) {
    for (const auto& dir : dirs)
      if (starts_with(where, dir)) return true;
    return false;
  };
  if (under(ck.allowed_dirs)) return;
  if (ck.system && starts_with(where, "/usr/include/")) return;
  if (under(ck.gox_dir)) {
    if (q.find("::detail::") != std::string::npos || (q.size() >= 8 && q.compare(q.size() - 8, 8, "::detail") == 0))
      ck.report(at, line, q, "gox's internals: an answer uses gox's interface");
    return;
  }
  if (under(ck.stdlib_dirs)) {
    if (const char* why = denied_std(q)) ck.report(at, line, q, why);
    return;
  }
  const bool function_or_variable = d.kind == CXCursor_FunctionDecl || d.kind == CXCursor_VarDecl;
  const bool c_library = starts_with(where, "/usr/include/") && where.find("/usr/include/c++/") != 0;
  const bool compiler = where.find("/lib/clang/") != std::string::npos || where.find("/lib/gcc/") != std::string::npos;
  if (c_library || compiler) {
    if (!function_or_variable) return;  // types and constants
    const std::string name = str(clang_getCursorSpelling(d));
    if (kCFunctions.count(name) || ck.allowed_functions.count(name) || where.find("math") != std::string::npos) return;
    ck.report(at, line, name + " (" + where + ")",
              "not a function an answer may call: processes, signals, descriptors, files, the environment and "
              "dynamic loading belong to the grader");
    return;
  }
  ck.report(at, line, q + " (" + where + ")", "from a header the exercise does not allow");
}

// A function with C linkage: its symbol is its bare name (a C++ function's
// is mangled, "_Z..."). main is not mangled either: an answer that defines
// it fails to link beside the test main, a compile error of its own.
bool c_linkage(CXCursor c) {
  const std::string symbol = str(clang_Cursor_getMangling(c));
  return !symbol.empty() && symbol.rfind("_Z", 0) != 0 && symbol != "main";
}

CXChildVisitResult visit(CXCursor c, CXCursor parent, CXClientData data) {
  walk& w = *static_cast<walk*>(data);
  checker& ck = *w.ck;
  unsigned line = 0;
  const std::string at = expansion_file(c, &line);
  if (!ck.ours(at)) {
    // Declarations of headers: not the submission's (their insides neither).
    return parent.kind == CXCursor_TranslationUnit ? CXChildVisit_Continue : CXChildVisit_Recurse;
  }
  const CXCursorKind k = c.kind;
  const std::string name = str(clang_getCursorSpelling(c));
  if (k == CXCursor_AsmStmt || k == CXCursor_MSAsmStmt) {
    ck.report(at, line, "asm", "inline assembly: code the race detector and the checks cannot see");
  } else if (k == CXCursor_LinkageSpec) {
    ck.report(at, line, "extern \"C\"",
              "C linkage: a function of the C library's or the grader's name (write, exit) of the submission's own");
    return CXChildVisit_Continue;
  } else if (k == CXCursor_FunctionDecl && c_linkage(c)) {
    // libclang shows `extern "C"` itself as an unexposed declaration: the
    // functions declared in it are known by their names, not mangled ones.
    ck.report(at, line, "extern \"C\" " + name,
              "C linkage: a function of the C library's or the grader's name (write, exit) of the submission's own");
  } else if (k == CXCursor_Namespace && kGraderNamespaces.count(name) &&
             clang_getCursorSemanticParent(c).kind == CXCursor_TranslationUnit) {
    ck.report(at, line, "namespace " + name, "declarations inside the library's or the grader's namespace");
    return CXChildVisit_Continue;
  } else if ((k == CXCursor_FunctionDecl || k == CXCursor_FunctionTemplate) && starts_with(name, "operator ") &&
             (name.find("new") != std::string::npos || name.find("delete") != std::string::npos) &&
             clang_getCursorSemanticParent(c).kind == CXCursor_TranslationUnit) {
    ck.report(at, line, name, "replaces the program's global allocation: the grader's own memory");
  } else if ((k == CXCursor_FunctionDecl || k == CXCursor_VarDecl) &&
             clang_getCursorSemanticParent(c).kind == CXCursor_Namespace) {
    const std::string q = qualified_name(c);
    const std::string top = q.substr(0, q.find("::"));
    if (kGraderNamespaces.count(top)) ck.report(at, line, q, "a definition inside the library's or the grader's namespace");
  } else if (k >= CXCursor_FirstAttr && k <= CXCursor_LastAttr) {
    if (k == CXCursor_CXXFinalAttr || k == CXCursor_CXXOverrideAttr || k == CXCursor_WarnUnusedResultAttr ||
        k == CXCursor_AlignedAttr)
      return CXChildVisit_Continue;
    const std::string spelled = first_token(w.tu, c);
    if (k == CXCursor_UnexposedAttr && kStandardAttributes.count(spelled)) return CXChildVisit_Continue;
    ck.report(at, line, "attribute " + (spelled.empty() ? name : spelled),
              "only the standard attributes: others change how the code is compiled, linked or run");
    return CXChildVisit_Continue;
  } else if (k == CXCursor_InclusionDirective) {
    const std::string inc = file_path(clang_getIncludedFile(c));
    bool ok = ck.ours(inc);
    for (const auto* dirs : {&ck.stdlib_dirs, &ck.gox_dir, &ck.allowed_dirs})
      for (const auto& d : *dirs) ok = ok || starts_with(inc, d);
    ok = ok || (starts_with(inc, "/usr/include/") && inc.find('/', 13) == std::string::npos);  // C headers
    ok = ok || starts_with(inc, "/usr/include/x86_64-linux-gnu/") || inc.find("/lib/clang/") != std::string::npos;
    ok = ok || (ck.system && starts_with(inc, "/usr/include/") && !starts_with(inc, "/usr/include/catch2/"));
    if (!ok) ck.report(at, line, "#include " + (inc.empty() ? name : inc), "not the submission's file, the standard library, gox or a header the exercise allows");
    return CXChildVisit_Continue;
  }
  if (is_reference(k)) check_reference(w, c, at, line);
  return CXChildVisit_Recurse;
}

int usage() {
  std::fprintf(stderr, "usage: gograde-astcheck --submission DIR --file NAME... --gox DIR [--pch FILE] "
                       "[--allow-headers DIR]... [--allow-functions NAME]... [--allow-system yes] -- CLANG-ARGS...\n"
                       "       gograde-astcheck --make-pch OUT --header FILE -- CLANG-ARGS...\n");
  return 3;
}

// --make-pch: the header parsed and saved for --pch. 0 saved, 3 not.
int make_pch(const std::string& out, const std::string& header, const std::vector<std::string>& args) {
  std::vector<const char*> cargs = {"-x", "c++-header"};
  for (const auto& a : args) cargs.push_back(a.c_str());
  CXIndex index = clang_createIndex(0, 0);
  CXTranslationUnit tu = nullptr;
  // The checks keep a detailed preprocessing record: so must their header.
  const CXErrorCode err = clang_parseTranslationUnit2(
      index, header.c_str(), cargs.data(), static_cast<int>(cargs.size()), nullptr, 0,
      CXTranslationUnit_Incomplete | CXTranslationUnit_ForSerialization | CXTranslationUnit_DetailedPreprocessingRecord,
      &tu);
  int status = 0;
  if (err != CXError_Success || !tu) {
    std::fprintf(stderr, "gograde-astcheck: clang could not parse %s (error %d)\n", header.c_str(), static_cast<int>(err));
    status = 3;
  } else {
    for (unsigned d = 0, n = clang_getNumDiagnostics(tu); d < n; ++d) {
      CXDiagnostic diag = clang_getDiagnostic(tu, d);
      if (clang_getDiagnosticSeverity(diag) >= CXDiagnostic_Error) {
        std::fprintf(stderr, "gograde-astcheck: %s\n",
                     str(clang_formatDiagnostic(diag, clang_defaultDiagnosticDisplayOptions())).c_str());
        status = 3;
      }
      clang_disposeDiagnostic(diag);
    }
    if (status == 0 && clang_saveTranslationUnit(tu, out.c_str(), clang_defaultSaveOptions(tu)) != CXSaveError_None) {
      std::fprintf(stderr, "gograde-astcheck: could not save %s\n", out.c_str());
      status = 3;
    }
    clang_disposeTranslationUnit(tu);
  }
  clang_disposeIndex(index);
  return status;
}

}  // namespace

int main(int argc, char** argv) {
  checker ck;
  std::vector<std::string> names, args;
  std::string sub, pch, make_pch_out, header;
  int i = 1;
  for (; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--") {
      ++i;
      break;
    }
    if (i + 1 >= argc) return usage();
    const std::string v = argv[++i];
    if (a == "--submission") sub = v;
    else if (a == "--file") names.push_back(v);
    else if (a == "--allow-headers") ck.allowed_dirs.push_back(real(v) + "/");
    else if (a == "--gox") ck.gox_dir.push_back(real(v) + "/");
    else if (a == "--allow-system") ck.system = v == "yes";
    else if (a == "--allow-functions") ck.allowed_functions.insert(v);
    else if (a == "--pch") pch = v;
    else if (a == "--make-pch") make_pch_out = v;
    else if (a == "--header") header = v;
    else return usage();
  }
  for (; i < argc; ++i) args.push_back(argv[i]);
  if (!make_pch_out.empty()) return header.empty() ? usage() : make_pch(make_pch_out, header, args);
  if (sub.empty() || names.empty() || ck.gox_dir.empty()) return usage();
  ck.submission = real(sub) + "/";
  std::string tu_text;
  for (const auto& n : names) {
    if (n.find('/') != std::string::npos || n.find('"') != std::string::npos) return usage();
    ck.files.insert(real(ck.submission + n));
    tu_text += "#include \"" + n + "\"\n";
  }
  ck.stdlib_dirs = {"/usr/include/c++/", "/usr/include/x86_64-linux-gnu/c++/"};

  const std::string main_file = ck.submission + "gograde-astcheck-main.cpp";
  CXUnsavedFile unsaved{main_file.c_str(), tu_text.c_str(), static_cast<unsigned long>(tu_text.size())};
  std::vector<const char*> cargs = {"-x", "c++"};
  for (const auto& a : args) cargs.push_back(a.c_str());
  if (!pch.empty()) {
    cargs.push_back("-include-pch");
    cargs.push_back(pch.c_str());
  }
  cargs.push_back("-I");
  cargs.push_back(ck.submission.c_str());
  // With a precompiled header, only this parse's declarations are walked.
  CXIndex index = clang_createIndex(pch.empty() ? 0 : 1, 0);
  CXTranslationUnit tu = nullptr;
  const CXErrorCode err = clang_parseTranslationUnit2(index, main_file.c_str(), cargs.data(), static_cast<int>(cargs.size()),
                                                      &unsaved, 1, CXTranslationUnit_DetailedPreprocessingRecord |
                                                                       CXTranslationUnit_KeepGoing, &tu);
  if (err != CXError_Success || !tu) {
    std::fprintf(stderr, "gograde-astcheck: clang could not parse the submission (error %d)\n", static_cast<int>(err));
    return 3;
  }
  bool errors = false;
  for (unsigned d = 0, n = clang_getNumDiagnostics(tu); d < n; ++d) {
    CXDiagnostic diag = clang_getDiagnostic(tu, d);
    if (clang_getDiagnosticSeverity(diag) >= CXDiagnostic_Error) {
      CXFile f = nullptr;
      unsigned line = 0, col = 0, off = 0;
      clang_getSpellingLocation(clang_getDiagnosticLocation(diag), &f, &line, &col, &off);
      errors = true;
      ck.report(file_path(f), line, "error", str(clang_getDiagnosticSpelling(diag)));
    }
    clang_disposeDiagnostic(diag);
  }
  walk w{&ck, tu};
  if (!errors) clang_visitChildren(clang_getTranslationUnitCursor(tu), visit, &w);
  for (const auto& f : ck.out)
    std::printf("{\"file\":\"%s\",\"line\":%u,\"what\":\"%s\",\"why\":\"%s\"}\n", json_escape(f.file).c_str(), f.line,
                json_escape(f.what).c_str(), json_escape(f.why).c_str());
  clang_disposeTranslationUnit(tu);
  clang_disposeIndex(index);
  return errors ? 2 : ck.out.empty() ? 0 : 1;
}
