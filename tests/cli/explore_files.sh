#!/usr/bin/env bash
# explore_files.sh VRRPSIM SRC: `vrrpsim explore` writes its --out directory,
# JSON lines and JUnit; every finding is a scenario `vrrpsim run` fails on;
# shards of different searches refuse to merge.
set -u
vrrpsim=$1
src=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "explore_files: $*" >&2; exit 1; }
cd "$src" || fail "no source dir"
f=scenarios/explore/master-backup.yaml

"$vrrpsim" explore "$f" --runs 300 -j 2 -q --out "$tmp/out" --junit "$tmp/j.xml" \
  --jsonl "$tmp/f.jsonl" >"$tmp/stdout" 2>&1
[ $? -eq 1 ] || fail "explore: exit status not 1: $(cat "$tmp/stdout")"
[ -s "$tmp/out/findings.jsonl" ] || fail "no findings.jsonl"
cmp -s "$tmp/out/findings.jsonl" "$tmp/f.jsonl" || fail "--jsonl differs from findings.jsonl"
grep -q '"runs": 300' "$tmp/out/summary.json" || fail "summary.json: $(head -20 "$tmp/out/summary.json")"
grep -q '<failure message="no_split_brain crash(primary)' "$tmp/j.xml" || fail "junit: $(cat "$tmp/j.xml")"
n=0
for y in "$tmp"/out/finding-*.yaml; do
  n=$((n + 1))
  "$vrrpsim" run -q "$y" >"$tmp/run" 2>&1
  [ $? -eq 1 ] || fail "$y does not fail vrrpsim run: $(tail -5 "$tmp/run")"
done
[ "$n" -ge 1 ] || fail "no finding scenario written"
lines=$(wc -l <"$tmp/out/findings.jsonl")
[ "$lines" -eq "$n" ] || fail "$lines classes but $n scenarios"

# JSON lines on stdout, nothing else there.
"$vrrpsim" explore "$f" --runs 50 -q --jsonl - >"$tmp/stdout2" 2>/dev/null
head -c1 "$tmp/stdout2" | grep -q '{' || fail "--jsonl - is not JSON lines: $(head -3 "$tmp/stdout2")"

# Shards of two seeds do not merge.
"$vrrpsim" explore "$f" --runs 40 --seed 1 --shard 1/2 --out "$tmp/a.json" -q >/dev/null 2>&1
"$vrrpsim" explore "$f" --runs 40 --seed 2 --shard 2/2 --out "$tmp/b.json" -q >/dev/null 2>&1
"$vrrpsim" explore --merge "$tmp/a.json" "$tmp/b.json" --out "$tmp/m" >"$tmp/merge" 2>&1
[ $? -eq 2 ] || fail "mismatched shards merged"
grep -q "seeds differ (2 vs 1)" "$tmp/merge" || fail "merge message: $(cat "$tmp/merge")"
"$vrrpsim" explore --merge "$tmp/a.json" --out "$tmp/m" >"$tmp/merge" 2>&1
[ $? -eq 2 ] || fail "a missing shard merged"
grep -q "shard 2/2 is missing" "$tmp/merge" || fail "merge message: $(cat "$tmp/merge")"
# An output that is another output.
"$vrrpsim" explore "$f" --runs 10 -q --junit "$tmp/same" --jsonl "$tmp/same" >"$tmp/o" 2>&1
[ $? -eq 2 ] || fail "two outputs at one path accepted: $(cat "$tmp/o")"
echo "explore_files: ok"
