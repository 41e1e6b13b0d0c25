#!/bin/sh
# The sandbox probes as an unprivileged user: as root, through setpriv as
# nobody (65534), so the user-namespace path of the sandbox is exercised too.
# usage: unprivileged.sh GOGRADE PROBE ; exit 77 (skipped) where nobody cannot
# reach the binaries (a checkout under a private folder).
set -u
gograde=$1 probe=$2
if [ "$(id -u)" -ne 0 ]; then
  exec "$gograde" sandbox-exec --ro "$(dirname "$probe")" -- "$probe"
fi
as_nobody="setpriv --reuid=65534 --regid=65534 --clear-groups --"
if ! $as_nobody test -x "$gograde" || ! $as_nobody test -x "$probe"; then
  echo "skipped: nobody cannot reach $gograde or $probe"
  exit 77
fi
cd /tmp || exit 1
exec env HOME=/tmp $as_nobody "$gograde" sandbox-exec --ro "$(dirname "$probe")" -- "$probe"
