#!/usr/bin/env bash
# output_files.sh VRRPSIM SRC: `vrrpsim run` writes --trace, --perfetto and
# --junit files that are what they claim to be, and runs a whole directory.
set -u
vrrpsim=$1
src=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "output_files: $*" >&2; exit 1; }
cd "$src" || fail "no source dir"

"$vrrpsim" run -q scenarios/seed/master-backup.yaml --trace "$tmp/t.json" \
  --perfetto "$tmp/p.json" --junit "$tmp/j.xml" >"$tmp/out" 2>&1 || fail "run failed: $(cat "$tmp/out")"
grep -q '"format": "vrrpsim-trace"' "$tmp/t.json" || fail "trace file lacks its format field"
grep -q '"traceEvents"' "$tmp/p.json" || fail "perfetto file lacks traceEvents"
grep -q '"ph":"X"' "$tmp/p.json" || fail "perfetto file has no complete (state) events"
grep -q '"ph":"C"' "$tmp/p.json" || fail "perfetto file has no priority counters"
head -1 "$tmp/j.xml" | grep -q '^<?xml' || fail "junit file is not XML"
grep -q '<testsuites name="vrrpsim" tests="12" failures="0"' "$tmp/j.xml" || fail "junit counts: $(head -3 "$tmp/j.xml")"

# A failing expectation: exit 1, a FAIL line with its evidence, a JUnit failure.
"$vrrpsim" run -q tests/data/scenarios/cli/fails.yaml --junit "$tmp/f.xml" >"$tmp/out" 2>&1
[ $? -eq 1 ] || fail "failing expectation: exit status not 1"
grep -q 'FAIL  line 29: node2 is the only MASTER of VRID 51 at 10.000000s' "$tmp/out" ||
  fail "no FAIL line: $(cat "$tmp/out")"
grep -q 'MASTER of VRID 51 at 10.000000s: node1' "$tmp/out" || fail "no evidence: $(cat "$tmp/out")"
grep -q '<failure message=' "$tmp/f.xml" || fail "junit has no failure"

# The whole shipped directory, every matrix variant: every run passes.
shopt -s globstar nullglob
files=(scenarios/**/*.yaml)
"$vrrpsim" run -q "${files[@]}" >"$tmp/out" 2>&1 || fail "shipped scenarios: $(grep -E 'FAIL|error' "$tmp/out" | head)"
grep -Eq '^[0-9]+ scenarios: [0-9]+ passed, 0 failed$' "$tmp/out" || fail "no summary line"
exit 0
