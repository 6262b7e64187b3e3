#!/bin/sh
# make fuzz: runs each libFuzzer target (build/fuzz/fuzz_TARGET) for
# SECONDS on its seed corpus (tests/fuzz/corpus/TARGET) and the inputs it
# found before (build/fuzz/corpus/TARGET), with its dictionary when there
# is one. Prints the executions of each; on a finding, prints where the
# input is and exits 1 (copy it into tests/fuzz/regressions/TARGET/ once
# the bug is fixed, so that make test replays it).
# usage: tests/fuzz/run.sh SECONDS TARGET...
set -u
SECONDS_EACH=$1; shift
cd "$(dirname "$0")/../.."
found=0
total=0
for t in "$@"; do
	work=build/fuzz/corpus/$t
	crashes=build/fuzz/findings/$t
	mkdir -p "$work" "$crashes"
	dict=""
	[ -f "tests/fuzz/$t.dict" ] && dict="-dict=tests/fuzz/$t.dict"
	case $t in # the longest input worth trying: one field, one page, a few files
	fields) maxlen=512 ;;
	template) maxlen=4096 ;;
	*) maxlen=8192 ;;
	esac
	log=build/fuzz/$t.log
	echo "fuzz $t: ${SECONDS_EACH} s"
	ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
	build/fuzz/fuzz_$t -max_total_time="$SECONDS_EACH" -timeout=10 -rss_limit_mb=2048 \
		-max_len=$maxlen -print_final_stats=1 -artifact_prefix="$crashes/" $dict \
		"$work" "tests/fuzz/corpus/$t" > "$log" 2>&1
	rc=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
	total=$((total + ${execs:-0}))
	if [ $rc != 0 ]; then
		found=1
		grep -E -A 30 '^==[0-9]+==ERROR|runtime error|^BUG|fuzz check failed|deadly signal|timeout' "$log" | head -n 60
		echo "FAIL fuzz $t: a finding after ${execs:-?} executions: $(ls "$crashes" | sed "s|^|$crashes/|" | tr '\n' ' ')(log: $log)"
	else
		echo "ok   fuzz $t: ${execs:-?} executions, no finding"
	fi
done
echo "fuzz: $total executions in all"
exit $found
