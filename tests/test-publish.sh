#!/bin/sh
# Publishing, end to end with the test build (its file-system fault hook
# is read from REVIEWPACK_FAIL_AT, REVIEWPACK_KILL_AT and
# REVIEWPACK_NO_RENAME_FLAGS): symbolic links planted at every name a
# build uses change nothing outside OUT; a build refused before its first
# rename changes nothing in OUT; concurrent builds into one OUT take
# turns and lose no month; a build failed or killed at many points is
# repaired by the next one. The full sweep over every failure point is
# tests/test_site.c.
# usage: tests/test-publish.sh REVIEWPACK (a build with -DREVIEWPACK_FAULTS)
set -u
if [ $# -ne 1 ]; then
	echo "usage: $0 REVIEWPACK" >&2
	exit 2
fi
RP=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
cd "$(dirname "$0")/.."
TMP=$(mktemp -d "${TMPDIR:-/tmp}/reviewpack-publish-XXXXXX")
trap 'rm -rf "$TMP"' EXIT
export SOURCE_DATE_EPOCH=1793520000
unset REVIEWPACK_FAIL_AT REVIEWPACK_KILL_AT REVIEWPACK_NO_RENAME_FLAGS
DATA=tests/data/hostile
pass=0
fail=0
ok() { pass=$((pass + 1)); echo "ok   $1"; }
bad() { fail=$((fail + 1)); echo "FAIL $1"; }

# Every name, kind, link target and file digest under a folder.
snap() { (cd "$1" && find . -printf '%y %m %p -> %l\n' | sort && find . -type f -exec sha256sum {} + | sort); }

# The months each built alone: what a whole site holds.
REF="$TMP/ref"
for m in 2026-09 2026-10; do "$RP" build $DATA -p $m -o "$REF" 2>/dev/null || bad "reference build $m"; done

# whole OUT MONTH...: OUT holds those months, each as built alone, the
# stylesheet, an archive listing exactly them and the lock file: nothing
# left over.
whole() {
	o=$1; shift
	want=$(printf '%s\n' .reviewpack.lock "$@" assets index.html | sort | tr '\n' ' ')
	have=$(ls -A "$o" | sort | tr '\n' ' ')
	[ "$have" = "$want" ] || { echo "$o holds $have"; return 1; }
	for m in "$@"; do
		diff -r "$REF/$m" "$o/$m" > /dev/null || { echo "$o/$m is not whole"; return 1; }
	done
	listed=$(grep -o '[0-9]\{4\}-[0-9]\{2\}/index.html' "$o/index.html" | cut -c1-7 | sort -u | tr '\n' ' ')
	want=$(printf '%s\n' "$@" | sort | tr '\n' ' ')
	[ "$listed" = "$want" ] || { echo "the archive lists $listed"; return 1; }
	cmp -s assets/style.css "$o/assets/style.css" || { echo "the stylesheet differs"; return 1; }
}

# --- 3. a planted link never redirects a write ---------------------------
O="$TMP/links"; X="$TMP/outside"
mkdir -p "$X/dir" && echo "precious" > "$X/victim" && echo '{}' > "$X/victim.json"
"$RP" build $DATA -p 2026-09 -o "$O" 2>/dev/null
# the fixed names of earlier versions, names of the staging patterns, a
# link inside the month to be replaced
for n in .index.html.tmp .index.html.new-AAAAAA .2026-10.new-AAAAAA.old; do ln -s "$X/victim" "$O/$n"; done
for n in .assets.new .assets.new-AAAAAA .2026-10.new-AAAAAA .2026-10.old-AAAAAA .2026-09.new-AAAAAA \
	.assets.old-AAAAAA; do ln -s "$X/dir" "$O/$n"; done
ln -s "$X/dir" "$O/2026-09/partners/evil"
snap "$X" > "$TMP/outside.before"
"$RP" build $DATA -p 2026-10 -o "$O" 2>"$TMP/err"; c1=$?
"$RP" build $DATA -p 2026-09 -o "$O" 2>>"$TMP/err"; c2=$?
snap "$X" > "$TMP/outside.after"
if [ $c1 = 0 ] && [ $c2 = 0 ] && cmp -s "$TMP/outside.before" "$TMP/outside.after" && whole "$O" 2026-09 2026-10; then
	ok "links at staging names and in a replaced month: removed, never followed, nothing outside OUT changes"
else bad "planted links: exit $c1/$c2"; cat "$TMP/err"; diff "$TMP/outside.before" "$TMP/outside.after" | head; fi
# a link where the build must write: refused, OUT and outside unchanged
for n in 2026-10 assets index.html .reviewpack.lock; do
	O="$TMP/link-$n"
	"$RP" build $DATA -p 2026-09 -o "$O" 2>/dev/null
	rm -rf "${O:?}/$n"
	case $n in index.html|.reviewpack.lock) ln -s "$X/victim" "$O/$n" ;; *) ln -s "$X/dir" "$O/$n" ;; esac
	snap "$O" > "$TMP/out.before"
	"$RP" build $DATA -p 2026-10 -o "$O" 2>"$TMP/err"; c=$?
	snap "$X" > "$TMP/outside.after"
	snap "$O" > "$TMP/out.after"
	if [ $c = 3 ] && grep -q "'$O/$n'" "$TMP/err" && cmp -s "$TMP/outside.before" "$TMP/outside.after" \
		&& cmp -s "$TMP/out.before" "$TMP/out.after"; then
		ok "a link at OUT/$n: exit 3 naming it, nothing changed in or outside OUT"
	else bad "a link at OUT/$n: exit $c"; cat "$TMP/err"; fi
done

# --- 4. a refused build changes nothing in OUT ---------------------------
O="$TMP/refused"
"$RP" build $DATA -p 2026-09 -o "$O" 2>/dev/null && "$RP" build $DATA -p 2026-10 -o "$O" 2>/dev/null
rm "$O/index.html" && mkdir "$O/index.html"
snap "$O" > "$TMP/before"
"$RP" build $DATA -p 2026-10 -o "$O" 2>"$TMP/err"; c=$?
snap "$O" > "$TMP/after"
if [ $c = 3 ] && grep -q "cannot replace '$O/index.html': it is a folder, not a file" "$TMP/err" \
	&& cmp -s "$TMP/before" "$TMP/after"; then
	ok "OUT/index.html a folder: exit 3 and OUT byte-identical"
else bad "OUT/index.html a folder: exit $c"; cat "$TMP/err"; diff "$TMP/before" "$TMP/after" | head; fi
rmdir "$O/index.html"
if [ "$(id -u)" != 0 ]; then # (root may write anywhere)
	"$RP" build $DATA -p 2026-10 -o "$O" 2>/dev/null
	chmod 555 "$O"; snap "$O" > "$TMP/before"
	"$RP" build $DATA -p 2026-09 -o "$O" 2>"$TMP/err"; c=$?
	snap "$O" > "$TMP/after"; chmod 755 "$O"
	if [ $c = 3 ] && grep -q "cannot write in '$O'" "$TMP/err" && cmp -s "$TMP/before" "$TMP/after"; then
		ok "OUT not writable: exit 3 before any change"
	else bad "OUT not writable: exit $c"; cat "$TMP/err"; fi
fi

# --- 5. builds into one OUT take turns ------------------------------------
O="$TMP/locked"
"$RP" build $DATA -p 2026-09 -o "$O" 2>/dev/null
: > "$TMP/err"
# hold the lock until the build says it waits (at most 60 s)
flock "$O/.reviewpack.lock" sh -c 'for i in $(seq 600); do grep -q waiting "$1" && break; sleep 0.1; done' - "$TMP/err" &
holder=$!
sleep 0.5
"$RP" build $DATA -p 2026-10 -o "$O" 2>>"$TMP/err"; c=$?
wait $holder
if [ $c = 0 ] && [ "$(grep -c "waiting for another build of '$O' to finish" "$TMP/err")" = 1 ] && whole "$O" 2026-09 2026-10; then
	ok "a build waits for the lock, says so once, then publishes"
else bad "waiting for the lock: exit $c"; cat "$TMP/err"; fi
lost=0
for run in $(seq 1 20); do
	O="$TMP/together-$run"
	"$RP" build examples/northwind -p 2026-09 -o "$O" >/dev/null 2>"$TMP/e1" &
	p1=$!
	"$RP" build examples/northwind -p 2026-10 -o "$O" >/dev/null 2>"$TMP/e2"; c2=$?
	wait $p1; c1=$?
	n=$(grep -c '[0-9]\{4\}-[0-9]\{2\}/index.html' "$O/index.html" 2>/dev/null)
	if [ $c1 != 0 ] || [ $c2 != 0 ] || ! grep -q '2026-09/index.html' "$O/index.html" \
		|| ! grep -q '2026-10/index.html' "$O/index.html" || [ "$(ls -A "$O" | tr '\n' ' ')" != ".reviewpack.lock 2026-09 2026-10 assets index.html " ]; then
		lost=$((lost + 1)); echo "run $run: exit $c1/$c2, $n archive links, $(ls -A "$O" | tr '\n' ' ')"; cat "$TMP/e1" "$TMP/e2"
	fi
	rm -rf "$O"
done
[ $lost = 0 ] && ok "20 runs of two builds of the example at once into one OUT: both exit 0, no month lost" \
	|| bad "concurrent builds: $lost of 20 runs lost a month or failed"

# --- 6. a failed or killed build is repaired by the next one --------------
# The base: 2026-09, and 2026-10 built at another time, so that building
# 2026-10 again replaces a folder with different bytes. Failure and kill
# points 1, 4, 16, ... until the build makes fewer calls, with and
# without renameat2 flags (tests/test_site.c tries every point).
BASE="$TMP/base"; O="$TMP/faults"
"$RP" build $DATA -p 2026-09 -o "$BASE" 2>/dev/null
SOURCE_DATE_EPOCH=1790000000 "$RP" build $DATA -p 2026-10 -o "$BASE" 2>/dev/null
snap "$BASE" > "$TMP/base.snap"
points=0; broken=0
for how in FAIL KILL; do
	for flags in "" 1; do
		n=1
		while :; do
			rm -rf "$O"; cp -a "$BASE" "$O"
			env REVIEWPACK_NO_RENAME_FLAGS=$flags REVIEWPACK_${how}_AT=$n "$RP" build $DATA -p 2026-10 -o "$O" 2>"$TMP/err"; c=$?
			if [ $how = FAIL ]; then grep -q "test build: call $n " "$TMP/err" || break
			else [ $c = 137 ] || break; fi
			points=$((points + 1))
			snap "$O" > "$TMP/after"
			label="$(echo $how | tr A-Z a-z) at call $n${flags:+ without renameat2 flags}"
			diff -r "$REF/2026-09" "$O/2026-09" >/dev/null || { broken=$((broken + 1)); echo "$label: 2026-09 changed"; }
			if [ $how = FAIL ] && [ $c != 0 ] && { [ $c != 3 ] || ! cmp -s "$TMP/base.snap" "$TMP/after"; }; then
				broken=$((broken + 1)); echo "$label: exit $c, OUT changed"; diff "$TMP/base.snap" "$TMP/after" | head -n 5
			fi
			"$RP" build $DATA -p 2026-10 -o "$O" 2>/dev/null
			whole "$O" 2026-09 2026-10 || { broken=$((broken + 1)); echo "$label: not repaired"; }
			n=$((n * 4))
		done
		[ $c = 0 ] || { broken=$((broken + 1)); echo "$how beyond the last call: exit $c"; }
	done
done
# and killed from outside, wherever it happens to be
for delay in 0.2 0.4 0.6 0.8 1.0 1.2; do
	rm -rf "$O"; cp -a "$BASE" "$O"
	"$RP" build $DATA -p 2026-10 -o "$O" 2>/dev/null &
	victim=$!
	sleep $delay; kill -KILL $victim 2>/dev/null; wait $victim 2>/dev/null
	points=$((points + 1))
	diff -r "$REF/2026-09" "$O/2026-09" >/dev/null || { broken=$((broken + 1)); echo "killed after ${delay}s: 2026-09 changed"; }
	"$RP" build $DATA -p 2026-10 -o "$O" 2>/dev/null
	whole "$O" 2026-09 2026-10 || { broken=$((broken + 1)); echo "killed after ${delay}s: not repaired"; }
done
[ $broken = 0 ] && ok "failed or killed at $points points: a failed build changes nothing, the next one repairs the site" \
	|| bad "failed or killed builds: $broken of $points points broke the site"

echo "publishing: $pass passed, $fail failed"
[ $fail = 0 ]
