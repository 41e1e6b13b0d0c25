#include "progress.hpp"

#include <fmt/format.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <vector>

namespace gograde::cli {

namespace {
constexpr auto kPlainEvery = std::chrono::seconds(10);
}

build_status::build_status(std::FILE* out, bool terminal, bool ticker, std::function<clock::time_point()> now)
    : out_(out), terminal_(terminal), now_(std::move(now)) {
  if (!ticker) return;
  ticker_ = std::thread([this] {
    std::unique_lock lock(mu_);
    while (!stop_) {
      cv_.wait_for(lock, std::chrono::seconds(1));
      if (stop_) break;
      lock.unlock();
      tick();
      lock.lock();
    }
  });
}

build_status::~build_status() {
  {
    const std::lock_guard lock(mu_);
    stop_ = true;
    clear_locked();
  }
  cv_.notify_all();
  if (ticker_.joinable()) ticker_.join();
}

void build_status::step(const std::string& what, int done, int total) {
  const std::lock_guard lock(mu_);
  if (done >= total) {
    building_.erase(what);
    if (building_.empty()) clear_locked();
    else if (terminal_) draw_locked();
    return;
  }
  if (building_.empty()) {
    since_ = now_();
    last_plain_ = since_;
  }
  auto [it, added] = building_.try_emplace(what);
  if (added) it->second.order = next_order_++;
  it->second.done = done;
  it->second.total = total;
  if (terminal_) draw_locked();
}

void build_status::line(const std::string& text, std::FILE* to) {
  const std::lock_guard lock(mu_);
  const bool was_shown = shown_;
  clear_locked();
  std::FILE* f = to ? to : out_;
  std::fputs(text.c_str(), f);
  std::fflush(f);
  if (was_shown) draw_locked();
}

std::string build_status::text() const {
  const std::lock_guard lock(mu_);
  return text_locked();
}

std::string build_status::text_locked() const {
  if (building_.empty()) return "";
  std::vector<std::pair<std::size_t, std::string>> parts;
  for (const auto& [what, e] : building_)
    parts.emplace_back(e.order, e.total > 1 ? fmt::format("{} {}/{}", what, e.done, e.total) : what);
  std::sort(parts.begin(), parts.end());
  std::string s = "gograde: ";
  for (std::size_t k = 0; k < parts.size(); ++k) s += (k ? ", " : "") + parts[k].second;
  const auto secs = std::chrono::duration_cast<std::chrono::seconds>(now_() - since_).count();
  return s + fmt::format(" · {} s", secs);
}

void build_status::tick() {
  const std::lock_guard lock(mu_);
  if (building_.empty()) return;
  if (terminal_) {
    draw_locked();
    return;
  }
  const auto now = now_();
  if (now - last_plain_ >= kPlainEvery) {
    last_plain_ = now;
    std::fputs((text_locked() + "\n").c_str(), out_);
    std::fflush(out_);
  }
}

void build_status::draw_locked() {
  if (!terminal_ || building_.empty()) return;
  std::string s = text_locked();
  // One line: cut to the terminal's width.
  winsize ws{};
  std::size_t width = 100;
  if (::ioctl(::fileno(out_), TIOCGWINSZ, &ws) == 0 && ws.ws_col > 10) width = ws.ws_col - 1;
  if (s.size() > width) {
    std::size_t cut = width - 3;
    while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;  // whole UTF-8 sequences
    s = s.substr(0, cut) + "...";
  }
  std::fputs(("\r\033[K" + s).c_str(), out_);
  std::fflush(out_);
  shown_ = true;
}

void build_status::clear_locked() {
  if (!shown_) return;
  std::fputs("\r\033[K", out_);
  std::fflush(out_);
  shown_ = false;
}

}  // namespace gograde::cli
