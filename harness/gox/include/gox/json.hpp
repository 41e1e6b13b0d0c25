#pragma once
/// gox::json: Go's encoding/json for dynamic values, byte for byte.
///
///   gox::json::Value obj;                                  // var obj map[string]interface{}
///   if (auto err = gox::json::Unmarshal(input, obj)) ...   // json.Unmarshal(input, &obj)
///   obj["role"] = "Senior Engineer";
///   auto [data, err] = gox::json::Marshal(obj);            // data, err := json.Marshal(obj)
///
/// Values are nlohmann::json (objects are maps: keys sorted bytewise, as Go
/// sorts a map's keys), but decoding and encoding are Go's, not nlohmann's:
///
///  - Unmarshal decodes every number as a float64 (so integers above 2^53
///    lose precision as in Go), a number out of float64's range is an error
///    ("json: cannot unmarshal number 1e400 into Go value of type float64"),
///    invalid UTF-8 and unpaired surrogate escapes in strings become U+FFFD,
///    a repeated key keeps its last value, nesting deeper than 10000 is an
///    error, and syntax errors carry Go's messages ("unexpected end of JSON
///    input", "invalid character '}' looking for beginning of object key
///    string", ...).
///  - Marshal writes no spaces; escapes `"` and `\`, \n \r \t, other control
///    characters as \u00XX, `<` `>` `&` as \u003c \u003e \u0026 and U+2028,
///    U+2029 as \u2028 \u2029; writes each invalid UTF-8 byte as \ufffd; and
///    formats floats as Go formats float64 (shortest digits; exponent form
///    below 1e-6 and from 1e21: 1e20 -> 100000000000000000000, 1e21 -> 1e+21,
///    1e-7 -> 1e-7). NaN and infinities are errors. Integers set by the
///    program (obj["n"] = 5) are written as integers, as Go writes an int.
///    (Go 1.19's bytes; Go 1.22 and later also write \b and \f short.)
///
/// A struct's fields are written in declaration order, not sorted: build
/// them as a Fields value (nlohmann::ordered_json), which keeps the order in
/// which keys were set, and Marshal that.

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "gox/error.hpp"

namespace gox::json {

/// interface{}: null, bool, float64, string, []interface{}, map[string]interface{}.
using Value = nlohmann::json;
/// A struct's fields, in the order they were set.
using Fields = nlohmann::ordered_json;

struct marshal_result {
  std::string data;  ///< empty when err is set
  error err;
};

/// json.Marshal(v)
marshal_result Marshal(const Value& v);
marshal_result Marshal(const Fields& v);

/// json.Unmarshal(data, &v) with v an interface{}: v becomes the decoded
/// value. On a syntax error v is left unchanged; on a number out of range
/// the rest is still decoded (that number is null) and the error returned.
error Unmarshal(std::string_view data, Value& v);

/// json.Valid(data)
bool Valid(std::string_view data);

}  // namespace gox::json
