#pragma once
// What gograde is building, on stderr while it builds. On a terminal: one
// line redrawn in place every second ("gograde: building the race runtime
// 12/33, compiling hidden_test.cpp (normal build) · 41 s"), cleared when the builds
// end, with progress notes printed above it. Elsewhere (a log, a pipe): the
// same as a plain line once something has been building for 10 s, and every
// 10 s after, so a log never goes quiet for long and a quick build adds
// nothing.

#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>

namespace gograde::cli {

class build_status {
 public:
  using clock = std::chrono::steady_clock;
  /// `ticker`: a thread redraws the line (terminal) or prints it (elsewhere)
  /// while something builds; tests drive `tick` themselves instead.
  build_status(std::FILE* out, bool terminal, bool ticker = true, std::function<clock::time_point()> now = clock::now);
  ~build_status();
  build_status(const build_status&) = delete;
  build_status& operator=(const build_status&) = delete;

  /// `what` has `done` of `total` steps made; done >= total: it ended.
  void step(const std::string& what, int done, int total);
  /// Prints `text` (ending in a newline) above the live line, on `to`
  /// (null: where the line is; stdout on a terminal shares its screen).
  void line(const std::string& text, std::FILE* to = nullptr);
  /// What a tick shows or prints now ("" while nothing builds).
  std::string text() const;
  /// Redraws (terminal) or prints when due (elsewhere); the ticker's work.
  void tick();

 private:
  std::string text_locked() const;
  void draw_locked();
  void clear_locked();

  std::FILE* out_;
  const bool terminal_;
  std::function<clock::time_point()> now_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  struct entry {
    int done = 0, total = 1;
    std::size_t order = 0;
  };
  std::map<std::string, entry> building_;
  std::size_t next_order_ = 0;
  clock::time_point since_{};       // when the building started (nothing was before)
  clock::time_point last_plain_{};  // elsewhere: when a plain line was last printed
  bool shown_ = false;              // terminal: the live line is on screen
  bool stop_ = false;
  std::thread ticker_;
};

}  // namespace gograde::cli
