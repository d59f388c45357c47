#!/usr/bin/env bash
# jobs.sh VRRPSIM SRC: `vrrpsim run -j N` writes exactly what -j 1 writes
# (stdout, stderr, --trace, --junit, exit status), in the same order, for
# every shipped scenario with a failing and an unloadable file among them,
# as text and as JSON; and streamed outputs stay well-formed.
set -u
vrrpsim=$1
src=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "jobs: $*" >&2; exit 1; }
cd "$src" || fail "no source dir"

shopt -s globstar nullglob
shipped=(scenarios/**/*.yaml)
# The failing and the unloadable file between shipped ones: their place in
# the output must not move.
files=("${shipped[@]:0:3}" tests/data/scenarios/cli/fails.yaml "${shipped[@]:3:5}"
       tests/data/scenarios/malformed/12-bad-seed.yaml "${shipped[@]:8}")

# The progress notice ("vrrpsim: running F ...") depends on the wall clock,
# not on -j: left out of the comparison.
run() {  # run NAME ARGS...: stdout, stderr, status, trace and junit of one command
  local name=$1
  shift
  "$vrrpsim" run "$@" --trace "$tmp/$name.trace" --junit "$tmp/$name.junit" \
    >"$tmp/$name.out" 2>"$tmp/$name.err.raw"
  echo $? >"$tmp/$name.status"
  grep -v '^vrrpsim: running .* \.\.\.$' "$tmp/$name.err.raw" >"$tmp/$name.err"
}
same() {  # same A B
  for part in out err status trace junit; do
    cmp -s "$tmp/$1.$part" "$tmp/$2.$part" ||
      fail "$1 and $2 differ in $part: $(diff "$tmp/$1.$part" "$tmp/$2.$part" | head -5)"
  done
}

for format in text json; do
  run "$format-1" -j 1 --format "$format" --check-determinism "${files[@]}"
  [ "$(cat "$tmp/$format-1.status")" = 2 ] || fail "$format: exit status $(cat "$tmp/$format-1.status"), not 2"
  for j in 2 8; do
    run "$format-$j" -j "$j" --format "$format" --check-determinism "${files[@]}"
    same "$format-1" "$format-$j"
  done
done
grep -q "determinism check passed" "$tmp/text-1.err" || fail "no determinism line"
grep -q "could not be loaded" "$tmp/text-1.out" || fail "no unloaded line"
grep -q "FAIL" "$tmp/text-1.out" || fail "no failing expectation"

# The timeline with packets and logs, streamed from several threads.
run tl-1 -j 1 --packets --logs "${shipped[@]}"
run tl-3 -j 3 --packets --logs "${shipped[@]}"
same tl-1 tl-3

# Default -j (every core) as -j 1; one file as several.
run q-1 -j 1 -q "${shipped[@]}"
run q-d -q "${shipped[@]}"
same q-1 q-d

# The trace of several runs reads back (vrrpsim conform reads traces: its
# reader refuses malformed JSON); a single run's too.
python3 -c "import json,sys; d=json.load(open(sys.argv[1])); assert len(d['runs']) > 20" \
  "$tmp/json-8.trace" || fail "trace of several runs is not JSON"
"$vrrpsim" run -q --packets scenarios/seed/master-backup.yaml --trace "$tmp/one.json" >/dev/null 2>&1 ||
  fail "single run failed"
python3 -c "import json,sys; d=json.load(open(sys.argv[1])); assert d['events']" "$tmp/one.json" ||
  fail "single-run trace is not JSON"
# Nothing left behind beside the outputs (temporary files are renamed or removed).
[ -z "$(ls -A "$tmp" | grep -E '^\.')" ] || fail "temporary files left: $(ls -A "$tmp")"

# -j out of range is a usage error.
"$vrrpsim" run -j 0 scenarios/seed/master-backup.yaml >/dev/null 2>&1
[ $? -eq 2 ] || fail "-j 0 accepted"
exit 0
