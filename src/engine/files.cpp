#include "engine/files.hpp"

#include <unistd.h>

#include <fstream>
#include <functional>
#include <sstream>
#include <thread>

namespace gograde {

std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) return {};
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void replace_all(std::string& s, const std::string& from, const std::string& to) {
  if (from.empty()) return;
  for (std::size_t at = 0; (at = s.find(from, at)) != std::string::npos; at += to.size()) s.replace(at, from.size(), to);
}

fs::path temp_sibling(const fs::path& p) {
  return p.string() + ".tmp-" + std::to_string(::getpid()) + "-" +
         std::to_string(std::hash<std::thread::id>{}(std::this_thread::get_id()));
}

void write_file_atomically(const fs::path& p, const std::string& text) {
  if (p.has_parent_path()) fs::create_directories(p.parent_path());
  const fs::path tmp = temp_sibling(p);
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << text;
    if (!out.flush()) throw std::runtime_error("cannot write " + tmp.string());
  }
  fs::rename(tmp, p);
}

std::string shell_quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

fs::path make_staging_dir(const fs::path& final_dir, std::string& error) {
  const fs::path tmp = temp_sibling(final_dir);
  std::error_code ec;
  fs::remove_all(tmp, ec);
  fs::create_directories(tmp, ec);
  if (ec) {
    error = "cannot create " + tmp.string() + ": " + ec.message();
    return {};
  }
  return tmp;
}

void publish_dir(const fs::path& staging, const fs::path& final_dir) {
  std::error_code ec;
  fs::rename(staging, final_dir, ec);
  if (ec) fs::remove_all(staging, ec);
}

}  // namespace gograde
