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
