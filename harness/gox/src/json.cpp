// gox::json: Go's encoding/json rules (Go 1.19) on nlohmann::json values.
// Parsing and encoding are iterative (explicit stacks), so deep nesting never
// overflows a fiber's stack.
#include "gox/json.hpp"

#include <fmt/format.h>

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <vector>

#include "gox/utf8.hpp"

namespace gox::json {

namespace {

constexpr std::size_t kMaxDepth = 10000;  // Go's maxNestingDepth
constexpr const char* kHex = "0123456789abcdef";

// ------------------------------------------------------------------ errors

// Go's quoteChar: the byte as strconv.Quote(string(rune(c))) would show it,
// between single quotes.
std::string quote_char(unsigned char c) {
  if (c == '\'') return R"('\'')";
  if (c == '"') return "'\"'";
  if (c == '\\') return R"('\\')";
  switch (c) {
    case '\a': return R"('\a')";
    case '\b': return R"('\b')";
    case '\f': return R"('\f')";
    case '\n': return R"('\n')";
    case '\r': return R"('\r')";
    case '\t': return R"('\t')";
    case '\v': return R"('\v')";
    default: break;
  }
  if (c < 0x20 || c == 0x7f) return fmt::format("'\\x{:02x}'", c);
  if (c < 0x7f) return std::string("'") + static_cast<char>(c) + "'";
  if (c < 0xA1 || c == 0xAD) return fmt::format("'\\u{:04x}'", c);  // not printable in Go's sense
  std::string s = "'";
  utf8::AppendRune(s, c);
  return s + "'";
}

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_hex(char c) { return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }

int hex_value(char c) {
  if (is_digit(c)) return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return c - 'A' + 10;
}

// ------------------------------------------------------------------ decoding

// One pass that checks the syntax as Go's scanner does (its messages, its
// treatment of the end of input as a space) and, when `build` is set, builds
// the value as Go's decoder into interface{} would.
class parser {
 public:
  parser(std::string_view s, bool build) : s_(s), build_(build) {}

  // The syntax error, or nil; the number-range error goes to range_err.
  error parse(Value& out) {
    struct frame {
      Value v;
      std::string key;
    };
    std::vector<frame> stack;
    Value cur;
    for (;;) {
      // ---- a value starts here
      skip_space();
      if (eof()) return unexpected_end();
      const char c = s_[i_];
      bool complete = true;
      if (c == '{' || c == '[') {
        ++i_;
        if (stack.size() + 1 > kMaxDepth) return syntax(c, "exceeded max depth");
        stack.push_back({c == '{' ? Value::object() : Value::array(), {}});
        skip_space();
        if (eof()) return unexpected_end();
        if (s_[i_] == (c == '{' ? '}' : ']')) {
          ++i_;
          cur = std::move(stack.back().v);
          stack.pop_back();
        } else if (c == '{') {
          if (auto e = object_key(stack.back().key)) return e;
          complete = false;
        } else {
          complete = false;
        }
      } else if (c == '"') {
        std::string str;
        if (auto e = string_literal(str)) return e;
        cur = std::move(str);
      } else if (c == '-' || is_digit(c)) {
        if (auto e = number(cur)) return e;
      } else if (c == 't' || c == 'f' || c == 'n') {
        if (auto e = literal(cur)) return e;
      } else {
        return syntax(c, "looking for beginning of value");
      }
      if (!complete) continue;
      // ---- a value is complete: give it to its container, close containers
      for (;;) {
        if (stack.empty()) {
          skip_space();
          if (!eof()) return syntax(s_[i_], "after top-level value");
          if (build_) out = std::move(cur);
          return {};
        }
        frame& top = stack.back();
        if (build_) {
          if (top.v.is_object()) top.v[top.key] = std::move(cur);  // a repeated key: the last wins
          else top.v.push_back(std::move(cur));
        }
        skip_space();
        if (eof()) return unexpected_end();
        const char d = s_[i_];
        const bool obj = top.v.is_object();
        if (d == ',') {
          ++i_;
          if (obj) {
            skip_space();
            if (eof()) return unexpected_end();
            if (auto e = object_key(top.key)) return e;
          }
          break;  // the next element's value
        }
        if (d == (obj ? '}' : ']')) {
          ++i_;
          cur = std::move(top.v);
          stack.pop_back();
          continue;
        }
        return syntax(d, obj ? "after object key:value pair" : "after array element");
      }
    }
  }

  error range_err;

 private:
  bool eof() const { return i_ >= s_.size(); }
  void skip_space() {
    while (i_ < s_.size() && is_space(s_[i_])) ++i_;
  }
  // Go steps a space at the end of input: states that want a particular
  // character report the space.
  char at_or_space() const { return eof() ? ' ' : s_[i_]; }

  error syntax(char c, const std::string& context) const {
    return errors::New("invalid character " + quote_char(static_cast<unsigned char>(c)) + " " + context);
  }
  static error unexpected_end() { return errors::New("unexpected end of JSON input"); }

  error object_key(std::string& key) {
    if (s_[i_] != '"') return syntax(s_[i_], "looking for beginning of object key string");
    key.clear();
    if (auto e = string_literal(key)) return e;
    skip_space();
    if (eof()) return unexpected_end();
    if (s_[i_] != ':') return syntax(s_[i_], "after object key");
    ++i_;
    return {};
  }

  // At the opening quote. Decodes as Go's unquote does.
  error string_literal(std::string& out) {
    ++i_;
    for (;;) {
      if (eof()) return unexpected_end();
      const auto c = static_cast<unsigned char>(s_[i_]);
      if (c == '"') {
        ++i_;
        return {};
      }
      if (c < 0x20) return syntax(static_cast<char>(c), "in string literal");
      if (c == '\\') {
        ++i_;
        const char e = at_or_space();
        switch (e) {
          case '"': case '\\': case '/': out += e; break;
          case 'b': out += '\b'; break;
          case 'f': out += '\f'; break;
          case 'n': out += '\n'; break;
          case 'r': out += '\r'; break;
          case 't': out += '\t'; break;
          case 'u': {
            rune r = 0;
            if (auto err = hex4(r)) return err;
            if (r >= 0xD800 && r < 0xE000) {
              // A high surrogate followed by an escaped low one is one
              // character; anything else is U+FFFD (and what follows is
              // decoded on its own).
              rune r2 = -1;
              if (r < 0xDC00 && i_ + 1 < s_.size() && s_[i_ + 1] == '\\' && i_ + 2 < s_.size() &&
                  s_[i_ + 2] == 'u') {
                const std::size_t save = i_;
                i_ += 2;
                if (hex4(r2)) {
                  i_ = save;
                  r2 = -1;
                  // let the main loop report the malformed escape
                } else if (r2 >= 0xDC00 && r2 < 0xE000) {
                  r = 0x10000 + ((r - 0xD800) << 10) + (r2 - 0xDC00);
                } else {
                  i_ = save;  // the second escape is decoded on its own
                  r2 = -1;
                }
              }
              if (r2 < 0) r = utf8::RuneError;
            }
            utf8::AppendRune(out, r);
            break;
          }
          default:
            return syntax(e, "in string escape code");
        }
        ++i_;
        continue;
      }
      if (c < 0x80) {
        out += static_cast<char>(c);
        ++i_;
        continue;
      }
      const utf8::decoded d = utf8::DecodeRuneInString(s_.substr(i_));
      if (d.r == utf8::RuneError && d.size == 1) utf8::AppendRune(out, utf8::RuneError);
      else out.append(s_.substr(i_, static_cast<std::size_t>(d.size)));
      i_ += static_cast<std::size_t>(d.size);
    }
  }

  // At the 'u' of \uXXXX: reads four hex digits, leaves i_ on the last one.
  error hex4(rune& r) {
    r = 0;
    for (int k = 0; k < 4; ++k) {
      ++i_;
      const char h = at_or_space();
      if (!is_hex(h)) return syntax(h, "in \\u hexadecimal character escape");
      r = r * 16 + hex_value(h);
    }
    return {};
  }

  error number(Value& out) {
    const std::size_t start = i_;
    if (s_[i_] == '-') {
      ++i_;
      if (!is_digit(at_or_space())) return syntax(at_or_space(), "in numeric literal");
    }
    if (s_[i_] == '0') {
      ++i_;
    } else {
      while (!eof() && is_digit(s_[i_])) ++i_;
    }
    if (!eof() && s_[i_] == '.') {
      ++i_;
      if (!is_digit(at_or_space())) return syntax(at_or_space(), "after decimal point in numeric literal");
      while (!eof() && is_digit(s_[i_])) ++i_;
    }
    if (!eof() && (s_[i_] == 'e' || s_[i_] == 'E')) {
      ++i_;
      if (!eof() && (s_[i_] == '+' || s_[i_] == '-')) ++i_;
      if (!is_digit(at_or_space())) return syntax(at_or_space(), "in exponent of numeric literal");
      while (!eof() && is_digit(s_[i_])) ++i_;
    }
    if (!build_) return {};
    const std::string text(s_.substr(start, i_ - start));
    // strtod rounds correctly, as Go's ParseFloat; overflow is Go's range
    // error, underflow to zero is not.
    const double f = std::strtod(text.c_str(), nullptr);
    if (std::isinf(f)) {
      if (!range_err) range_err = errors::New("json: cannot unmarshal number " + text + " into Go value of type float64");
      out = nullptr;
    } else {
      out = f;
    }
    return {};
  }

  error literal(Value& out) {
    const char c = s_[i_];
    const char* word = c == 't' ? "true" : c == 'f' ? "false" : "null";
    ++i_;
    for (const char* p = word + 1; *p; ++p, ++i_) {
      if (at_or_space() != *p)
        return syntax(at_or_space(), fmt::format("in literal {} (expecting '{}')", word, *p));
    }
    if (build_) {
      if (c == 'n') out = nullptr;
      else out = c == 't';
    }
    return {};
  }

  std::string_view s_;
  bool build_;
  std::size_t i_ = 0;
};

// ------------------------------------------------------------------ encoding

// encodeState.string with escapeHTML (what json.Marshal uses).
void encode_string(std::string& out, std::string_view s) {
  out += '"';
  std::size_t i = 0;
  while (i < s.size()) {
    const auto b = static_cast<unsigned char>(s[i]);
    if (b < 0x80) {
      if (b >= 0x20 && b != '"' && b != '\\' && b != '<' && b != '>' && b != '&') {
        out += static_cast<char>(b);
      } else {
        switch (b) {
          case '\\': case '"': out += '\\'; out += static_cast<char>(b); break;
          case '\n': out += "\\n"; break;
          case '\r': out += "\\r"; break;
          case '\t': out += "\\t"; break;
          default: out += "\\u00"; out += kHex[b >> 4]; out += kHex[b & 0xF]; break;
        }
      }
      ++i;
      continue;
    }
    const utf8::decoded d = utf8::DecodeRuneInString(s.substr(i));
    if (d.r == utf8::RuneError && d.size == 1) {
      out += "\\ufffd";
    } else if (d.r == 0x2028 || d.r == 0x2029) {
      out += "\\u202";
      out += kHex[d.r & 0xF];
    } else {
      out.append(s.substr(i, static_cast<std::size_t>(d.size)));
    }
    i += static_cast<std::size_t>(d.size);
  }
  out += '"';
}

// strconv.FormatFloat(f, 'g', -1, 64) for the three values Marshal refuses.
std::string special_float(double f) { return std::isnan(f) ? "NaN" : f > 0 ? "+Inf" : "-Inf"; }

// Go's float64 encoder: shortest digits; 'e' form below 1e-6 and from 1e21
// with "e-07" cleaned to "e-7"; 'f' form otherwise, padded with zeros.
std::string format_float(double f) {
  char buf[64];
  const auto r = std::to_chars(buf, buf + sizeof buf, f, std::chars_format::scientific);
  std::string sci(buf, r.ptr);
  const double a = std::fabs(f);
  if (a != 0 && (a < 1e-6 || a >= 1e21)) {
    const std::size_t n = sci.size();
    if (n >= 4 && sci[n - 4] == 'e' && sci[n - 3] == '-' && sci[n - 2] == '0') sci.erase(n - 2, 1);
    return sci;
  }
  // "-d.ddde+XX" -> sign, digits, exponent
  std::string out;
  std::size_t p = 0;
  if (sci[p] == '-') {
    out += '-';
    ++p;
  }
  const std::size_t e = sci.find('e');
  std::string digits;
  for (std::size_t k = p; k < e; ++k)
    if (sci[k] != '.') digits += sci[k];
  const int exp = std::atoi(sci.c_str() + e + 1);
  if (exp >= 0) {
    const auto int_len = static_cast<std::size_t>(exp) + 1;
    if (digits.size() <= int_len) {
      out += digits + std::string(int_len - digits.size(), '0');
    } else {
      out += digits.substr(0, int_len) + "." + digits.substr(int_len);
    }
  } else {
    out += "0." + std::string(static_cast<std::size_t>(-exp - 1), '0') + digits;
  }
  return out;
}

template <class J>
marshal_result marshal(const J& root) {
  marshal_result res;
  std::string& out = res.data;
  struct frame {
    const J* v;
    typename J::const_iterator it;
    bool first;
  };
  std::vector<frame> stack;
  // Writes a scalar, or opens a container (pushing it). False on an error.
  auto put = [&](const J& v) -> bool {
    switch (v.type()) {
      case nlohmann::json::value_t::null: out += "null"; return true;
      case nlohmann::json::value_t::boolean: out += v.template get<bool>() ? "true" : "false"; return true;
      case nlohmann::json::value_t::number_integer: out += std::to_string(v.template get<std::int64_t>()); return true;
      case nlohmann::json::value_t::number_unsigned: out += std::to_string(v.template get<std::uint64_t>()); return true;
      case nlohmann::json::value_t::number_float: {
        const double f = v.template get<double>();
        if (!std::isfinite(f)) {
          res.err = errors::New("json: unsupported value: " + special_float(f));
          return false;
        }
        out += format_float(f);
        return true;
      }
      case nlohmann::json::value_t::string: encode_string(out, v.template get_ref<const std::string&>()); return true;
      case nlohmann::json::value_t::object:
      case nlohmann::json::value_t::array:
        out += v.is_object() ? '{' : '[';
        stack.push_back({&v, v.cbegin(), true});
        return true;
      default:
        res.err = errors::New("json: unsupported type: " + std::string(v.type_name()));
        return false;
    }
  };
  bool ok = put(root);
  while (ok && !stack.empty()) {
    frame& top = stack.back();
    if (top.it == top.v->cend()) {
      out += top.v->is_object() ? '}' : ']';
      stack.pop_back();
      continue;
    }
    if (!top.first) out += ',';
    top.first = false;
    if (top.v->is_object()) {
      encode_string(out, top.it.key());
      out += ':';
    }
    const J& child = *top.it;
    ++top.it;  // before put: pushing may move `top`
    ok = put(child);
  }
  if (!ok) out.clear();
  return res;
}

}  // namespace

marshal_result Marshal(const Value& v) { return marshal(v); }
marshal_result Marshal(const Fields& v) { return marshal(v); }

error Unmarshal(std::string_view data, Value& v) {
  // Go checks the whole input's syntax before decoding anything.
  {
    parser check(data, false);
    Value unused;
    if (auto e = check.parse(unused)) return e;
  }
  parser p(data, true);
  Value out;
  if (auto e = p.parse(out)) return e;
  v = std::move(out);
  return p.range_err;
}

bool Valid(std::string_view data) {
  parser check(data, false);
  Value unused;
  return !check.parse(unused);
}

}  // namespace gox::json
