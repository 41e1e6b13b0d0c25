#pragma once
// Reference for the follow-up: reversal by extended grapheme cluster, with
// ICU's character break iterator over the UTF-8 bytes.
#include <unicode/brkiter.h>
#include <unicode/utext.h>

#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

inline std::string ReverseGraphemes(std::string_view s) {
  UErrorCode status = U_ZERO_ERROR;
  std::unique_ptr<UText, decltype(&utext_close)> text(
      utext_openUTF8(nullptr, s.data(), static_cast<int64_t>(s.size()), &status), &utext_close);
  std::unique_ptr<icu::BreakIterator> it(icu::BreakIterator::createCharacterInstance(icu::Locale::getRoot(), status));
  if (U_FAILURE(status)) throw std::runtime_error(u_errorName(status));
  it->setText(text.get(), status);
  if (U_FAILURE(status)) throw std::runtime_error(u_errorName(status));
  std::vector<int32_t> bounds;
  for (int32_t b = it->first(); b != icu::BreakIterator::DONE; b = it->next()) bounds.push_back(b);
  std::string out;
  out.reserve(s.size());
  for (std::size_t k = bounds.size(); k > 1; --k)
    out.append(s.substr(static_cast<std::size_t>(bounds[k - 2]), static_cast<std::size_t>(bounds[k - 1] - bounds[k - 2])));
  return out;
}
