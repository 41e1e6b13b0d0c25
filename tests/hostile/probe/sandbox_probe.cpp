// Tries every escape and leak of probes.hpp and prints what it could and
// could not do; exit status: how many it could. It refuses to run outside a
// sandbox (its probes would change the machine it runs on).
#include <fstream>
#include <iostream>
#include <string>

#include "probes.hpp"

int main() {
  std::ifstream cmd("/proc/1/cmdline");
  std::string first;
  std::getline(cmd, first, '\0');
  if (first != "bwrap") {
    std::cerr << "sandbox_probe: pid 1 is \"" << first << "\", not bwrap: refusing to probe outside a sandbox\n";
    return 100;
  }
  return sandbox_probe::run_all();
}
