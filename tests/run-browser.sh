#!/bin/sh
# Browser tests of the generated site: builds the example pack for two months
# into a temporary folder and opens every page in headless Chromium
# (tests/browser_check.py), after proving on a site with known defects that
# each check reports them; then the email edition at a phone's and a
# desktop's width.
# usage: tests/run-browser.sh REVIEWPACK
set -u
if [ $# -ne 1 ]; then
	echo "usage: tests/run-browser.sh REVIEWPACK" >&2
	exit 2
fi
RP=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
cd "$(dirname "$0")/.."
PY=/usr/bin/python3
if [ ! -x /usr/bin/chromium ]; then
	echo "run-browser: /usr/bin/chromium is missing; 'make deps' installs Debian's chromium" >&2
	exit 1
fi
if [ ! -x "$PY" ]; then
	echo "run-browser: $PY is missing; 'make deps' installs Debian's python3" >&2
	exit 1
fi
TMP=$(mktemp -d "${TMPDIR:-/tmp}/reviewpack-browser-XXXXXX")
trap 'rm -rf "$TMP"' EXIT
trap 'exit 1' INT TERM HUP
export SOURCE_DATE_EPOCH=1793520000   # 2026-11-01 08:00 UTC

echo "== browser check self-test"
"$PY" tests/browser_check.py --self-test || exit 1

echo "== building examples/northwind for 2026-10 and 2026-09"
for p in 2026-10 2026-09; do
	if ! "$RP" build examples/northwind -p "$p" -o "$TMP/site"; then
		echo "FAIL build of examples/northwind for $p" >&2
		exit 1
	fi
done

echo "== browser check of the site"
"$PY" tests/browser_check.py "$TMP/site" || exit 1

echo "== the email edition at 390 and 600 px"
"$PY" tests/browser_check.py --email "$TMP/site/2026-10/pack.eml"
