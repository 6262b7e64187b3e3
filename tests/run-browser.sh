#!/bin/sh
# Browser tests of the generated site (tests/browser_check.py): first proves
# on a site with known defects that each check reports them; then the
# example pack (two months) with every page opened in headless Chromium at
# 1366 and 390 px, light and dark, with axe-core's WCAG 2.1 AA rules, the
# printed page counts of the summary, tiers and governance (A4 and Letter);
# then a generated program of 2,000 partners: every page checked statically,
# every page but the partner pages opened in the browser with a sample of 20
# partner pages, governance under 6,000 px tall; then the email edition at a
# phone's and a desktop's width.
#
# axe-core is a test tool only: installed with npm into build/npm/ (a cache
# the next run reuses). When npm cannot install it, the run fails saying so;
# REVIEWPACK_SKIP_AXE=1 runs everything else and says loudly that the
# accessibility rules were not checked.
# usage: tests/run-browser.sh REVIEWPACK
set -u
if [ $# -ne 1 ]; then
	echo "usage: tests/run-browser.sh REVIEWPACK" >&2
	exit 2
fi
RP=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
cd "$(dirname "$0")/.."
ROOT=$(pwd)
PY=/usr/bin/python3
AXE_VERSION=4.14.1
if [ ! -x /usr/bin/chromium ]; then
	echo "run-browser: /usr/bin/chromium is missing; 'make deps' installs Debian's chromium" >&2
	exit 1
fi
for tool in "$PY" /usr/bin/pdfinfo; do
	if [ ! -x "$tool" ]; then
		echo "run-browser: $tool is missing; 'make deps' installs it" >&2
		exit 1
	fi
done
TMP=$(mktemp -d "${TMPDIR:-/tmp}/reviewpack-browser-XXXXXX")
trap 'rm -rf "$TMP"' EXIT
trap 'exit 1' INT TERM HUP
export SOURCE_DATE_EPOCH=1793520000   # 2026-11-01 08:00 UTC
fail=0

# --- axe-core, for the accessibility rules ---------------------------------
AXE="$ROOT/build/npm/axe-$AXE_VERSION/node_modules/axe-core/axe.min.js"
AXE_ARG=""
if [ "${REVIEWPACK_SKIP_AXE:-}" = 1 ]; then
	echo "run-browser: WARNING: REVIEWPACK_SKIP_AXE=1: the WCAG 2.1 AA rules (axe-core) are NOT checked" >&2
elif [ ! -f "$AXE" ]; then
	echo "== installing axe-core $AXE_VERSION with npm into build/npm (test tool only)"
	if ! command -v npm >/dev/null 2>&1; then
		echo "run-browser: npm is missing, so axe-core cannot be installed and the WCAG 2.1 AA rules" \
		     "cannot be checked; it comes with the machine's Node.js (set REVIEWPACK_SKIP_AXE=1 to run the rest)" >&2
		exit 1
	fi
	mkdir -p "$ROOT/build/npm/axe-$AXE_VERSION"
	if ! npm install --no-audit --no-fund --no-save --cache "$ROOT/build/npm/cache" \
		--prefix "$ROOT/build/npm/axe-$AXE_VERSION" "axe-core@$AXE_VERSION" >"$TMP/npm" 2>&1 \
		|| [ ! -f "$AXE" ]; then
		cat "$TMP/npm" >&2
		echo "run-browser: npm could not install axe-core $AXE_VERSION (is the npm registry" \
		     "reachable?), so the WCAG 2.1 AA rules cannot be checked: failing rather than passing" \
		     "without them (set REVIEWPACK_SKIP_AXE=1 to run the rest)" >&2
		exit 1
	fi
fi
[ "${REVIEWPACK_SKIP_AXE:-}" = 1 ] || AXE_ARG="--axe $AXE"

echo "== browser check self-test"
"$PY" tests/browser_check.py --self-test $AXE_ARG || exit 1

echo "== building examples/northwind for 2026-10 and 2026-09"
for p in 2026-10 2026-09; do
	if ! "$RP" build examples/northwind -p "$p" -o "$TMP/site"; then
		echo "FAIL build of examples/northwind for $p" >&2
		exit 1
	fi
done

echo "== browser check of the example (every page, both widths and themes, axe-core, print)"
"$PY" tests/browser_check.py "$TMP/site" $AXE_ARG --heights \
	--print index.html=2 --print tiers.html=2 --print governance.html=3 || fail=1

echo "== a generated program of 2,000 partners"
if ! make -s build/gen-example >/dev/null; then
	echo "FAIL build of the example generator" >&2
	exit 1
fi
build/gen-example --out "$TMP/big" --partners 2000 --deals 60000 --months 18 --seed 7 || exit 1
if ! "$RP" build "$TMP/big" -o "$TMP/big-site"; then
	echo "FAIL build of the 2,000-partner program" >&2
	exit 1
fi
"$PY" tests/browser_check.py "$TMP/big-site" --sample-partners 20 --heights \
	--max-height governance.html=6000 || fail=1

echo "== the email edition at 390 and 600 px"
"$PY" tests/browser_check.py --email "$TMP/site/2026-10/pack.eml" || fail=1
exit $fail
