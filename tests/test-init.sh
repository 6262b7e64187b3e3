#!/bin/sh
# End-to-end tests of `reviewpack init`: the refusal to replace a
# program.ini, --force and its copies, a folder with no deals file, and
# that init writes nothing but program.ini.
# usage: tests/test-init.sh REVIEWPACK TMPDIR
set -u
RP=$1
T=$2/init
mkdir -p "$T"
pass=0
fail=0
ok() { pass=$((pass + 1)); echo "ok   init: $1"; }
bad() { fail=$((fail + 1)); echo "FAIL init: $1"; }

# a small export folder: a Salesforce report and a partners file
raw() {
	rm -rf "$1"; mkdir -p "$1"
	cat > "$1/report1700000000000.csv" <<'EOF'
"Opportunity Owner","Account Name","Opportunity Name","Stage","Amount","Close Date","Created Date","Partner Account","Opportunity ID"
"Sam Lee","Acme Corp","Acme renewal","Closed Won","$79,605.99","7/13/2026","5/2/2026","Bluefin Analytics","0065g00000AbCdEAAZ"
"Ann Ray","Initech","Initech upsell","Needs Analysis","$5,000.00","9/30/2026","7/2/2026","","0065g00000AbCdGAAZ"
"Ann Ray","Umbrella","Umbrella deal","Verbal Commit","$7,500.00","10/30/2026","8/2/2026","Bluefin Analytics","0065g00000AbCdHAAZ"

"Grand Totals (3 records)"
EOF
	printf 'partner_id,name,tier,joined_on\nbluefin,Bluefin Analytics,strategic,2025-04-01\n' > "$1/partners.csv"
}
listing() { (cd "$1" && find . -type f -exec sha256sum {} + | sort); }

# --- each raw export: init, the user's answers, build, same figures ------
# Each line: a folder of raw exports with the hand-written program.ini that
# reads them @ build arguments @ what init leaves to the user, answered as
# the user would (a sed script on program.ini; empty: nothing is open and
# program.ini is not edited) @ --grouped when the hand-written program.ini
# puts several of the export's tier values in one tier (compare_init.py).
while IFS='@' read -r src args answers grouped; do
	[ -n "$src" ] || continue
	name=$(echo "$src" | tr / -); D="$T/ex-$name"
	rm -rf "$D" "$T/out-$name-init" "$T/out-$name-hand"; mkdir -p "$D"
	cp "$src"/*.csv "$D/"
	"$RP" init "$D" >"$T/out" 2>"$T/err"; c=$?
	if [ -z "$answers" ]; then
		[ $c = 0 ] && grep -q "^check passes; next: reviewpack build $D" "$T/out" \
			|| { bad "$src: init leaves something open (exit $c)"; cat "$T/out" "$T/err"; continue; }
	else
		sed -i "$answers" "$D/program.ini"
	fi
	if ! "$RP" build "$D" -o "$T/out-$name-init" $args 2>"$T/err"; then
		bad "$src: the program.ini init wrote does not build"; cat "$T/out" "$T/err"; continue
	fi
	"$RP" build "$src" -o "$T/out-$name-hand" $args 2>"$T/err" || { bad "$src: hand-written build"; continue; }
	month=$(ls "$T/out-$name-init" | grep -E '^[0-9]{4}-[0-9]{2}$' | head -n 1)
	if /usr/bin/python3 tests/compare_init.py $grouped "$T/out-$name-init/$month/metrics.json" \
		"$T/out-$name-hand/$month/metrics.json" > "$T/cmp" 2>&1; then
		ok "$src: ${answers:+with the user's answers, }every figure equals the hand-written program.ini's"
	else bad "$src: figures differ from the hand-written program.ini's"; cat "$T/cmp"; fi
done <<'EOF'
tests/exports/dynamics/raw@-p 2026-10@@
tests/exports/german-excel/raw@-p 2026-10@@
tests/exports/hubspot/raw@-p 2026-10@@
tests/exports/pipedrive/raw@-p 2026-10@s/^; EUR = ?   ;.*/EUR = 1.08/@
tests/exports/salesforce-report/raw@-p 2026-10@s/^; EUR = ?   ;.*/EUR = 1.0825/; s/^; GBP = ?   ;.*/GBP = 1.27/@--grouped
tests/exports/salesforce-dataloader/raw@-p 2026-10@s|^timezone = UTC$|timezone = America/Los_Angeles|@--grouped
examples/salesforce@-p 2026-10@@
examples/northwind@-p 2026-10@s/^; fiscal_year_start = 1$/fiscal_year_start = 2/@
EOF

# what the pipedrive and Salesforce report exports leave open is said
for name in pipedrive salesforce-report; do
	D="$T/ex-$name-open"; rm -rf "$D"; mkdir -p "$D"
	cp tests/exports/$name/raw/* "$D/"; rm "$D/program.ini"
	"$RP" init "$D" >"$T/out" 2>"$T/err"; c=$?
	if [ $c = 1 ] && grep -q "^left for you to decide (check fails until each is done):" "$T/out" \
		&& grep -q "^  \[fx\] EUR: [0-9]* rows are in EUR; give its rate in USD" "$T/out" \
		&& grep -q "no exchange rate for EUR" "$T/err" && grep -q '^; EUR = ?   ; ' "$D/program.ini"; then
		ok "$name: a currency with no rate is left to decide, and check fails until it is"
	else bad "$name: open rate (exit $c)"; cat "$T/out" "$T/err"; fi
done

# --- refusal: an existing program.ini is never replaced ------------------
D="$T/refuse"; raw "$D"
echo "; mine" > "$D/program.ini"
listing "$D" > "$T/before"
"$RP" init "$D" >"$T/out" 2>"$T/err"; c=$?
listing "$D" > "$T/after"
if [ $c = 2 ] && grep -q "program.ini' exists; init never replaces it" "$T/err" \
	&& diff -u "$T/before" "$T/after" >/dev/null && [ ! -s "$T/out" ]; then
	ok "an existing program.ini: exit 2, said so, nothing written"
else bad "refusal: exit $c"; cat "$T/err"; diff -u "$T/before" "$T/after"; fi

# --- --force: replaces it, keeps the old one; never an older copy -------
"$RP" init "$D" --force >"$T/out" 2>"$T/err"; c=$?
if [ $c -le 1 ] && [ "$(cat "$D/program.ini.bak")" = "; mine" ] \
	&& grep -q '^path = report\*\.csv$' "$D/program.ini" \
	&& grep -q "the old one is $D/program.ini.bak" "$T/out"; then
	ok "--force replaces program.ini and keeps the old one as program.ini.bak"
else bad "--force: exit $c"; cat "$T/out" "$T/err"; fi
cp "$D/program.ini" "$T/first.ini"
"$RP" init --force "$D" >"$T/out" 2>"$T/err"; c=$?
if [ $c -le 1 ] && [ "$(cat "$D/program.ini.bak")" = "; mine" ] \
	&& cmp -s "$D/program.ini.bak.2" "$T/first.ini"; then
	ok "a second --force keeps program.ini.bak and copies to program.ini.bak.2"
else bad "second --force: exit $c"; ls "$D"; fi
extra=$(cd "$D" && ls -A | grep -v -x -e report1700000000000.csv -e partners.csv \
	-e program.ini -e program.ini.bak -e program.ini.bak.2)
[ -z "$extra" ] && ok "init writes nothing but program.ini (and its copy)" \
	|| bad "init wrote $extra"

# --- a fresh folder: program.ini written, the rest untouched ------------
D="$T/fresh"; raw "$D"
listing "$D" > "$T/before"
"$RP" init "$D" >"$T/out" 2>"$T/err"; c=$?
listing "$D" | grep -v ' \./program\.ini$' > "$T/after"
if [ -s "$D/program.ini" ] && diff -u "$T/before" "$T/after" >/dev/null \
	&& grep -q "^wrote $D/program.ini: partners from \"partners.csv\", deals from \"report1700000000000.csv\"$" "$T/out" \
	&& { grep -q "^next: " "$T/out" || grep -q "^check passes" "$T/out"; }; then
	ok "a fresh folder: program.ini written, the export files untouched"
else bad "fresh folder: exit $c"; cat "$T/out" "$T/err"; fi

# --- a value init cannot place: check fails until the user decides -----
if [ $c = 1 ] && grep -q '^; outcome.? = Verbal Commit   ; 1 row$' "$D/program.ini" \
	&& grep -q '^  \[values deals\] outcome: column "Stage" has a value no outcome matches yet: "Verbal Commit" (1 row)$' "$T/out"; then
	ok "an unplaced value: a commented-out line with its row count, and init's check fails"
else bad "unplaced value: exit $c"; cat "$T/out"; fi
"$RP" check "$D" >/dev/null 2>"$T/err"; c=$?
sed -i 's/^; outcome.? = Verbal Commit   ; 1 row$/outcome.won = Verbal Commit/' "$D/program.ini"
"$RP" check "$D" >/dev/null 2>"$T/err2"; c2=$?
if [ $c = 1 ] && grep -q '"Verbal Commit" (1 row)' "$T/err" && [ $c2 = 0 ]; then
	ok "check fails on the unplaced value until the user decides, then passes"
else bad "check before/after deciding: exit $c/$c2"; cat "$T/err" "$T/err2"; fi

# --- no deals file: a clear message, nothing written --------------------
D="$T/nodeals"; rm -rf "$D"; mkdir -p "$D"
printf 'partner_id,name,tier,joined_on\nbluefin,Bluefin,strategic,2025-04-01\n' > "$D/accounts.csv"
printf 'Date,Note\n2026-10-01,call Acme\n' > "$D/notes.csv"
printf 'PK\003\004' > "$D/Opportunities.xlsx"
"$RP" init "$D" >"$T/out" 2>"$T/err"; c=$?
if [ $c = 1 ] && grep -q "^reviewpack: no deals file: none of the 2 files read has the columns of one" "$T/err" \
	&& grep -q "^  notes.csv: not recognised; its columns: \"Date\", \"Note\"" "$T/err" \
	&& grep -q "Opportunities.xlsx: a workbook, not read: save it as CSV" "$T/err" \
	&& [ ! -e "$D/program.ini" ]; then
	ok "no deals file: exit 1, each file said, nothing written"
else bad "no deals file: exit $c"; cat "$T/err"; fi

# --- usage and I/O --------------------------------------------------------
"$RP" build "$D" --force >/dev/null 2>"$T/err"; c=$?
[ $c = 2 ] && grep -q -- "--force goes with init, not build" "$T/err" && ok "--force with build is a usage error" \
	|| { bad "--force with build: exit $c"; cat "$T/err"; }
"$RP" init "$T/no-such-folder" >/dev/null 2>"$T/err"; c=$?
[ $c = 3 ] && grep -q "cannot read '$T/no-such-folder'" "$T/err" && ok "a missing folder exits 3 naming it" \
	|| { bad "missing folder: exit $c"; cat "$T/err"; }

echo "init: $pass passed, $fail failed"
[ $fail = 0 ]
