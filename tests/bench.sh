#!/bin/sh
# Benchmark: time and peak memory (/usr/bin/time) of check and build on the
# example and on generated data sets up to 1,000,000 deals.
# usage: tests/bench.sh REVIEWPACK GENERATOR
set -eu
RP=$1
GEN=$2
TMP=$(mktemp -d "${TMPDIR:-/tmp}/reviewpack-bench-XXXXXX")
trap 'rm -rf "$TMP"' EXIT
export SOURCE_DATE_EPOCH=1793520000
TIME=/usr/bin/time
[ -x $TIME ] || { echo "bench: /usr/bin/time is needed (Debian package time)" >&2; exit 1; }

measure() { # label, command...
	label=$1; shift
	$TIME -f "%e %M" -o "$TMP/t" "$@" >/dev/null 2>"$TMP/err" || { cat "$TMP/err"; exit 1; }
	set -- $(tail -n 1 "$TMP/t")
	printf '%-44s %8.2f s %9.1f MB\n' "$label" "$1" "$(echo "$2" | awk '{print $1/1024}')"
}

measure "check examples/northwind" "$RP" check examples/northwind
measure "build examples/northwind (full pack)" "$RP" build examples/northwind -p 2026-10 -o "$TMP/site"
for spec in "100 100000" "1000 1000000"; do
	set -- $spec
	d="$TMP/data-$2"
	$GEN --out "$d" --partners "$1" --deals "$2" --months 24 --seed 7
	size=$(du -sm "$d" | cut -f1)
	echo "data set: $1 partners, $2 deals, ${size} MB on disk"
	measure "check ($2 deals)" "$RP" check "$d"
	measure "build ($2 deals, $1 partners)" "$RP" build "$d" -o "$TMP/site-$2"
done

# 4,000 partners: ids as generated, and the same ids without an ASCII
# letter or digit (CJK), which all have the same readable slug "partner".
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
measure "build (4,000 partners, ASCII ids)" "$RP" build "$d" -o "$TMP/site-ascii"
measure "build (4,000 partners, CJK ids)" "$RP" build "$d-cjk" -o "$TMP/site-cjk"
