#!/usr/bin/env bash
# expect.sh STATUS PATTERN COMMAND...
# Runs COMMAND, requires its exit status to be STATUS and its combined
# output to match the extended regular expression PATTERN.
set -u
want=$1
pattern=$2
shift 2
out=$("$@" 2>&1)
got=$?
if [ "$got" != "$want" ]; then
  printf 'exit status %s, expected %s\n--- output ---\n%s\n' "$got" "$want" "$out"
  exit 1
fi
if ! printf '%s\n' "$out" | grep -Eq -- "$pattern"; then
  printf 'output does not match /%s/\n--- output ---\n%s\n' "$pattern" "$out"
  exit 1
fi
exit 0
