#!/bin/sh
# The threaded stage under ThreadSanitizer (make test-tsan): the example
# and a generated 2,000-partner program built on 4 threads, each the same
# byte for byte as built on one. TSan ends a build at its first report
# (exit 66), which fails the test.
# usage: tests/run-tsan.sh REVIEWPACK (built with -fsanitize=thread)
set -u
RP=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
cd "$(dirname "$0")/.."
TMP=$(mktemp -d "${TMPDIR:-/tmp}/reviewpack-tsan-XXXXXX")
trap 'rm -rf "$TMP"' EXIT
export SOURCE_DATE_EPOCH=1793520000
pass=0
fail=0
ok() { pass=$((pass + 1)); echo "ok   $1"; }
bad() { fail=$((fail + 1)); echo "FAIL $1"; }

G="$TMP/large"
build/gen-example --out "$G" --partners 2000 --deals 20000 --months 12 --seed 7 >/dev/null || bad "cannot generate the data"
for case in "example:examples/northwind" "2,000 partners:$G"; do
	name=${case%%:*}
	data=${case#*:}
	if "$RP" build "$data" -p 2026-10 -o "$TMP/j4" --jobs 4 2>"$TMP/err4" \
		&& "$RP" build "$data" -p 2026-10 -o "$TMP/j1" --jobs 1 2>"$TMP/err1"; then
		if diff -r "$TMP/j1" "$TMP/j4" > "$TMP/diff"; then
			ok "$name on 4 threads: no data race, the same pack as on one"
		else bad "$name: the pack on 4 threads differs from one thread's"; head -n 20 "$TMP/diff"; fi
	else
		bad "$name: build failed (exit 66: a ThreadSanitizer report)"; head -n 60 "$TMP/err4" "$TMP/err1"
	fi
	rm -rf "$TMP/j1" "$TMP/j4"
done
echo "$pass passed, $fail failed"
[ $fail = 0 ]
