#!/bin/sh
# Crash safety of the event log, as a user meets it:
#  - `analyze -o FILE` killed with SIGKILL at seeded random moments, on an
#    endless stream (the bundled sample looped into cu8:-): every line
#    already in FILE is a whole JSON object, the file ends with a newline,
#    and the lines are exactly the first lines of an uninterrupted run over
#    the same stream (no event lost, garbled or reordered before the kill);
#  - a full disk (-o /dev/full, ENOSPC): one line naming the path and the
#    reason, and a non-zero exit.
# SIMSWEEP_CRASH_SEED picks other moments (default 20240501).
set -u
BIN=${SIMSWEEP_BIN:?}
SAMPLE=${SIMSWEEP_SAMPLES_DIR:?}/nbiot-lte-gsm_847M_2.4M.cu8
SEED=${SIMSWEEP_CRASH_SEED:-20240501}
ROUNDS=6
# Kill moments are 150 .. 2000 ms after the start; the killed runs and the
# reference read the sample repeated REF_REPEATS times, enough for about
# 6 s of analysis at the speed measured here (so that a kill finds the run
# still going: tens of repeats under sanitizers, hundreds in a release).
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
. "$(dirname "$0")/lib.sh"

command -v python3 >/dev/null 2>&1 || { echo "test_crash: python3 needed (scripts/bootstrap)" >&2; exit 77; }

# loop N: the sample N times (N = 0: for ever, until the reader is gone)
loop() {
	i=0
	while [ "$1" -eq 0 ] || [ "$i" -lt "$1" ]; do
		cat "$SAMPLE" || return 0
		i=$((i + 1))
	done
}

# Every line a JSON object with a "type", the file ending in a newline;
# prints the number of lines.
check_jsonl() {
	python3 - "$1" <<'PY'
import json, sys
data = open(sys.argv[1], "rb").read()
if data and not data.endswith(b"\n"):
    sys.exit("partial last line: %r" % data[-80:])
lines = data.splitlines()
for i, line in enumerate(lines, 1):
    try:
        obj = json.loads(line)
    except ValueError as e:
        sys.exit("line %d is not JSON (%s): %r" % (i, e, line[:120]))
    if not isinstance(obj, dict) or "type" not in obj:
        sys.exit("line %d is not an event: %r" % (i, line[:120]))
print(len(lines))
PY
}

t0=$(date +%s%N)
loop 8 | "$BIN" analyze -q -s 2.4M -f 847M -o /dev/null cu8:- || bad "calibration run failed"
t1=$(date +%s%N)
REF_REPEATS=$(awk -v ns=$((t1 - t0)) 'BEGIN { r = int(8 * 6e9 / (ns > 1 ? ns : 1)) + 8; print (r > 2000 ? 2000 : r) }')
loop "$REF_REPEATS" | "$BIN" analyze -q -s 2.4M -f 847M -o "$T/ref.jsonl" cu8:- ||
	bad "reference run failed"
n_ref=$(check_jsonl "$T/ref.jsonl") || bad "reference output is not JSON Lines"
[ "${n_ref:-0}" -gt 0 ] && ok || bad "reference run gave no events"

# Kill moments, 150 .. 2000 ms after the start, from the seed.
delays=$(awk -v seed="$SEED" -v n="$ROUNDS" \
	'BEGIN { srand(seed); for (i = 0; i < n; i++) printf "%d ", 150 + int(rand() * 1850) }')
with_events=0
for ms in $delays; do
	out=$T/killed_$ms.jsonl
	loop "$REF_REPEATS" | "$BIN" analyze -q -s 2.4M -f 847M -o "$out" cu8:- &
	pid=$!
	sleep "$(printf '%d.%03d' $((ms / 1000)) $((ms % 1000)))"
	if ! kill -9 "$pid" 2>/dev/null; then
		# It ended before the kill (a fast machine): all of the reference.
		wait "$pid" 2>/dev/null
		cmp -s "$T/ref.jsonl" "$out" && ok || bad "run that ended before its kill at $ms ms differs from the reference"
		continue
	fi
	wait "$pid" 2>/dev/null
	if ! n=$(check_jsonl "$out"); then
		bad "kill at $ms ms: $(check_jsonl "$out" 2>&1 | tail -n 1)"
		continue
	fi
	if [ "$n" -gt "$n_ref" ]; then
		bad "kill at $ms ms: $n events, more than the reference ($n_ref) of the same stream"
		continue
	fi
	if [ "$n" -gt 0 ]; then
		with_events=$((with_events + 1))
		head -n "$n" "$T/ref.jsonl" | cmp -s - "$out" ||
			{ bad "kill at $ms ms: the $n events differ from the uninterrupted run"; continue; }
	fi
	ok
done
# The kills must have hit a log with events in it, or nothing was tested.
[ "$with_events" -gt 0 ] && ok || bad "no kill found an event already written"

# A full disk: one line naming the output and ENOSPC, exit 1.
if [ -w /dev/full ]; then
	"$BIN" analyze -q -o /dev/full "$SAMPLE" >"$T/out" 2>"$T/err"
	st=$?
	[ "$st" -eq 1 ] && ok || bad "-o /dev/full: exit $st, want 1"
	if [ "$(wc -l <"$T/err")" -eq 1 ] && grep -q '/dev/full.*No space left on device' "$T/err"; then
		ok
	else
		bad "-o /dev/full: want one line naming /dev/full and ENOSPC, got:"
		cat "$T/err" >&2
	fi
else
	echo "test_crash: no writable /dev/full, ENOSPC not tested" >&2
fi

echo "crash: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
