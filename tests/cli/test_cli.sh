#!/bin/sh
# End-to-end checks of `simsweep analyze` and `simsweep bands` as a user
# meets them: bad inputs give one line naming the file, a non-zero exit, and
# the events of the other files are still written.
set -u
BIN=${SIMSWEEP_BIN:?}
SAMPLE=${SIMSWEEP_SAMPLES_DIR:?}/nbiot-lte-gsm_847M_2.4M.cu8
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
. "$(dirname "$0")/lib.sh"

# expect STATUS PATTERN -- command...: exit status and one stderr line matching PATTERN
expect() {
	want=$1 pat=$2
	shift 3
	"$@" >"$T/out" 2>"$T/err"
	got=$?
	[ "$got" -eq "$want" ] || { bad "$*: exit $got, want $want"; cat "$T/err" >&2; return; }
	grep -q -- "$pat" "$T/err" || { bad "$*: stderr lacks '$pat'"; cat "$T/err" >&2; return; }
	ok
}

# As many events as the sample's truth holds (the regression runner checks
# them one by one).
n_want=$(wc -l <"${SIMSWEEP_SOURCE_ROOT:?}/samples/nbiot-lte-gsm_847M_2.4M.expected.jsonl")
n_sample=$("$BIN" analyze -q "$SAMPLE" | wc -l)
[ "$n_sample" -eq "$n_want" ] && ok || bad "sample gives $n_sample events, want $n_want"

expect 1 "missing.cu8: no such file" -- "$BIN" analyze "$T/missing.cu8"
: >"$T/x.xyz"
expect 1 "x.xyz: unknown file extension" -- "$BIN" analyze "$T/x.xyz"
: >"$T/empty_847M_2.4M.cu8"
expect 1 "empty_847M_2.4M.cu8: empty" -- "$BIN" analyze "$T/empty_847M_2.4M.cu8"
: >"$T/norate.cu8"
printf 'ab' >"$T/norate.cu8"
expect 1 "norate.cu8: .*rate" -- "$BIN" analyze "$T/norate.cu8"
expect 2 "invalid value for --rate" -- "$BIN" analyze -s fast "$SAMPLE"
expect 2 "no input file" -- "$BIN" analyze
expect 2 "unknown command" -- "$BIN" frobnicate

# A truncated recording: every event before the cut, then the error.
cp "$SAMPLE" "$T/trunc_847M_2.4M.cu8"
printf 'x' >>"$T/trunc_847M_2.4M.cu8"
expect 1 "trunc_847M_2.4M.cu8: truncated" -- "$BIN" analyze "$T/trunc_847M_2.4M.cu8"
n=$(wc -l <"$T/out")
[ "$n" -eq "$n_want" ] && ok || bad "truncated file gave $n events, want $n_want"

# A bad file among good ones: the good ones' events are still written.
expect 1 "missing.cu8: no such file" -- "$BIN" analyze -q "$SAMPLE" "$T/missing.cu8" "$SAMPLE"
n=$(wc -l <"$T/out")
[ "$n" -eq $((2 * n_want)) ] && ok || bad "two good files and a bad one gave $n events, want $((2 * n_want))"

# stdin with an explicit format and rate gives the same events as the file.
"$BIN" analyze -q -f 847M -s 2.4M cu8:- <"$SAMPLE" | sed 's/"file":"[^"]*"//' >"$T/stdin.jsonl"
"$BIN" analyze -q "$SAMPLE" | sed 's/"file":"[^"]*"//' >"$T/file.jsonl"
cmp -s "$T/stdin.jsonl" "$T/file.jsonl" && ok || bad "stdin and file events differ"

# -o writes the events to a file; --start-time gives every event a UTC time.
"$BIN" analyze -q -o "$T/ev.jsonl" --start-time 2024-05-01T12:00:00Z "$SAMPLE" && ok || bad "-o failed"
grep -q '"time":"2024-05-01T12:00:00.1000[0-9]*Z"' "$T/ev.jsonl" && ok || bad "no UTC time on the GSM burst"
expect 1 "cannot write" -- "$BIN" analyze -o "$T/nodir/ev.jsonl" "$SAMPLE"

# Two threads (the spectrum on its own) give the very same events as one,
# on the sample and on 6 s of a burst-dense scene with carriers; -j 3 is
# refused.
"$BIN" synth --scene mixed --duration 6 -s 2.4M --format cu8 --seed 3 --rate-bursts 12 \
	-o "$T/scene" >/dev/null 2>&1 || bad "synth of the threads scene failed"
for f in "$SAMPLE" "$T/scene.sigmf-data"; do
	"$BIN" analyze -q -j 1 "$f" >"$T/j1.jsonl" 2>&1
	"$BIN" analyze -q -j 2 "$f" >"$T/j2.jsonl" 2>&1
	n1=$(grep -c '"type":"burst"' "$T/j1.jsonl")
	[ "$n1" -gt 5 ] && ok || bad "$f: only $n1 bursts with one thread"
	cmp -s "$T/j1.jsonl" "$T/j2.jsonl" && ok || bad "$f: events with -j 2 differ from -j 1"
done
# The coarse path too (--weak-bursts): same events with two threads, and
# at least the bursts found without it.
"$BIN" analyze -q -j 1 --weak-bursts "$T/scene.sigmf-data" >"$T/w1.jsonl" 2>&1
"$BIN" analyze -q -j 2 --weak-bursts "$T/scene.sigmf-data" >"$T/w2.jsonl" 2>&1
cmp -s "$T/w1.jsonl" "$T/w2.jsonl" && ok || bad "--weak-bursts: events with -j 2 differ from -j 1"
nw=$(grep -c '"type":"burst"' "$T/w1.jsonl")
[ "$nw" -ge "$n1" ] && ok || bad "--weak-bursts found $nw bursts, fewer than $n1 without it"
expect 2 "invalid value for --threads" -- "$BIN" analyze -j 3 "$SAMPLE"

# bands
"$BIN" bands -f 847M | grep -q "20" && ok || bad "bands -f 847M does not name band 20"
expect 2 "invalid" -- "$BIN" bands -f xyz

echo "cli: $pass passed, $fail failed" >&2
[ "$fail" -eq 0 ]
