#!/bin/sh
# End-to-end tests: golden cases (input folder -> expected files, diff -u),
# failure cases (input -> expected stderr and exit code), reproducibility,
# safe publishing (and tests/test-publish.sh), the email edition and
# sending, a generated 2,000-partner program (build/gen-example, made by
# make test-e2e), the same pack, warnings and error for any --jobs.
# usage: tests/run-e2e.sh REVIEWPACK
set -u
RP=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
cd "$(dirname "$0")/.."
TOP=$(pwd)
TMP=$(mktemp -d "${TMPDIR:-/tmp}/reviewpack-e2e-XXXXXX")
trap 'rm -rf "$TMP"' EXIT
export SOURCE_DATE_EPOCH=1793520000   # 2026-11-01 08:00 UTC
PY=/usr/bin/python3
pass=0
fail=0

ok() { pass=$((pass + 1)); echo "ok   $1"; }
bad() { fail=$((fail + 1)); echo "FAIL $1"; }

# --- golden cases: tests/golden/NAME/{data/,args,expected/} ---------------
for case in tests/golden/*/; do
	name=$(basename "$case")
	out="$TMP/golden-$name"
	args=$(cat "$case/args" 2>/dev/null || true)
	if ! "$RP" build "$case/data" -o "$out" $args 2>"$TMP/stderr"; then
		bad "golden $name: build failed"; cat "$TMP/stderr"; continue
	fi
	month=$(ls "$out" | grep -E '^[0-9]{4}-[0-9]{2}$' | head -n 1)
	good=1
	for f in $(cd "$case/expected" && find . -type f | sort); do
		if ! diff -u "$case/expected/$f" "$out/$month/$f" > "$TMP/diff"; then
			bad "golden $name: $f differs"; head -n 60 "$TMP/diff"; good=0
		fi
	done
	[ $good = 1 ] && ok "golden $name"
done

# --- failure cases: tests/fail/NAME/{data/,args,stderr,code} ---------------
for case in tests/fail/*/; do
	name=$(basename "$case")
	out="$TMP/fail-$name"
	mkdir -p "$out"
	echo "keep" > "$out/sentinel"
	args=$(cat "$case/args" 2>/dev/null || echo build)
	set -- $args
	cmd=$1; shift
	if [ "$cmd" = build ]; then set -- "$@" -o "$out"; fi
	(cd "$case" && "$RP" "$cmd" data "$@") >/dev/null 2>"$TMP/stderr" </dev/null
	code=$?
	want=$(cat "$case/code")
	if [ "$code" != "$want" ]; then
		bad "fail $name: exit $code, expected $want"; cat "$TMP/stderr"
	elif ! diff -u "$case/stderr" "$TMP/stderr" > "$TMP/diff"; then
		bad "fail $name: stderr differs"; cat "$TMP/diff"
	elif [ "$(ls -A "$out")" != "sentinel" ]; then
		bad "fail $name: wrote into OUT: $(ls -A "$out" | tr '\n' ' ')"
	else
		ok "fail $name"
	fi
done

# --- real exports: tests/exports/NAME/{raw/,plain/,args} -------------------
# Each raw/ holds files shaped as a CRM or Excel writes them and the
# program.ini that reads them; plain/ the same data converted by hand to the
# plain format. Both packs must agree on every figure.
for case in tests/exports/*/; do
	name=$(basename "$case")
	args=$(cat "$case/args")
	if "$RP" build "$case/raw" -o "$TMP/ex-$name-raw" $args 2>"$TMP/stderr" \
		&& "$RP" build "$case/plain" -o "$TMP/ex-$name-plain" $args 2>>"$TMP/stderr"; then
		month=$(ls "$TMP/ex-$name-raw" | grep -E '^[0-9]{4}-[0-9]{2}$' | head -n 1)
		if "$PY" tests/compare_metrics.py "$TMP/ex-$name-raw/$month/metrics.json" \
			"$TMP/ex-$name-plain/$month/metrics.json" > "$TMP/cmp" 2>&1; then
			ok "export $name: every figure equals the hand-converted plain files'"
		else bad "export $name: figures differ from the plain files'"; cat "$TMP/cmp"; fi
	else
		bad "export $name: build failed"; cat "$TMP/stderr"
	fi
done

# --- the Salesforce example: raw exports, the same figures as in plain form --
# (its 324 EUR and 201 GBP deals each converted at its month's rate of fx.csv)
GEN=build/gen-example
"$GEN" --salesforce --out "$TMP/sf-gen" && "$GEN" --salesforce --plain --out "$TMP/sf-plain" \
	|| bad "gen-example --salesforce"
if diff -r examples/salesforce "$TMP/sf-gen" > "$TMP/diff"; then
	ok "examples/salesforce is what gen-example --salesforce writes"
else bad "examples/salesforce differs from gen-example --salesforce"; head -n 20 "$TMP/diff"; fi
if "$RP" build examples/salesforce -p 2026-10 -o "$TMP/sf-a" 2>"$TMP/stderr" \
	&& "$RP" build "$TMP/sf-plain" -p 2026-10 -o "$TMP/sf-b" 2>>"$TMP/stderr" \
	&& "$PY" tests/compare_metrics.py "$TMP/sf-a/2026-10/metrics.json" "$TMP/sf-b/2026-10/metrics.json" \
		> "$TMP/cmp" 2>&1 \
	&& "$PY" -c "import json,sys; j=json.load(open(sys.argv[1])); \
rate = {'EUR': 1.0825, 'GBP': 1.27}; \
assert all(f['month'] and f['rate'] == rate[f['currency']] for f in j['fx']), j['fx']; \
rows = {c: sum(f['rows'] for f in j['fx'] if f['currency'] == c) for c in rate}; \
assert rows == {'EUR': 324, 'GBP': 201}, rows; \
assert len(j['data_quality']['footers']) == 7" "$TMP/sf-a/2026-10/metrics.json"; then
	ok "examples/salesforce builds, and every figure equals the same data in plain form"
else bad "examples/salesforce"; cat "$TMP/stderr" "$TMP/cmp"; fi

# --- absurd input: a clear message, exit 1, nothing written, no hang ---------
limit_case() { # name, expected stderr line, python code appending to $L/deals.csv
	L="$TMP/limit-$1"; mkdir -p "$L/out"; cp -r tests/fail/bad-period/data "$L/data"
	"$PY" -c "$3" "$L/data/deals.csv"
	timeout 60 "$RP" build "$L/data" -o "$L/out" >/dev/null 2>"$TMP/stderr"; c=$?
	if [ $c = 1 ] && grep -q -F -- "$2" "$TMP/stderr" && [ -z "$(ls -A "$L/out")" ]; then ok "limit $1"
	else bad "limit $1: exit $c"; head -c 600 "$TMP/stderr"; fi
}
limit_case "1 MB field" "deals.csv:4:3: field is longer than 64 KiB" \
	"import sys; open(sys.argv[1],'a').write('d9,p1,'+'A'*1000000+',Sam,2026-08-01,2026-10-05,won,1,sourced,\\n')"
limit_case "100,000 columns" "deals.csv:4: row has more than 10000 columns" \
	"import sys; open(sys.argv[1],'a').write(','.join(['x']*100000)+'\\n')"
limit_case "unterminated 3 MB quote" "deals.csv:4:3: field is longer than 64 KiB" \
	"import sys; open(sys.argv[1],'a').write('d9,p1,\"'+'A'*3000000)"

# --- the example: reproducible, complete --------------------------------
"$RP" build examples/northwind -p 2026-10 -o "$TMP/a" 2>"$TMP/stderr" || { bad "example build"; cat "$TMP/stderr"; }
"$RP" build examples/northwind -p 2026-10 -o "$TMP/b" 2>"$TMP/stderr" || bad "example build (2)"
if diff -r "$TMP/a" "$TMP/b" > "$TMP/diff"; then ok "example pack is byte-for-byte reproducible"
else bad "example pack differs between two builds"; head -n 20 "$TMP/diff"; fi
for f in index.html tiers.html attribution.html governance.html partners/index.html \
	data-quality.html glossary.html metrics.json pack.eml md/index.md; do
	[ -s "$TMP/a/2026-10/$f" ] || bad "example: $f missing"
done
[ -s "$TMP/a/index.html" ] && [ -s "$TMP/a/assets/style.css" ] && ok "example: archive and stylesheet" || bad "example: archive or stylesheet missing"
if grep -rlE '(src|href)="(https?:)?//' "$TMP/a" --include='*.html' --include='*.css' | grep -v pack.eml > "$TMP/ext"; then
	bad "example: external reference in $(cat "$TMP/ext" | tr '\n' ' ')"
else ok "example: no external requests in pages"; fi
for p in 2026-10 2026-09; do
	"$RP" build examples/northwind -p $p -o "$TMP/x" 2>/dev/null
	if "$PY" tests/crosscheck.py examples/northwind "$TMP/x/$p/metrics.json" > "$TMP/cross" 2>&1; then
		ok "example $p: every figure agrees with an independent computation"
	else bad "example $p: figures differ from the independent computation"; cat "$TMP/cross"; fi
done
ls "$TMP/a/2026-10/charts/"*.svg >/dev/null 2>&1 && ls "$TMP/a/2026-10/charts/"*.png >/dev/null 2>&1 && ok "example: SVG and PNG charts" || bad "example: charts missing"

# --- check, --templates, --skip-bad-rows ----------------------------------
"$RP" check examples/northwind > "$TMP/check" 2>&1; c=$?
if [ $c = 0 ] && grep -q "deals.csv *3,000 rows\|deals.csv *3000 rows" "$TMP/check" && grep -q "default period: 2026-10" "$TMP/check" \
	&& grep -q "Strategic (strategic, rank 1): 6" "$TMP/check" && grep -q "Core (core, rank 2): 13" "$TMP/check"; then
	ok "check prints the summary of the example"
else bad "check: exit $c"; cat "$TMP/check"; fi
T="$TMP/tpl"; mkdir -p "$T"
printf '# Custom summary for {{program.name}}\n\nMarker {{period.label}}.\n' > "$T/index.md"
if "$RP" build examples/northwind -p 2026-10 -o "$TMP/t" --templates "$T" 2>"$TMP/stderr" \
	&& grep -q "Marker October 2026" "$TMP/t/2026-10/index.html" \
	&& grep -q "Tier performance" "$TMP/t/2026-10/tiers.html"; then
	ok "--templates overrides one template; the others fall back to the defaults"
else bad "--templates"; cat "$TMP/stderr"; fi
# Strict templates: a name that resolves to nothing is a warning, once per
# name and template, in the user's templates (partner.md renders once per
# partner, its typo is reported once; health.md is a user partial inside a
# default page) and the build goes on; in a default template it is an error
# (status-badge.html placed where no status exists) and nothing is written.
W="$TMP/tpl-typo"; mkdir -p "$W"
printf '# {{program.nme}}\n\n{{program.nme}} {{period.label}}\n\n{{> health}}\n' > "$W/index.md"
printf '# {{partner.name}} {{partner.tier_lable}}\n' > "$W/partner.md"
printf 'Health: {{helth}}\n' > "$W/health.md"
if "$RP" build examples/northwind -p 2026-10 -o "$TMP/w" --templates "$W" 2>"$TMP/stderr" \
	&& [ "$(grep -c 'warning: template index.md: line 1: no value for "program.nme"' "$TMP/stderr")" = 1 ] \
	&& [ "$(grep -c 'warning: template partner.md: line 1: no value for "partner.tier_lable"' "$TMP/stderr")" = 1 ] \
	&& [ "$(grep -c 'warning: template health.md: line 1: no value for "helth"' "$TMP/stderr")" = 1 ] \
	&& [ "$(grep -c '^reviewpack:' "$TMP/stderr")" = 3 ] && grep -q "October 2026" "$TMP/w/2026-10/index.html"; then
	ok "--templates: an unresolved name warns once per name and template, the build goes on"
else bad "--templates: unresolved names"; cat "$TMP/stderr"; fi
printf '{{#moved.tiers}}{{> status-badge.html}}{{/moved.tiers}}\n' > "$W/index.md"
rm -f "$W/partner.md" "$W/health.md"
"$RP" build examples/northwind -p 2026-10 -o "$TMP/w2" --templates "$W" 2>"$TMP/stderr"; c=$?
if [ $c != 0 ] && grep -q 'template index.md: partial "status-badge.html": line 1: no value for "status"' "$TMP/stderr" \
	&& [ ! -e "$TMP/w2" ]; then
	ok "a default template's unresolved name is an error and nothing is written"
else bad "strict default templates: exit $c"; cat "$TMP/stderr"; fi
# The example, the hostile names and partners without a manager render
# every default template (pages, partials, email) in strict mode with
# nothing unresolved and no warning.
M="$TMP/no-managers"; cp -r tests/fail/bad-period/data "$M"   # no manager: null in the context
sed -i 's/Ann Lee//' "$M/partners.csv"
for d in examples/northwind tests/data/hostile "$M"; do
	if "$RP" build "$d" -p 2026-10 -o "$TMP/strict-$(basename "$d")" 2>"$TMP/stderr" && ! grep -q '^reviewpack:' "$TMP/stderr"; then
		ok "strict: every default template renders for $d"
	else bad "strict: $d"; cat "$TMP/stderr"; fi
done
K="$TMP/skip-data"; cp -r tests/fail/bad-period/data "$K"
sed -i 's/^\[program\]$/[program]\nmax_skipped_share = 0.5/' "$K/program.ini"   # 2 of 4 rows
printf 'd3,p1,Acme,Sam,2026-10-02,2026-10-01,won,100,sourced,\nd4,p1,Acme,Sam,2026-10-02,2026-10-20,won,12x,sourced,\n' >> "$K/deals.csv"
if "$RP" build "$K" -o "$TMP/k" --skip-bad-rows 2>"$TMP/stderr" \
	&& grep -q "deals.csv:4:6: closed_on" "$TMP/k/2026-10/data-quality.html" \
	&& grep -q "deals.csv:5:8: bad amount" "$TMP/k/2026-10/data-quality.html" \
	&& "$PY" -c "import json,sys; j=json.load(open(sys.argv[1])); assert len(j['data_quality']['skipped']) == 2; assert j['totals']['month']['won_deals'] == 1" "$TMP/k/2026-10/metrics.json"; then
	ok "--skip-bad-rows drops the bad rows and lists them on the data-quality page and in metrics.json"
else bad "--skip-bad-rows"; cat "$TMP/stderr"; fi

# --- the command line beyond tests/fail: no command, no folder, help --------
usage_case() { # expected exit, text expected in stdout+stderr, arguments...
	want=$1; text=$2; shift 2
	"$RP" "$@" >"$TMP/usage" 2>&1 </dev/null; c=$?
	if [ $c = "$want" ] && grep -q -F -- "$text" "$TMP/usage"; then ok "command line: $* -> exit $want"
	else bad "command line: $*: exit $c"; cat "$TMP/usage"; fi
}
usage_case 2 'reviewpack: missing command'
usage_case 2 'reviewpack: build needs a folder' build
usage_case 0 'Exit codes: 0 ok' --help
usage_case 0 'reviewpack 1.0.0' -V
usage_case 0 '-j, --jobs N' --help
usage_case 2 'reviewpack: bad --jobs "0"' build examples/northwind -j 0
usage_case 2 'reviewpack: --jobs goes with build, not check' check examples/northwind --jobs 2
epoch=$SOURCE_DATE_EPOCH; SOURCE_DATE_EPOCH=soon
usage_case 0 'reviewpack: ignoring bad SOURCE_DATE_EPOCH "soon"' \
	build tests/data/hostile -p 2026-10 -o "$TMP/epoch" --verbose
SOURCE_DATE_EPOCH=$epoch
grep -q 'reviewpack: loading data' "$TMP/usage" && ok "--verbose prints progress" || bad "--verbose: no progress line"

# --- email edition --------------------------------------------------------
if [ -x "$PY" ] && "$PY" -c 'import email' 2>/dev/null; then
	# The sentence from the example's figures (SPEC 4.7, 4.6): partner won
	# revenue 2,941,813.50 -> 2,325,580.75 is -20.9%; Core -500,331 and
	# Strategic -115,901.25 both fell (Core more); attribution is the first
	# part not green.
	headline='Partner won revenue fell 20.9% to $2.3M; Core fell $500K and Strategic $116K; next fix: attribution and incentives.'
	if "$PY" tests/check_eml.py "$TMP/a/2026-10/pack.eml" \
		--expect-text "Partner won revenue" --expect-text "Next fix" --expect-text "$headline" \
		--expect-subject 'Northwind Co-Sell Program review pack, October 2026: $2.3M partner won (−20.9%)' \
		--expect-from-name 'Northwind Co-Sell Program' --expect-preheader "$headline" \
		--expect-button 'https://intranet.northwind.example/partners/reviews/2026-10/index.html' \
		--max-actions 10 > "$TMP/eml" 2>&1; then
		ok "pack.eml parsed by a MIME parser: subject, sender name, preheader, button"
	else bad "pack.eml structure"; cat "$TMP/eml"; fi
	if grep -q -F "$headline" "$TMP/a/2026-10/index.html" && "$PY" tests/check_actions.py "$TMP/a/2026-10" > "$TMP/act" 2>&1; then
		ok "example: the summary's sentence and its actions agree with metrics.json"
	else bad "example: summary sentence or actions"; cat "$TMP/act"; fi
	if sh tests/test-send.sh "$RP" "$TMP/a/2026-10/pack.eml" > "$TMP/send" 2>&1; then ok "send to a local SMTP server"
	else bad "send"; cat "$TMP/send"; fi
else
	bad "python3 with the email package is needed (make deps)"
fi

# --- hostile names: shown literally, nothing injected ----------------------
H="$TMP/hostile"
if "$RP" build tests/data/hostile -p 2026-10 -o "$H" 2>"$TMP/stderr"; then
	pages=$(find "$H" -name '*.html')
	hostile_ok=1
	# the one script of the pack is the partners index's sort script, whose
	# <script> tag stands alone on its line (templates/sort-table.html)
	if grep -n -F -- '<script' $pages | grep -v ':<script>$' > "$TMP/hits"; then
		bad "hostile: '<script' reached $(head -n 1 "$TMP/hits" | cut -d: -f1)"; hostile_ok=0
	fi
	for pat in '<img src=x' 'href="javascript' "href='javascript" '<b>tier' '<em>x</em>' \
		'<a href="http://evil' '<a href="http://www.evil'; do
		if grep -l -F -- "$pat" $pages > "$TMP/hits"; then
			bad "hostile: '$pat' reached $(head -n 1 "$TMP/hits")"; hostile_ok=0
		fi
	done
	if grep -l -E -- '<[^>]*[[:space:]]on[a-z]+=' $pages > "$TMP/hits"; then
		bad "hostile: an event-handler attribute reached $(head -n 1 "$TMP/hits")"; hostile_ok=0
	fi
	for lit in '&lt;script&gt;alert(1)&lt;/script&gt;' '{{name}}' '日本 パートナー' '| pipe | cell' \
		'*x* _y_ `z`' '[a](javascript:alert(1))' '{{{raw}}} {{#s}}x{{/s}} &amp;amp; www.evil.example' \
		'Quote &quot; and, comma' '../../x'; do
		grep -q -F -- "$lit" "$H/2026-10/partners/index.html" "$H/2026-10/governance.html" 2>/dev/null \
			|| { bad "hostile: '$lit' not shown literally"; hostile_ok=0; }
	done
	# a deal's account on its partner's page, shown literally
	grep -q -F -- 'Acme &lt;img src=x onerror=alert(1)&gt; | *bold*' "$H/2026-10/partners/p1.html" \
		|| { bad "hostile: the account name is not shown literally on the partner page"; hostile_ok=0; }
	[ "$(find "$H" -type f | grep -v "^$H/2026-10/\|^$H/assets/\|^$H/index.html$\|^$H/.reviewpack.lock$" | wc -l)" = 0 ] \
		|| { bad "hostile: a file outside the month folder"; hostile_ok=0; }
	if ! "$PY" - $pages > "$TMP/tables" 2>&1 <<'PYEOF'
import html.parser, sys
class T(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(); self.tables = []; self.row = None
    def handle_starttag(self, tag, attrs):
        if tag == 'table': self.tables.append([])
        elif tag == 'tr': self.row = 0
        elif tag in ('td', 'th') and self.row is not None: self.row += 1
    def handle_endtag(self, tag):
        if tag == 'tr' and self.tables: self.tables[-1].append(self.row); self.row = None
bad = 0
for path in sys.argv[1:]:
    text = open(path, encoding='utf-8').read()
    t = T(); t.feed(text)
    for rows in t.tables:
        if rows and len(set(rows)) != 1:
            print(f"{path}: table rows of {sorted(set(rows))} cells"); bad = 1
    if '&lt;img class=&quot;chart' in text or '&lt;figure' in text:
        print(f"{path}: a chart's own HTML was cut and shown as text"); bad = 1
    sparks = text.count('<img class="chart"')
    if path.endswith('/partners/index.html') and sparks != 6:
        print(f"{path}: {sparks} sparklines for 6 partners"); bad = 1
sys.exit(bad)
PYEOF
	then bad "hostile: a value split or ended a table row"; cat "$TMP/tables"; hostile_ok=0; fi
	[ $hostile_ok = 1 ] && ok "hostile names shown literally in every page, nothing injected"
	if "$PY" - "$H/2026-10/pack.eml" <<'PYEOF'
import email, email.policy, sys
raw = open(sys.argv[1], 'rb').read()
head = raw.split(b'\r\n\r\n', 1)[0]
for line in head.split(b'\r\n'):
    assert not line.lower().startswith((b'bcc', b'cc:')), line
msg = email.message_from_bytes(raw, policy=email.policy.default)
assert '<script>alert(1)</script> *x*' in msg['subject'], msg['subject']
PYEOF
	then ok "hostile program name is one encoded Subject, no injected header"; else bad "hostile pack.eml headers"; fi
	if "$PY" tests/check_eml.py "$H/2026-10/pack.eml" --expect-no-button \
		--expect-from-name '<script>alert(1)</script> *x* {{name}} | pipe' > "$TMP/eml" 2>&1; then
		ok "hostile program name is the From display name, read back whole"
	else bad "hostile pack.eml From"; cat "$TMP/eml"; fi
else
	bad "hostile: build failed"; cat "$TMP/stderr"
fi

# --- a large program: the summary and the email keep their size ------------
G="$TMP/large"
if build/gen-example --out "$G/data" --partners 2000 --deals 20000 --months 12 --seed 7 >/dev/null; then
	if "$RP" build "$G/data" -o "$G/site" 2>"$TMP/stderr"; then
		if "$PY" tests/check_actions.py "$G/site/2026-10" > "$TMP/act" 2>&1; then
			ok "2,000 partners: at most 10 actions on the summary, every action on actions.html"
		else bad "2,000 partners: actions"; cat "$TMP/act"; fi
		if "$PY" tests/check_eml.py "$G/site/2026-10/pack.eml" --max-actions 10 > "$TMP/eml" 2>&1; then
			ok "2,000 partners: the email holds at most 10 actions and its HTML is under 100 KB"
		else bad "2,000 partners: email"; cat "$TMP/eml"; fi
		# the summary's Markdown has the example's shape: a few lines more at most
		small=$(wc -l < "$TMP/a/2026-10/md/index.md"); large=$(wc -l < "$G/site/2026-10/md/index.md")
		if [ "$large" -le $((small + 5)) ]; then ok "2,000 partners: the summary is as long as the example's ($large and $small lines)"
		else bad "2,000 partners: the summary has $large lines, the example's $small"; fi
	else bad "2,000 partners: build failed"; cat "$TMP/stderr"; fi
else bad "2,000 partners: cannot generate the data"; fi

# --- threads: the same pack, warnings and error for any --jobs --------------
# Whole folders compared: the example and the 2,000-partner program built
# on 1, 2 and 7 threads.
for case in "example:examples/northwind" "2,000 partners:$G/data"; do
	name=${case%%:*}
	data=${case#*:}
	same=1
	for j in 1 2 7; do
		rm -rf "$TMP/jobs-$j"
		"$RP" build "$data" -p 2026-10 -o "$TMP/jobs-$j" --jobs $j 2>"$TMP/stderr" \
			|| { bad "$name: build with --jobs $j failed"; cat "$TMP/stderr"; same=0; }
	done
	for j in 2 7; do
		diff -r "$TMP/jobs-1" "$TMP/jobs-$j" > "$TMP/diff" \
			|| { bad "$name: --jobs $j differs from --jobs 1"; head -n 20 "$TMP/diff"; same=0; }
	done
	[ $same = 1 ] && ok "$name: --jobs 1, 2 and 7 make the same folder byte for byte"
	rm -rf "$TMP/jobs-1" "$TMP/jobs-2" "$TMP/jobs-7"
done
# Warnings in page order, each once, whatever thread rendered the page: a
# user's index.md, glossary.md and partner.md with names that resolve to
# nothing (partner.md's on every partner page).
J="$TMP/tpl-jobs"; mkdir -p "$J"
printf '# {{program.nme}}\n' > "$J/index.md"
printf '# Glossary {{glossary_typo}}\n' > "$J/glossary.md"
printf '# {{partner.name}} {{partner.nickname}}\n{{#partner.flag_list}}{{flag_typo}}{{/partner.flag_list}}\n' > "$J/partner.md"
warned=1
for j in 1 2 7; do
	"$RP" build "$G/data" -p 2026-10 -o "$TMP/jw-$j" --templates "$J" -j $j 2>"$TMP/stderr" \
		|| { bad "warnings with --jobs $j: build failed"; cat "$TMP/stderr"; warned=0; }
	grep '^reviewpack:' "$TMP/stderr" > "$TMP/warn-$j" # (not a sanitizer's report)
	rm -rf "$TMP/jw-$j"
done
if [ $warned = 1 ] && cmp -s "$TMP/warn-1" "$TMP/warn-2" && cmp -s "$TMP/warn-1" "$TMP/warn-7" \
	&& [ "$(sed 's/^reviewpack: warning: template \([^:]*\): line [0-9]*: no value for "\([^"]*\)".*/\1 \2/' "$TMP/warn-1" | tr '\n' ' ')" \
		= "index.md program.nme glossary.md glossary_typo partner.md partner.nickname partner.md flag_typo " ]; then
	ok "warnings come once each, in page order, the same for --jobs 1, 2 and 7"
else bad "warnings differ between --jobs 1, 2 and 7"; head -n 8 "$TMP/warn-1" "$TMP/warn-2" "$TMP/warn-7"; fi
# The first failing page in page order is the error reported: tiers.md
# fails (a default partial with no value for its name), and so does every
# partner page, rendered meanwhile on other threads.
E="$TMP/tpl-error"; mkdir -p "$E"
printf '{{#tiers}}{{> status-badge.html}}{{/tiers}}\n' > "$E/tiers.md"
printf '{{#partner}}{{> status-badge.html}}{{/partner}}\n' > "$E/partner.md"
errs=1
for j in 1 2 7; do
	"$RP" build "$G/data" -p 2026-10 -o "$TMP/je-$j" --templates "$E" -j $j 2>"$TMP/stderr"; c=$?
	grep '^reviewpack:' "$TMP/stderr" > "$TMP/err-$j"
	[ $c = 1 ] && [ ! -e "$TMP/je-$j" ] || { bad "error with --jobs $j: exit $c, or OUT written"; errs=0; }
done
if [ $errs = 1 ] && cmp -s "$TMP/err-1" "$TMP/err-2" && cmp -s "$TMP/err-1" "$TMP/err-7" \
	&& [ "$(cat "$TMP/err-1")" = 'reviewpack: template tiers.md: partial "status-badge.html": line 1: no value for "status"' ]; then
	ok "a failing build reports the first failing page's error, exit 1, OUT not made, for --jobs 1, 2 and 7"
else bad "the error reported differs between --jobs 1, 2 and 7"; cat "$TMP/err-1" "$TMP/err-2" "$TMP/err-7"; fi

# --- safe publishing ------------------------------------------------------
S="$TMP/site"
"$RP" build examples/northwind -p 2026-09 -o "$S" 2>/dev/null && "$RP" build examples/northwind -p 2026-10 -o "$S" 2>/dev/null \
	|| bad "publishing: two months"
(cd "$S" && find . -type f -exec sha256sum {} + | sort) > "$TMP/before"
cp -r examples/northwind "$TMP/broken-data"
printf 'd-broken,,,,2026-10-01,2026-10-02,won,12x,,\n' >> "$TMP/broken-data/deals.csv"
"$RP" build "$TMP/broken-data" -p 2026-10 -o "$S" 2>/dev/null; c1=$?
mkdir -p "$TMP/broken-tpl"; printf '# {{#unclosed}}\n' > "$TMP/broken-tpl/index.md"
"$RP" build examples/northwind -p 2026-10 -o "$S" --templates "$TMP/broken-tpl" 2>/dev/null; c2=$?
(cd "$S" && find . -type f -exec sha256sum {} + | sort) > "$TMP/after"
if [ $c1 = 1 ] && [ $c2 != 0 ] && diff -u "$TMP/before" "$TMP/after" >/dev/null && [ "$(ls -A "$S" | grep '^\.')" = .reviewpack.lock ]; then
	ok "publishing: bad data and a broken template leave both months and the archive intact"
else bad "publishing: exit $c1/$c2 or OUT changed"; diff -u "$TMP/before" "$TMP/after" | head; ls -A "$S"; fi
grep -q '2026-09/index.html' "$S/index.html" && grep -q '2026-10/index.html' "$S/index.html" \
	&& ok "archive lists both months" || bad "archive does not list both months"
echo "a file, not a folder" > "$TMP/afile"
"$RP" build examples/northwind -o "$TMP/afile/site" 2>"$TMP/stderr"; c=$?
if [ $c = 3 ] && grep -q "afile" "$TMP/stderr"; then ok "unwritable OUT exits 3 naming the path"
else bad "unwritable OUT: exit $c"; cat "$TMP/stderr"; fi

# links, refusals, the lock, concurrent, failed and killed builds
if sh tests/test-publish.sh "$RP" > "$TMP/publish" 2>&1; then ok "publishing (tests/test-publish.sh)"
else bad "publishing (tests/test-publish.sh)"; fi
grep -E '^(ok|FAIL) ' "$TMP/publish" | sed 's/^/     /'
grep -vE '^(ok|FAIL|publishing:) |^-+$|^Suppressions used:|^ *count +bytes|libfontconfig|^$' "$TMP/publish" | head -n 40

# --- init -----------------------------------------------------------------
if sh tests/test-init.sh "$RP" "$TMP"; then ok "init end-to-end"; else bad "init end-to-end"; fi

echo "$pass passed, $fail failed"
[ $fail = 0 ]
