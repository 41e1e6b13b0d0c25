#!/usr/bin/env bash
# The bash completion gograde generates completes commands, their options and
# exercise names; the zsh one parses.
# usage: completion.sh GOGRADE
set -euo pipefail
GG=$1
PATH=$(dirname "$GG"):$PATH  # exercise names come from `gograde list --json`
# shellcheck disable=SC1090
source <("$GG" completion bash)
fails=0
comp() { COMP_WORDS=("$@"); COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); COMPREPLY=(); _gograde; echo "${COMPREPLY[*]}"; }
expect() {  # expect WANT WORDS...: WANT among the completions of WORDS
  local want=$1; shift
  local got; got=$(comp "$@")
  if [[ " $got " != *" $want "* ]]; then echo "FAIL: '$*' completes to '$got', not '$want'"; fails=$((fails + 1)); fi
}
expect_not() {
  local unwanted=$1; shift
  local got; got=$(comp "$@")
  if [[ " $got " == *" $unwanted "* ]]; then echo "FAIL: '$*' completes to '$got', with '$unwanted'"; fails=$((fails + 1)); fi
}
expect batch gograde ba
expect --shard-count gograde batch --sh
expect merge gograde batch m
expect plan gograde batch ""
expect add gograde sets ""
expect prune gograde cache p
expect --color gograde --co
expect safe-counter gograde grade saf
expect safe-counter gograde --set . test saf   # global options before the command
expect --policy gograde replay --pol
expect_not batch-entry gograde batch-
expect_not safe-counter gograde grade safe-counter saf   # the second argument is a submission
[ "$fails" -eq 0 ] || exit 1
if command -v zsh >/dev/null; then
  "$GG" completion zsh > "${TMPDIR:-/tmp}/_gograde.$$"
  zsh -n "${TMPDIR:-/tmp}/_gograde.$$" || { echo "FAIL: the zsh completion does not parse"; exit 1; }
  rm -f "${TMPDIR:-/tmp}/_gograde.$$"
fi
echo "completion ok"
