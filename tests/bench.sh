#!/bin/sh
# Benchmark: wall time and peak memory (/usr/bin/time, median of
# BENCH_RUNS runs, default 3) of check and build (the full pack written) on
# generated data, against libcsv alone tokenizing the same deals.csv
# (tests/csvtok.c). Prints one table with the goals beside the figures.
# usage: tests/bench.sh REVIEWPACK GENERATOR CSVTOK
set -eu
RP=$1
GEN=$2
TOK=$3
RUNS=${BENCH_RUNS:-3}
TMP=$(mktemp -d "${TMPDIR:-/tmp}/reviewpack-bench-XXXXXX")
trap 'rm -rf "$TMP"' EXIT
export SOURCE_DATE_EPOCH=1793520000
TIME=/usr/bin/time
[ -x $TIME ] || { echo "bench: /usr/bin/time is needed (Debian package time)" >&2; exit 1; }

# median wall seconds and peak MB of RUNS runs of a command: sets T and M
measure() {
	: >"$TMP/runs"
	i=0
	while [ $i -lt "$RUNS" ]; do
		$TIME -f "%e %M" -o "$TMP/t" "$@" >/dev/null 2>"$TMP/err" || { cat "$TMP/err" >&2; exit 1; }
		tail -n 1 "$TMP/t" >>"$TMP/runs"
		i=$((i + 1))
	done
	set -- $(sort -n "$TMP/runs" | awk '{t[NR]=$1; m[NR]=$2} END {k=int((NR+1)/2); printf "%s %.0f", t[k], m[k]/1024}')
	T=$1 M=$2
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.1f", (b > 0) ? a / b : 0}'; }

row() { # case, time, MB, ratio, pages/s, goal
	printf '| %-36s | %7s s | %6s MB | %6s | %8s | %-22s |\n' "$@"
}

nproc_=$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 1)
fstype=$(df -T "$TMP" 2>/dev/null | awk 'NR == 2 {print $2}')
# a second output folder in memory, when there is one: the same build
# without the disk's cost of creating files
SHM=""
[ -d /dev/shm ] && [ -w /dev/shm ] && SHM=$(mktemp -d /dev/shm/reviewpack-bench-XXXXXX) \
	&& trap 'rm -rf "$TMP" "$SHM"' EXIT
echo "reviewpack bench: median of $RUNS runs, $nproc_ online CPUs, full pack written to $TMP ($fstype)"
echo
row "case" "time" "peak" "x tok" "pages/s" "goal" | sed 's/ s |/   |/; s/ MB |/    |/'
echo "|--------------------------------------|-----------|-----------|--------|----------|------------------------|"

measure "$RP" check examples/northwind
row "check example (18 partners)" "$T" "$M" "" "" ""
measure "$RP" build examples/northwind -p 2026-10 -o "$TMP/site-ex"
row "build example (18 partners)" "$T" "$M" "" "" ""

# partners, deals, goal for build, goal for check (empty: none)
pages=""
for spec in "100 1000000 - -" "1000 1000000 <=1.0s,<=150MB <=0.5s" "20000 1000000 <=5s,<=400MB -"; do
	set -- $spec
	np=$1 nd=$2 gb=$3 gc=$4
	d="$TMP/data-$np"
	$GEN --out "$d" --partners "$np" --deals "$nd" --months 24 --seed 7
	measure "$TOK" "$d/deals.csv"
	tok=$T
	measure "$RP" check "$d"
	tc=$T
	[ "$gc" = - ] && gc=""
	row "check $np partners, $nd deals" "$T" "$M" "$(ratio "$T" "$tok")" "" "$gc"
	measure "$RP" build "$d" -o "$TMP/site-$np"
	[ "$gb" = - ] && gb=""
	pps=$(awk -v n="$np" -v b="$T" -v c="$tc" 'BEGIN {printf "%.0f", (b > c) ? n / (b - c) : 0}')
	row "build $np partners, $nd deals" "$T" "$M" "$(ratio "$T" "$tok")" "$pps" "$gb"
	pages="$pages $np:$(awk -v b="$T" -v c="$tc" 'BEGIN {printf "%.3f", b - c}')"
	if [ "$np" = 20000 ] && [ -n "$SHM" ]; then
		measure "$RP" build "$d" -o "$SHM/site"
		row "  the same, OUT in memory (tmpfs)" "$T" "$M" "$(ratio "$T" "$tok")" \
			"$(awk -v n="$np" -v b="$T" -v c="$tc" 'BEGIN {printf "%.0f", (b > c) ? n / (b - c) : 0}')" ""
		rm -rf "$SHM/site"
	fi
	row "  libcsv tokenizer, deals.csv" "$tok" "" "1.0" "" ""
	rm -rf "$d" "$TMP/site-$np"
done
# 4,000 partners: ids as generated, and the same ids without an ASCII
# letter or digit (CJK), which all have the same readable slug "partner"
# (slugs made unique in linear time: the two should cost the same).
d="$TMP/data-4000"
$GEN --out "$d" --partners 4000 --deals 100000 --months 24 --seed 7
cp -r "$d" "$d-cjk"
python3 - "$d-cjk" <<'PYEOF'
import csv, os, sys
def cjk(pid):  # p0001 -> 伙伴 and one ideograph per id
    return "\u4f19\u4f34" + chr(0x4e00 + int(pid[1:]))
for name in os.listdir(sys.argv[1]):
    path = os.path.join(sys.argv[1], name)
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    if "partner_id" not in rows[0]:
        continue
    col = rows[0].index("partner_id")
    for r in rows[1:]:
        if r[col]:
            r[col] = cjk(r[col])
    with open(path, "w", newline="", encoding="utf-8") as f:
        csv.writer(f, lineterminator="\n").writerows(rows)
PYEOF
measure "$RP" build "$d" -o "$TMP/site-ascii"
row "build 4000 partners, ASCII ids" "$T" "$M" "" "" ""
measure "$RP" build "$d-cjk" -o "$TMP/site-cjk"
row "build 4000 partners, CJK ids" "$T" "$M" "" "" "as ASCII ids"

echo
echo "x tok: time over libcsv alone tokenizing the same deals.csv (tests/csvtok.c)."
echo "pages/s: partners / (build time - check time on the same data), the cost of"
echo "the pages; goal: flat (within 20%) from 100 to 20,000 partners."
echo "The pack's own pages and charts cost the same at any size, so pages/s grows"
echo "with the partners; the cost of one more partner page (build - check, the"
echo "difference between two cases over the difference in partners), which the"
echo "goal asks to stay flat:"
echo "$pages" | awk '{
	for (i = 1; i <= NF; i++) { split($i, a, ":"); n[i] = a[1]; t[i] = a[2] }
	for (i = 2; i <= NF; i++)
		printf "  %s -> %s partners: %.3f ms a partner page\n", n[i-1], n[i], 1000 * (t[i] - t[i-1]) / (n[i] - n[i-1])
}'
