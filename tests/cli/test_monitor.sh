#!/bin/sh
# End-to-end checks of `simsweep monitor` against the rtl_tcp test server on
# a free loopback port, streaming the bundled sample (bursts at known times
# and frequencies), and of the no-dongle paths of `monitor` and `devices`.
# Assertions are on events, counts and exit codes, never on wall time; every
# wait is bounded by a generous timeout.
set -u
BIN=${SIMSWEEP_BIN:?}
SERVER=${SIMSWEEP_RTLTCP_SERVER:?}
SAMPLE=${SIMSWEEP_SAMPLES_DIR:?}/nbiot-lte-gsm_847M_2.4M.cu8
TRUTH=${SIMSWEEP_SAMPLES_DIR:?}/nbiot-lte-gsm_847M_2.4M.truth.jsonl
T=$(mktemp -d)
SRV_PID=
MON_PID=
cleanup() {
	[ -n "$MON_PID" ] && kill "$MON_PID" 2>/dev/null
	[ -n "$SRV_PID" ] && kill "$SRV_PID" 2>/dev/null
	wait 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT
pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*" >&2; }

# start_server ARGS...: the test server in the background; sets PORT.
# (A new file each time: the shell may not have truncated an old one yet.)
n_servers=0
start_server() {
	n_servers=$((n_servers + 1))
	pf="$T/port.$n_servers"
	"$SERVER" "$@" >"$pf" &
	SRV_PID=$!
	PORT=
	i=0
	while [ $i -lt 200 ]; do
		PORT=$(sed -n 's/^port //p' "$pf" 2>/dev/null)
		[ -n "$PORT" ] && return 0
		sleep 0.05
		i=$((i + 1))
	done
	bad "test server did not start"
	return 1
}
stop_server() {
	[ -n "$SRV_PID" ] && kill "$SRV_PID" 2>/dev/null && wait "$SRV_PID" 2>/dev/null
	SRV_PID=
}
# The event lines without the keys that differ between a live source and a
# file (input name, wall-clock time), status lines left out.
events() { grep -v '"type":"status"' "$1" | sed 's/,"file":.*$//'; }
# wait_for FILE PATTERN: until FILE has a line matching PATTERN (60 s at most).
wait_for() {
	i=0
	while [ $i -lt 1200 ]; do
		grep -q -- "$2" "$1" 2>/dev/null && return 0
		sleep 0.05
		i=$((i + 1))
	done
	return 1
}
# field NAME: the value of a numeric key of each input line.
field() { sed -n "s/.*\"$1\":\\([-0-9.e]*\\).*/\\1/p"; }

# --- 1. the sample, served once: the bursts at the right times and frequencies,
# and the same events as analyze on the bytes the server sent.
start_server -i "$SAMPLE" -w "$T/sent.cu8" || exit 1
"$BIN" monitor -d "rtltcp:127.0.0.1:$PORT" -f 847M -s 2.4M --settle 0 -n 1200000 \
	>"$T/mon.jsonl" 2>"$T/mon.err"
rc=$?
stop_server
[ "$rc" -eq 0 ] && ok || { bad "monitor exit $rc"; cat "$T/mon.err" >&2; }
grep -q "sample count reached" "$T/mon.err" && ok || bad "no summary line"
cmp -s "$T/sent.cu8" "$SAMPLE" && ok || bad "the server did not send the sample"
"$BIN" analyze -q -f 847M -s 2.4M "cu8:$T/sent.cu8" >"$T/ana.jsonl"
events "$T/mon.jsonl" >"$T/mon.ev"
events "$T/ana.jsonl" >"$T/ana.ev"
[ -s "$T/ana.ev" ] && cmp -s "$T/mon.ev" "$T/ana.ev" && ok || {
	bad "monitor and analyze events differ"
	diff "$T/mon.ev" "$T/ana.ev" >&2
}
grep -q '"time":"' "$T/mon.jsonl" && ok || bad "live events carry no UTC time"
# Every burst of the truth is found within 100 us, at its frequency (+-50 kHz).
while read -r line; do
	t=$(echo "$line" | field t_s)
	f=$(echo "$line" | field freq_hz)
	hit=$(grep '"type":"burst"' "$T/mon.jsonl" | awk -v t="$t" -v f="$f" '
		{ match($0, /"t_s":[-0-9.e]+/); ts = substr($0, RSTART + 6, RLENGTH - 6) + 0
		  match($0, /"freq_hz":[-0-9.e]+/); fh = substr($0, RSTART + 10, RLENGTH - 10) + 0
		  dt = ts - t; df = fh - f; if (dt < 0) dt = -dt; if (df < 0) df = -df
		  if (dt <= 100e-6 && df <= 50e3) n++ }
		END { print n + 0 }')
	[ "$hit" -ge 1 ] && ok || bad "burst at t=$t f=$f not found by monitor"
done <"$TRUTH"

# --- 2. a cut connection: monitor reconnects, reports the gap as a status line
# with the dropped count, and goes on finding bursts after it. The server
# keeps real time, as a dongle does (the stream, 2.8 M samples, fits the
# 2 s buffer: detection may be slower than real time without a loss).
start_server -i "$SAMPLE" -L -d 1000000 -r 2400000 || exit 1
"$BIN" monitor -d "rtltcp:127.0.0.1:$PORT" -f 847M -s 2.4M --settle 0 -n 4000000 \
	>"$T/cut.jsonl" 2>"$T/cut.err"
rc=$?
stop_server
[ "$rc" -eq 0 ] && ok || { bad "monitor across a cut: exit $rc"; cat "$T/cut.err" >&2; }
grep -q "connection lost" "$T/cut.err" && ok || bad "no 'connection lost' message"
grep -q "reconnected after" "$T/cut.err" && ok || bad "no 'reconnected' message"
# The first retry waits 0.5 s: at least 1.2 M samples at 2.4 MS/s.
maxdrop=$(grep '"type":"status"' "$T/cut.jsonl" | field dropped | sort -n | tail -1)
[ "${maxdrop:-0}" -ge 1200000 ] && ok || bad "status dropped ${maxdrop:-none}, want >= 1200000"
# The cut is at sample 500000; the stream resumes after the gap.
gap_end=$(awk -v d="${maxdrop:-0}" 'BEGIN { print (500000 + d) / 2400000 }')
after=$(grep '"type":"burst"' "$T/cut.jsonl" | field t_s | awk -v g="$gap_end" '$1 > g' | wc -l)
[ "$after" -ge 4 ] && ok || bad "only $after bursts after the reconnect"
grep -q "reconnects 1" "$T/cut.err" && ok || bad "summary does not count the reconnect"
tail -c 1 "$T/cut.jsonl" | od -c | grep -q '\\n' && ok || bad "last event line incomplete"

# --- 3. SIGTERM mid-run: summary, exit 0, every line complete.
start_server -i "$SAMPLE" -L -r 2400000 || exit 1
"$BIN" monitor -d "rtltcp:127.0.0.1:$PORT" -f 847M -s 2.4M >"$T/term.jsonl" 2>"$T/term.err" &
MON_PID=$!
wait_for "$T/term.jsonl" '"type":"burst"' || bad "no burst before SIGTERM"
kill -TERM "$MON_PID"
wait "$MON_PID"
rc=$?
MON_PID=
stop_server
[ "$rc" -eq 0 ] && ok || bad "SIGTERM: exit $rc, want 0"
grep -q "stopped by signal" "$T/term.err" && ok || bad "SIGTERM: no summary"
n_lines=$(wc -l <"$T/term.jsonl")
n_whole=$(grep -c '^{.*}$' "$T/term.jsonl")
[ "$n_lines" -ge 1 ] && [ "$n_lines" -eq "$n_whole" ] && ok || bad "SIGTERM: $n_whole of $n_lines lines complete"
tail -c 1 "$T/term.jsonl" | od -c | grep -q '\\n' && ok || bad "SIGTERM: output ends inside a line"

# --- 4. --duration stops by itself.
start_server -i "$SAMPLE" -L -r 2400000 || exit 1
"$BIN" monitor -d "rtltcp:127.0.0.1:$PORT" -f 847M --duration 2 -o "$T/dur.jsonl" 2>"$T/dur.err"
rc=$?
stop_server
[ "$rc" -eq 0 ] && ok || { bad "--duration: exit $rc"; cat "$T/dur.err" >&2; }
grep -q "duration reached" "$T/dur.err" && ok || bad "--duration: no summary"
grep -q '"type":"burst"' "$T/dur.jsonl" && ok || bad "--duration: no burst in 2 s of the sample"

# --- 5. scanning band 20, one pass: every window of the schedule is tuned to,
# even when detection cannot keep up (the server sends as fast as it can).
start_server -i "$SAMPLE" -L -x "$T/cmds.txt" || exit 1
"$BIN" monitor -d "rtltcp:127.0.0.1:$PORT" --band 20 --dwell 0.02 --settle 0.005 --cycles 1 \
	-o "$T/scan.jsonl" 2>"$T/scan.err"
rc=$?
stop_server
[ "$rc" -eq 0 ] && ok || { bad "--band 20: exit $rc"; cat "$T/scan.err" >&2; }
windows=$(sed -n 's/.*band B20 uplink.*: \([0-9]*\) windows.*/\1/p' "$T/scan.err")
tuned=$(awk '$2 == 1 { print $3 }' "$T/cmds.txt" | sort -u | wc -l)
[ -n "$windows" ] && [ "$tuned" -eq "$windows" ] && ok || bad "scan: $tuned frequencies tuned, $windows windows"
out=$(awk '$2 == 1 && ($3 < 830000000 || $3 > 864000000)' "$T/cmds.txt" | wc -l)
[ "$out" -eq 0 ] && ok || bad "scan tuned outside band 20"
grep -q "watched" "$T/scan.err" && ok || bad "scan: no watched fraction in the summary"
grep -q "scan cycles done" "$T/scan.err" && ok || bad "scan: did not stop after one pass"

# --- 6. --record: the raw stream as SigMF gives the same events offline.
mkdir "$T/rec"
start_server -i "$SAMPLE" || exit 1
"$BIN" monitor -d "rtltcp:127.0.0.1:$PORT" -f 847M --settle 0 -n 1200000 -q \
	--record "$T/rec" >"$T/rec.jsonl" 2>"$T/rec.err"
rc=$?
stop_server
[ "$rc" -eq 0 ] && ok || { bad "--record: exit $rc"; cat "$T/rec.err" >&2; }
meta=$(ls "$T"/rec/*.sigmf-meta 2>/dev/null | head -1)
[ -n "$meta" ] && grep -q '"core:datetime"' "$meta" && ok || bad "--record: no meta with core:datetime"
"$BIN" analyze -q "$meta" >"$T/rec_ana.jsonl" 2>"$T/rec_ana.err"
events "$T/rec.jsonl" >"$T/rec.ev"
events "$T/rec_ana.jsonl" >"$T/rec_ana.ev"
[ -s "$T/rec.ev" ] && cmp -s "$T/rec.ev" "$T/rec_ana.ev" && ok || {
	bad "--record: offline events differ"
	diff "$T/rec.ev" "$T/rec_ana.ev" >&2
}

# --- 7. errors a user meets.
expect() {
	want=$1 pat=$2
	shift 3
	"$@" >"$T/out" 2>"$T/err" </dev/null
	got=$?
	[ "$got" -eq "$want" ] || { bad "$*: exit $got, want $want"; cat "$T/err" >&2; return; }
	grep -q -- "$pat" "$T/err" || { bad "$*: stderr lacks '$pat'"; cat "$T/err" >&2; return; }
	[ "$(wc -l <"$T/err")" -eq 1 ] || { bad "$*: more than one line on stderr"; cat "$T/err" >&2; return; }
	ok
}
expect 1 "no RTL-SDR found" -- "$BIN" monitor -d rtlsdr:0 -f 847M
expect 0 "no RTL-SDR found" -- "$BIN" devices
expect 1 "unknown device" -- "$BIN" monitor -d hackrf -f 847M
expect 1 "connection refused" -- "$BIN" monitor -d "rtltcp:127.0.0.1:$PORT" -f 847M
expect 2 "no device" -- "$BIN" monitor -f 847M
expect 2 "no frequency" -- "$BIN" monitor -d rtlsdr:0
expect 2 "not both" -- "$BIN" monitor -d rtlsdr:0 -f 847M --band 20
expect 2 "unknown --plan" -- "$BIN" monitor -d rtlsdr:0 --plan mars
expect 2 "invalid value for --band" -- "$BIN" monitor -d rtlsdr:0 --band x
start_server -m XXXX || exit 1
expect 1 "rtltcp:127.0.0.1:$PORT: not an rtl_tcp server" -- "$BIN" monitor -d "rtltcp:127.0.0.1:$PORT" -f 847M
stop_server

echo "monitor: $pass passed, $fail failed" >&2
[ "$fail" -eq 0 ]
