#!/bin/sh
# Rewrites the expected files of every golden case (tests/golden/NAME/) from
# the current build, after an intended change to the pages or figures.
# Review the diff before committing it: it is the change users will see.
# usage: tests/update-golden.sh REVIEWPACK
set -eu
RP=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
cd "$(dirname "$0")/.."
TMP=$(mktemp -d "${TMPDIR:-/tmp}/reviewpack-golden-XXXXXX")
trap 'rm -rf "$TMP"' EXIT
export SOURCE_DATE_EPOCH=1793520000   # as in run-e2e.sh
for case in tests/golden/*/; do
	name=$(basename "$case")
	args=$(cat "$case/args" 2>/dev/null || true)
	"$RP" build "$case/data" -o "$TMP/$name" $args
	month=$(ls "$TMP/$name" | grep -E '^[0-9]{4}-[0-9]{2}$' | head -n 1)
	rm -rf "$case/expected"
	mkdir -p "$case/expected"
	(cd "$TMP/$name/$month" && find . -type f \( -name '*.html' -o -name '*.md' -o -name metrics.json \) \
		-exec cp --parents {} "$OLDPWD/$case/expected/" \;)
	echo "updated $case/expected"
done
