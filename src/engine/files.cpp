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

fs::path make_staging_dir(const fs::path& final_dir, std::string& error) {
  const fs::path tmp = final_dir.string() + ".tmp-" + std::to_string(::getpid()) + "-" +
                       std::to_string(std::hash<std::thread::id>{}(std::this_thread::get_id()));
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
