#!/bin/sh
# valgrind memcheck over `simsweep analyze` on the bundled samples and on
# every SigMF and WAV seed of the fuzz corpora, then over the fuzz targets'
# replay of their seeds and regression inputs (which reach cJSON and
# libsndfile, not instrumented by ASan). A seed may be refused (exit 1 from
# simsweep): what fails here is a memcheck error or a leak, reported with
# its own exit code.
#
# usage: tests/fuzz/valgrind.sh BUILD   (a normal build, e.g. build-rel)
set -u
BUILD=${1:?usage: valgrind.sh BUILD}
SRC=$(cd "$(dirname "$0")" && pwd)
BIN=$BUILD/cli/simsweep
VG_ERR=99
VG="valgrind -q --error-exitcode=$VG_ERR --leak-check=full"
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
pass=0 fail=0

# run NAME EXPECTED-STATUSES -- command...
run() {
	name=$1 want=$2
	shift 3
	$VG "$@" >/dev/null 2>"$T/err"
	got=$?
	if [ "$got" -eq "$VG_ERR" ]; then
		fail=$((fail + 1))
		echo "FAIL (memcheck): $name" >&2
		grep -v '^simsweep' "$T/err" | head -n 40 >&2
	elif ! echo " $want " | grep -q " $got "; then
		fail=$((fail + 1))
		echo "FAIL: $name: exit $got, want $want" >&2
		head -n 5 "$T/err" >&2
	else
		pass=$((pass + 1))
	fi
}

for f in "$BUILD"/samples/*.cu8; do
	run "analyze $(basename "$f")" 0 -- "$BIN" analyze -q "$f"
done

# SigMF seeds, each beside a 4000-byte data file (500 x 8 varied bytes).
i=0
while [ "$i" -lt 500 ]; do
	printf '\001\377\200\177\020\340\063\314'
	i=$((i + 1))
done >"$T/data.bin"
for m in "$SRC"/corpus/sigmf/*.sigmf-meta; do
	cp "$m" "$T/rec.sigmf-meta"
	cp "$T/data.bin" "$T/rec.sigmf-data"
	run "analyze sigmf/$(basename "$m")" "0 1" -- "$BIN" analyze -q "$T/rec.sigmf-meta"
done
for w in "$SRC"/corpus/wav/*.wav; do
	cp "$w" "$T/SDRSharp_20231110_101112Z_847000000Hz_IQ.wav"
	run "analyze wav/$(basename "$w")" "0 1" -- \
		"$BIN" analyze -q "$T/SDRSharp_20231110_101112Z_847000000Hz_IQ.wav"
done

for t in sigmf wav raw_names units pipeline; do
	run "replay $t" 0 -- "$BUILD/tests/fuzz/replay_$t" "$SRC/corpus/$t" "$SRC/regress/$t"
done

echo "valgrind: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
