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

"Grand Totals (2 records)"
EOF
	printf 'partner_id,name,tier,joined_on\nbluefin,Bluefin Analytics,strategic,2025-04-01\n' > "$1/partners.csv"
}
listing() { (cd "$1" && find . -type f -exec sha256sum {} + | sort); }

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
rm "$D/program.ini"
listing "$D" > "$T/after"
if [ $c -le 1 ] && diff -u "$T/before" "$T/after" >/dev/null \
	&& grep -q "^wrote $D/program.ini: partners = partners.csv; deals = report1700000000000.csv;" "$T/out" \
	&& { grep -q "^next: " "$T/out" || grep -q "^check passes" "$T/out"; }; then
	ok "a fresh folder: program.ini written, the export files untouched"
else bad "fresh folder: exit $c"; cat "$T/out" "$T/err"; fi

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
