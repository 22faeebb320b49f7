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
. "$(dirname "$0")/lib.sh"

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
# SoapySDR: no such device is one line and exit 1 (built with SoapySDR), or
# a clear refusal (built without); devices runs either way.
if "$BIN" devices --help | grep -q SoapySDR; then
	expect 1 "soapy:driver=nonexistent: no such device" -- "$BIN" monitor -d soapy:driver=nonexistent -f 847M
else
	expect 1 "SoapySDR" -- "$BIN" monitor -d soapy:driver=nonexistent -f 847M
fi
"$BIN" devices >/dev/null 2>"$T/err" && ok || { bad "devices failed"; cat "$T/err" >&2; }

# --- 7b. a scan over two windows: the server obeys each frequency command by
# switching to the recording made at that frequency, and the events of each
# window come from its own recording. Band 13 (10 MHz) at 10 MS/s is two
# windows; their centres are learnt from one pass against random bytes.
# (The random stream never runs dry and is paced: on a loaded machine the
# pass must end by its cycle, not by the server's end.)
start_server -N 1000000000000 -r 20000000 -x "$T/win.txt" || exit 1
"$BIN" monitor -d "rtltcp:127.0.0.1:$PORT" -s 10M --band 13 --dwell 0.02 --settle 0.005 \
	--cycles 1 -o /dev/null 2>"$T/win.err"
stop_server
f0=$(awk '$2 == 1 { print $3 }' "$T/win.txt" | sed -n 1p)
f1=$(awk '$2 == 1 { print $3 }' "$T/win.txt" | sed -n 2p)
if [ -n "$f0" ] && [ -n "$f1" ] && [ "$f0" != "$f1" ]; then
	ok
	# Recording A (window 0): GSM bursts 3 MHz below its centre; B (window
	# 1): 3 MHz above. Served from a directory, named by frequency.
	mkdir "$T/win"
	mhz0=$(awk -v f="$f0" 'BEGIN { printf "%.4f", f / 1e6 }')
	mhz1=$(awk -v f="$f1" 'BEGIN { printf "%.4f", f / 1e6 }')
	"$BIN" synth --kind normal-burst --frames 40 --offset -3M -s 10M -f "$f0" --duration 0.2 \
		--format cu8 --seed 3 -o "$T/win_a" >/dev/null 2>&1 &&
	"$BIN" synth --kind normal-burst --frames 40 --offset 3M -s 10M -f "$f1" --duration 0.2 \
		--format cu8 --seed 4 -o "$T/win_b" >/dev/null 2>&1 &&
	mv "$T/win_a.sigmf-data" "$T/win/a_${mhz0}M_10M.cu8" &&
	mv "$T/win_b.sigmf-data" "$T/win/b_${mhz1}M_10M.cu8" && ok || bad "two-window scan: synth failed"
	# Paced below what the monitor consumes: nothing dropped, the switch
	# happens where the command arrives.
	start_server --dir "$T/win" -L -r 4000000 -x "$T/sw.txt" || exit 1
	"$BIN" monitor -d "rtltcp:127.0.0.1:$PORT" -s 10M --band 13 --dwell 0.2 --settle 0.2 \
		--cycles 1 -o "$T/two.jsonl" 2>"$T/two.err"
	rc=$?
	stop_server
	[ "$rc" -eq 0 ] && ok || { bad "two-window scan: exit $rc"; cat "$T/two.err" >&2; }
	# The server switched twice, to A then B, at the windows' frequencies.
	sw=$(awk '$2 == "switch" { printf "%s ", $3 }' "$T/sw.txt")
	[ "$sw" = "$f0 $f1 " ] && ok || bad "two-window scan: server switched to '$sw', want '$f0 $f1 '"
	# Per burst: window centre (freq_hz - offset), offset, t_s, first and
	# last sample. Window 0 has only A's bursts (-3 MHz), window 1 only B's
	# (+3 MHz), all of window 0 before any of window 1, and window 1's after
	# the byte where the server switched to B.
	sw_byte=$(awk '$2 == "switch" { b = $4 } END { print b + 0 }' "$T/sw.txt")
	grep '"type":"burst"' "$T/two.jsonl" | awk -v f0="$f0" -v f1="$f1" -v swb="$sw_byte" '
		function num(key,   v) { if (!match($0, "\"" key "\":[-0-9.e]+")) return "x"
			v = substr($0, RSTART + length(key) + 3, RLENGTH - length(key) - 3); return v + 0 }
		{ f = num("freq_hz"); o = num("freq_offset_hz"); t = num("t_s"); s = num("sample")
		  c = f - o
		  if (c > f0 - 1000 && c < f0 + 1000 && o > -3.2e6 && o < -2.8e6) {
			n0++; if (t > last0) last0 = t
		  } else if (c > f1 - 1000 && c < f1 + 1000 && o > 2.8e6 && o < 3.2e6) {
			n1++; if (n1 == 1 || t < first1) first1 = t
			if (s < swb / 2) early++
		  } else wrong++ }
		END { printf "%d %d %d %d %d\n", n0, n1, wrong, (n0 && n1 && last0 < first1), early + 0 }' \
		>"$T/two.sum"
	read -r n0 n1 wrong ordered early <"$T/two.sum"
	[ "$n0" -ge 10 ] && ok || bad "two-window scan: $n0 bursts of recording A in window 0 (want >= 10)"
	[ "$n1" -ge 10 ] && ok || bad "two-window scan: $n1 bursts of recording B in window 1 (want >= 10)"
	[ "$wrong" -eq 0 ] && ok || bad "two-window scan: $wrong bursts from the wrong recording or window"
	[ "$ordered" -eq 1 ] && ok || bad "two-window scan: window 0's bursts do not all precede window 1's"
	[ "$early" -eq 0 ] && ok || bad "two-window scan: $early bursts of window 1 before the switch"
else
	bad "two-window scan: band 13 at 10 MS/s did not give two windows ($f0, $f1)"
	cat "$T/win.err" >&2
fi

# --- 8. the output options of analyze, live: --db stores the same burst rows
# as analyze --db on the bytes the server sent, with the session's details
# (--session-gain from --gain); -F csv gives the same rows as analyze -F csv;
# the tracker's events and each input's coverage go through the same sinks.
# (key order of `simsweep db`: id session type t_s time utc_ns ... file)
dbrows() { "$BIN" db "$1" bursts | sed -e 's/^{"id":[0-9]*,"session":[0-9]*,//' \
	-e 's/"time":[^,]*,"utc_ns":[^,]*,//' -e 's/,"file":.*}$/}/'; }
start_server -i "$SAMPLE" -w "$T/sent8.cu8" || exit 1
"$BIN" monitor -d "rtltcp:127.0.0.1:$PORT" -f 847M -s 2.4M -g 20 --settle 0 -n 1200000 -q \
	--db "$T/mon.db" --operator "A. Tester" --vehicle WX-123 >"$T/mondb.jsonl" 2>"$T/mondb.err"
rc=$?
stop_server
[ "$rc" -eq 0 ] && ok || { bad "monitor --db: exit $rc"; cat "$T/mondb.err" >&2; }
"$BIN" analyze -q -f 847M -s 2.4M --db "$T/ana.db" "cu8:$T/sent8.cu8" >"$T/anadb.jsonl"
dbrows "$T/mon.db" >"$T/mon.rows"
dbrows "$T/ana.db" >"$T/ana.rows"
[ -s "$T/ana.rows" ] && cmp -s "$T/mon.rows" "$T/ana.rows" && ok || {
	bad "monitor --db and analyze --db burst rows differ"
	diff "$T/mon.rows" "$T/ana.rows" >&2
}
"$BIN" db "$T/mon.db" sessions | grep '"operator":"A. Tester"' | grep '"vehicle":"WX-123"' |
	grep -q '"gain_db":20' && ok || bad "monitor --db: session details not stored"
"$BIN" db "$T/mon.db" bursts | grep -q "\"file\":\"rtltcp:127.0.0.1:$PORT\"" && ok ||
	bad "monitor --db: bursts do not name the device"
[ "$("$BIN" db "$T/mon.db" coverage | grep -c '"covered_s":0.5')" -eq 1 ] && ok ||
	bad "monitor --db: no coverage row of 0.5 s"
grep -q '"type":"emitter"' "$T/mondb.jsonl" && ok || bad "monitor --db: no emitter event (tracker off?)"
grep -q '"type":"status".*"message":"analysed".*"covered_s":0.500' "$T/mondb.jsonl" && ok ||
	bad "monitor --db: no coverage status event"
# clusters come from stream time: the same as analyze's (emitters and alerts
# use UTC when it is known, which only the live source has)
finds() { grep "\"type\":\"$2\"" "$1" | sed -e 's/,"time":"[^"]*"//' -e 's/,"file":"[^"]*"//'; }
finds "$T/mondb.jsonl" cluster >"$T/mondb.find"
finds "$T/anadb.jsonl" cluster >"$T/anadb.find"
[ -s "$T/anadb.find" ] && cmp -s "$T/mondb.find" "$T/anadb.find" && ok || {
	bad "monitor and analyze clusters differ"
	diff "$T/mondb.find" "$T/anadb.find" >&2
}
[ "$(finds "$T/mondb.jsonl" alert | wc -l)" -eq "$(finds "$T/anadb.jsonl" alert | wc -l)" ] && ok ||
	bad "monitor and analyze raise different numbers of alerts"
start_server -i "$SAMPLE" || exit 1
"$BIN" monitor -d "rtltcp:127.0.0.1:$PORT" -f 847M -s 2.4M --settle 0 -n 1200000 -q \
	-F csv -o "$T/mon.csv" 2>"$T/moncsv.err"
rc=$?
stop_server
[ "$rc" -eq 0 ] && ok || { bad "monitor -F csv: exit $rc"; cat "$T/moncsv.err" >&2; }
"$BIN" analyze -q -f 847M -s 2.4M -F csv "cu8:$T/sent8.cu8" >"$T/ana.csv"
# the same rows but for the time (column 3) and the input name (the last)
csvrows() { awk -F, 'BEGIN { OFS = "," } { $3 = ""; $NF = ""; print }' "$1"; }
[ "$(wc -l <"$T/ana.csv")" -gt 1 ] && [ "$(csvrows "$T/mon.csv")" = "$(csvrows "$T/ana.csv")" ] &&
	ok || { bad "monitor -F csv and analyze -F csv differ"; diff "$T/mon.csv" "$T/ana.csv" >&2; }
head -1 "$T/mon.csv" | grep -q '^type,t_s,time,' && ok || bad "monitor -F csv: no header"
grep -q '^burst,.*,rtltcp:127.0.0.1:' "$T/mon.csv" && ok || bad "monitor -F csv: rows do not name the device"
expect 2 "unknown --output-format" -- "$BIN" monitor -d rtlsdr:0 -f 847M -F xml

# --- 9. --learn: the tracker runs for that long (stream time), the baseline is
# written and monitor ends by itself; analysing the sample against that
# baseline raises no alert.
start_server -i "$SAMPLE" -L || exit 1
"$BIN" monitor -d "rtltcp:127.0.0.1:$PORT" -f 847M -s 2.4M --settle 0 --learn 2s \
	--learn-out "$T/learned.json" >"$T/learn.jsonl" 2>"$T/learn.err"
rc=$?
stop_server
[ "$rc" -eq 0 ] && ok || { bad "monitor --learn: exit $rc"; cat "$T/learn.err" >&2; }
grep -q "learning done" "$T/learn.err" && ok || bad "monitor --learn: did not end by itself"
grep -q '"kind":[[:space:]]*"baseline"' "$T/learned.json" && grep -q '"note"' "$T/learned.json" && ok ||
	bad "monitor --learn: no baseline written"
n=$("$BIN" analyze -q --track "$SAMPLE" | grep -c '"type":"alert"')
[ "$n" -gt 0 ] && ok || bad "the sample raises no alert without a baseline"
n=$("$BIN" analyze -q --baseline "$T/learned.json" "$SAMPLE" | grep -c '"type":"alert"')
[ "$n" -eq 0 ] && ok || bad "$n alerts with the baseline monitor --learn wrote"
last=$(grep -v '"type":"status"' "$T/learn.jsonl" | grep '"type":"burst"' | field t_s | sort -n | tail -1)
awk -v t="${last:-9}" 'BEGIN { exit !(t < 2.0) }' && ok || bad "monitor --learn: a burst at $last s, after 2 s"
mkdir "$T/learn2"
start_server -i "$SAMPLE" -L || exit 1
(cd "$T/learn2" && "$BIN" monitor -d "rtltcp:127.0.0.1:$PORT" -f 847M --settle 0 --learn 0.6 -q \
	>/dev/null 2>&1) && [ -s "$T/learn2/baseline.json" ] && ok || bad "monitor --learn: no baseline.json by default"
stop_server
expect 2 "not both" -- "$BIN" monitor -d rtlsdr:0 -f 847M --learn 10m --fail-on-alert
expect 2 "invalid value for --learn" -- "$BIN" monitor -d rtlsdr:0 -f 847M --learn 10x

echo "monitor: $pass passed, $fail failed" >&2
[ "$fail" -eq 0 ]
