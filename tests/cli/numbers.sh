#!/usr/bin/env bash
# numbers.sh VRRPSIM SRC [GUI]: every numeric flag of every subcommand takes
# a decimal whole number in its exact range and nothing else: exit 2 with the
# range in the message, before anything runs (issue 14). A property over
# flags x values: the bad values include a sign, 2^64, hex, octal-looking
# spellings are fine (leading zeros are decimal), exponents, blanks.
set -u
vrrpsim=$1
src=$2
gui=${3:-}
cd "$src" || exit 1
fail() { echo "numbers: $*" >&2; exit 1; }
s=scenarios/seed/master-backup.yaml
x=scenarios/explore/master-backup.yaml
golden=tests/conformance/golden/seed-master-backup.json

# flag | command prefix | range text
checks=(
  "--seed|run -q $s|0 to 18446744073709551615"
  "--seed|compare $s|0 to 18446744073709551615"
  "--seed|explore $x --runs 1 -q|0 to 18446744073709551615"
  "--runs|explore $x -q|1 to 1000000000000"
  "-j|explore $x --runs 1 -q|1 to 1024"
  "--max-faults|explore $x --runs 1 -q|1 to 64"
)
bad=(-1 18446744073709551616 99999999999999999999999 0x10 +5 1e3 1.5 "" " 7" "7 " abc 12abc)
for c in "${checks[@]}"; do
  IFS='|' read -r flag cmd range <<<"$c"
  for v in "${bad[@]}"; do
    # shellcheck disable=SC2086
    out=$("$vrrpsim" $cmd "$flag" "$v" 2>&1)
    rc=$?
    [ $rc -eq 2 ] || fail "$cmd $flag '$v': exit $rc, expected 2: $out"
    case "$out" in
      *"$range"*) ;;
      *) fail "$cmd $flag '$v': the message does not give the range ($range): $out" ;;
    esac
  done
done
# The ends of each range, and just past them.
"$vrrpsim" run -q $s --seed 18446744073709551615 >/dev/null 2>&1 || fail "--seed 2^64-1 refused"
"$vrrpsim" run -q $s --seed 0 >/dev/null 2>&1 || fail "--seed 0 refused"
"$vrrpsim" run -q $s --seed 007 2>/dev/null | grep -q "seed 7 " || fail "--seed 007 is not 7"
for v in 0 1000000000001; do
  out=$("$vrrpsim" explore $x -q --runs $v 2>&1); [ $? -eq 2 ] || fail "--runs $v accepted: $out"
done
for v in 0 1025; do
  out=$("$vrrpsim" explore $x -q --runs 1 -j $v 2>&1); [ $? -eq 2 ] || fail "-j $v accepted: $out"
done
for v in 0 65; do
  out=$("$vrrpsim" explore $x -q --runs 1 --max-faults $v 2>&1)
  [ $? -eq 2 ] || fail "--max-faults $v accepted: $out"
done
for v in crash=1001 crash=-1 crash=1e2 crash=; do
  out=$("$vrrpsim" explore $x -q --runs 1 --weight $v 2>&1)
  [ $? -eq 2 ] && [[ "$out" == *"N from 0 to 1000"* ]] || fail "--weight $v: $out"
done
for v in 31d -1s 5parsecs; do
  out=$("$vrrpsim" conform $s --real $golden --tolerance "$v" 2>&1)
  [ $? -eq 2 ] || fail "--tolerance $v accepted: $out"
done
for v in 0/4 5/4 1/0 -1/4 a/b 1/1000000; do
  out=$("$vrrpsim" explore $x --runs 4 --shard "$v" --out /dev/null 2>&1)
  [ $? -eq 2 ] || fail "--shard $v accepted: $out"
done
if [ -n "$gui" ]; then
  export QT_QPA_PLATFORM=offscreen ASAN_OPTIONS=detect_leaks=0
  for v in 99999x900 100x100000 -1600x900 1600x900x1 0x0 1e3x900 ""; do
    out=$("$gui" --render $s -o /tmp/vrrpsim-numbers-$$.png --size "$v" 2>&1)
    [ $? -eq 2 ] || fail "gui --size '$v' accepted: $out"
  done
  for v in 1s:31d 5s:1s -1s:2s 1s 1s:2s:3s; do
    out=$("$gui" --render $s -o /tmp/vrrpsim-numbers-$$.png --window "$v" 2>&1)
    [ $? -eq 2 ] || fail "gui --window '$v' accepted: $out"
  done
  rm -f /tmp/vrrpsim-numbers-$$.png
fi
echo "numbers: ok"
