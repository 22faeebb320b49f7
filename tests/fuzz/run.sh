#!/bin/sh
# Build the libFuzzer targets in BUILD (set up with -Dfuzz=true, CC=clang)
# and run each for SECONDS, seeded with its corpus and regression inputs.
# A target fails when it finds a crash, a leak, an allocation over
# MALLOC_MB, a UBSan report, a broken check or an input slower than 30 s;
# the input is kept as BUILD/fuzz/artifacts/<target>/crash-*.
#
# usage: tests/fuzz/run.sh BUILD SECONDS [target...]
# Writes BUILD/fuzz/results, one line per target:
#   <target> ok|fail <executions> <seconds> <log>
# and grows BUILD/fuzz/corpus/<target>/ from run to run (never the seeds in
# the source tree). Exit status 0 when every target passed.
set -u
BUILD=${1:?usage: run.sh BUILD SECONDS [target...]}
SECONDS_EACH=${2:?usage: run.sh BUILD SECONDS [target...]}
shift 2
SRC=$(cd "$(dirname "$0")" && pwd)
TARGETS=${*:-sigmf wav raw_names units pipeline rtltcp rules}
MALLOC_MB=${MALLOC_MB:-512}
OUT=$BUILD/fuzz
mkdir -p "$OUT"
: >"$OUT/results"

built=1
ninja -C "$BUILD" $(for t in $TARGETS; do printf ' tests/fuzz/fuzz_%s' "$t"; done) || built=0

failed=0
for t in $TARGETS; do
	log=$OUT/$t.log
	bin=$BUILD/tests/fuzz/fuzz_$t
	if [ "$built" -eq 0 ] || [ ! -x "$bin" ]; then
		echo "$t fail 0 0 (not built)" >>"$OUT/results"
		echo "fuzz_$t: not built" >&2
		failed=1
		continue
	fi
	mkdir -p "$OUT/corpus/$t" "$OUT/artifacts/$t"
	dirs="$OUT/corpus/$t $SRC/corpus/$t"
	[ -d "$SRC/regress/$t" ] && dirs="$dirs $SRC/regress/$t"
	case $t in
	pipeline) max_len=65536 ;;
	sigmf | rules) max_len=16384 ;;
	*) max_len=4096 ;;
	esac
	start=$(date +%s)
	# shellcheck disable=SC2086
	ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1} \
	UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1} \
		"$bin" -max_total_time="$SECONDS_EACH" -timeout=30 -max_len="$max_len" \
		-malloc_limit_mb="$MALLOC_MB" -rss_limit_mb=4096 -print_final_stats=1 \
		-artifact_prefix="$OUT/artifacts/$t/" $dirs >"$log" 2>&1
	rc=$?
	secs=$(($(date +%s) - start))
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
	runs=${runs:-0}
	if [ "$rc" -eq 0 ]; then
		echo "$t ok $runs $secs $log" >>"$OUT/results"
		echo "fuzz_$t: ok, $runs executions in $secs s"
	else
		echo "$t fail $runs $secs $log" >>"$OUT/results"
		echo "fuzz_$t: FAILED after $runs executions (exit $rc), see $log:" >&2
		grep -E 'ERROR|SUMMARY|check failed|runtime error|Test unit written' "$log" | head -n 8 >&2
		failed=1
	fi
done
exit "$failed"
