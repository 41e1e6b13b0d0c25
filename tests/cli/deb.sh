#!/usr/bin/env bash
# The Debian package: built with CPack from the build tree, installed with
# apt-get (its dependencies resolved from the archive), gograde then works
# from /usr, and the package is removed again.
# usage: deb.sh BUILD_DIR WORK_DIR
# Exit 77 (skipped) where packages cannot be installed (not root, no apt-get).
set -euo pipefail
BUILD=$1 WORK=$2
if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null || ! command -v dpkg-shlibdeps >/dev/null; then
  echo "skipped: installing a package needs root, apt-get and dpkg-shlibdeps (dpkg-dev)"
  exit 77
fi
if dpkg-query -W -f='${Status}' gograde 2>/dev/null | grep -q "install ok installed"; then
  echo "skipped: a gograde package is installed on this machine already; not replacing it"
  exit 77
fi
rm -rf "$WORK"
mkdir -p "$WORK"
(cd "$WORK" && cpack -G DEB --config "$BUILD/CPackConfig.cmake" > cpack.log 2>&1) || { cat "$WORK/cpack.log"; exit 1; }
deb=$(ls "$WORK"/gograde_*.deb)
echo "built $(basename "$deb"): $(du -h "$deb" | cut -f1)"
dpkg-deb -f "$deb" Package Version Architecture Depends
trap 'apt-get remove -y -qq gograde >/dev/null 2>&1 || true' EXIT
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$deb" > "$WORK/apt.log" 2>&1 || { cat "$WORK/apt.log"; exit 1; }
fail() { echo "FAIL: $*"; exit 1; }
for f in /usr/bin/gograde /usr/bin/gograde-jail /usr/bin/gograde-astcheck /usr/share/gograde/gograde-set.toml \
         /usr/share/gograde/harness/gox/include/gox/runtime.hpp /usr/share/bash-completion/completions/gograde \
         /usr/share/zsh/site-functions/_gograde /usr/share/man/man1/gograde.1 /usr/lib/cmake/gox/gox-config.cmake \
         /usr/include/gox/runtime.hpp /usr/include/gograde/check.hpp; do
  dpkg -S "$f" > /dev/null 2>&1 || fail "$f is not in the package"
done
/usr/bin/gograde --version | grep -q "sources: /usr/share/gograde" || fail "the installed gograde does not use /usr/share/gograde"
/usr/bin/gograde list | grep -q "safe-counter" || fail "the installed gograde lists no safe-counter"
# A workspace finds gox where CMake looks by itself (/usr) and builds.
(cd "$WORK" && /usr/bin/gograde init safe-counter ws > /dev/null) || fail "gograde init failed"
grep -q 'find_package(gox CONFIG REQUIRED HINTS "/usr/lib/cmake/gox")' "$WORK/ws/CMakeLists.txt" ||
  fail "the workspace does not look for the installed gox"
(cmake -S "$WORK/ws" -B "$WORK/ws/build" -G Ninja && cmake --build "$WORK/ws/build") > "$WORK/ws.log" 2>&1 ||
  { cat "$WORK/ws.log"; fail "the workspace does not build against the installed gox"; }
apt-get remove -y -qq gograde > /dev/null 2>&1
[ ! -e /usr/bin/gograde ] || fail "removing the package left /usr/bin/gograde"
trap - EXIT
echo "deb ok"
