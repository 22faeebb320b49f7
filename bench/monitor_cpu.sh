#!/bin/bash
# monitor_cpu.sh - CPU use of `simsweep monitor` consuming a 2.4 MS/s stream
# in real time (issue 4; target: under 15 % of one core).
#
#   rtltcp_server -i REC -L -r 2400000  ──loopback──▶  simsweep monitor -d rtltcp:...
#   (the stream of a dongle, paced at real time)        (timed: user + system CPU)
#
# usage: bench/monitor_cpu.sh [BUILD_DIR]          (default: build)
#
# environment:
#   MONITOR_S=30      seconds of monitoring (--duration)
#   BENCH_SEED=1      synthesizer seed of the recording
#   BENCH_BURSTS=8    transmissions per second in the recording (mixed scene)
#
# The recording (10 s of the synthesizer's mixed scene, cu8, served in a loop)
# is generated once under BUILD_DIR/bench/data. The baseline, in the same run:
# `simsweep analyze` on the same recording, whose CPU time per second of signal
# is what detection alone costs; monitor's extra is the live path (socket
# thread, ring, conversion, status). Before a figure is printed the monitor's
# output is checked: the summary says the duration was reached, no sample
# was dropped (else the DSP fell behind and the figure is not one of real-time
# operation), and the bursts per second of signal are within 20 % of
# analyze's. Nothing here fails on a time.
set -u -o pipefail

BUILD=${1:-build}
MONITOR_S=${MONITOR_S:-30}
SEED=${BENCH_SEED:-1}
BURSTS=${BENCH_BURSTS:-8}
RATE=2400000
REC_S=10

die() { echo "monitor_cpu: $*" >&2; exit 1; }

[ -f "$BUILD/build.ninja" ] || die "$BUILD is not a meson build directory (make build first)"
BUILD=$(cd "$BUILD" && pwd)
SIMSWEEP=$BUILD/cli/simsweep
SERVER=$BUILD/tests/rtltcp_server
for p in "$SIMSWEEP" "$SERVER"; do
	[ -x "$p" ] || die "$p is missing: build first (ninja -C $BUILD)"
done
[[ $MONITOR_S =~ ^[0-9]+$ ]] && [ "$MONITOR_S" -ge 5 ] || die "MONITOR_S must be an integer >= 5"

DATA=$BUILD/bench/data
mkdir -p "$DATA" || die "cannot create $DATA"
REC=$DATA/monitor_${REC_S}s_seed${SEED}_b${BURSTS}_847M_2.4M.cu8
if [ ! -s "$REC" ]; then
	echo "monitor_cpu: generating $REC_S s of 2.4 MS/s cu8 (seed $SEED)" >&2
	"$SIMSWEEP" synth --scene mixed --duration "$REC_S" -s 2.4M -f 847M --format cu8 \
		--seed "$SEED" --rate-bursts "$BURSTS" -o "$DATA/monitor_tmp" >/dev/null ||
		die "synth failed"
	mv "$DATA/monitor_tmp.sigmf-data" "$REC" || die "cannot move the recording"
	rm -f "$DATA/monitor_tmp.sigmf-meta" "$DATA/monitor_tmp.truth.jsonl"
fi

T=$(mktemp -d)
SRV_PID=
cleanup() {
	[ -n "$SRV_PID" ] && kill "$SRV_PID" 2>/dev/null && wait "$SRV_PID" 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT

# cpu_of OUT CMD...: run CMD, write "user_s system_s wall_s" of it to OUT.
# /usr/bin/time when there is one, else the shell's own accounting of a
# child (getrusage RUSAGE_CHILDREN, through `times`).
cpu_of() {
	local out=$1
	shift
	if [ -x /usr/bin/time ]; then
		/usr/bin/time -f "%U %S %e" -o "$out" "$@"
		return
	fi
	local t0 t1 rc
	t0=$(date +%s.%N)
	bash -c '"$@"; rc=$?; times >&3; exit $rc' sh "$@" 3>"$T/times"
	rc=$?
	t1=$(date +%s.%N)
	# second line of `times`: children's user and system, "0m1.234s 0m0.056s"
	sed -n 2p "$T/times" | awk -v t0="$t0" -v t1="$t1" '{ w = t1 - t0
		split($1, u, /[ms]/); split($2, s, /[ms]/)
		printf "%.3f %.3f %.3f\n", u[1] * 60 + u[2], s[1] * 60 + s[2], w }' >"$out"
	return $rc
}

# ---- baseline: analyze on the same recording -------------------------------
cat "$REC" >/dev/null # page cache
cpu_of "$T/ana.time" "$SIMSWEEP" analyze -f 847M -s 2.4M "cu8:$REC" -o /dev/null 2>"$T/ana.err" ||
	die "analyze failed: $(cat "$T/ana.err")"
ana_bursts=$(sed -n 's/.* \([0-9][0-9]*\) bursts.*/\1/p' "$T/ana.err")
[ -n "$ana_bursts" ] && [ "$ana_bursts" -gt 0 ] || die "analyze found no burst: $(cat "$T/ana.err")"
read -r ana_u ana_s ana_w <"$T/ana.time"

# ---- monitor at real time ---------------------------------------------------
"$SERVER" -i "$REC" -L -r "$RATE" >"$T/port" &
SRV_PID=$!
PORT=
for _ in $(seq 200); do
	PORT=$(sed -n 's/^port //p' "$T/port")
	[ -n "$PORT" ] && break
	sleep 0.05
done
[ -n "$PORT" ] || die "the rtl_tcp test server did not start"
echo "monitor_cpu: monitoring rtltcp:127.0.0.1:$PORT for $MONITOR_S s" >&2
cpu_of "$T/mon.time" "$SIMSWEEP" monitor -d "rtltcp:127.0.0.1:$PORT" -f 847M -s 2.4M \
	--duration "$MONITOR_S" -o "$T/mon.jsonl" 2>"$T/mon.err" ||
	die "monitor failed: $(cat "$T/mon.err")"
kill "$SRV_PID" 2>/dev/null
wait "$SRV_PID" 2>/dev/null
SRV_PID=

# ---- check the output before any figure --------------------------------------
summary=$(grep "duration reached" "$T/mon.err") || die "no summary line: $(cat "$T/mon.err")"
samples=$(echo "$summary" | sed -n 's/.*: \([0-9][0-9]*\) samples analysed.*/\1/p')
bursts=$(echo "$summary" | sed -n 's/.* \([0-9][0-9]*\) bursts.*/\1/p')
dropped=$(echo "$summary" | sed -n 's/.*dropped \([0-9][0-9]*\).*/\1/p')
[ -n "$samples" ] && [ -n "$bursts" ] && [ -n "$dropped" ] || die "cannot read the summary: $summary"
[ "$dropped" -eq 0 ] ||
	die "monitor dropped $dropped samples: it did not keep up, no real-time figure ($summary)"
awk -v b="$bursts" -v n="$samples" -v ab="$ana_bursts" -v an=$((REC_S * RATE)) 'BEGIN {
	r = (b / n) / (ab / an); exit !(r > 0.8 && r < 1.2) }' ||
	die "monitor found $bursts bursts in $samples samples, analyze $ana_bursts in $((REC_S * RATE)): not the same detection"

# ---- figures -------------------------------------------------------------------
read -r mon_u mon_s mon_w <"$T/mon.time"
awk -v mu="$mon_u" -v ms="$mon_s" -v mw="$mon_w" -v n="$samples" -v rate="$RATE" \
	-v au="$ana_u" -v as="$ana_s" -v aw="$ana_w" -v an=$((REC_S * RATE)) \
	-v b="$bursts" -v host="$(nproc) cores, $(uname -m)" -v load="$(cut -d' ' -f1-3 /proc/loadavg)" 'BEGIN {
	sig = n / rate; mcpu = mu + ms; acpu = au + as
	printf "monitor, 2.4 MS/s cu8 over rtl_tcp at real time (%s; load %s)\n", host, load
	printf "%-34s %9s %9s %9s %12s\n", "", "user s", "system s", "wall s", "% of a core"
	printf "%-34s %9.2f %9.2f %9.2f %11.1f%%\n", "simsweep monitor", mu, ms, mw, 100 * mcpu / mw
	printf "%-34s %9.2f %9.2f %9.2f %11.1f%%\n", "baseline: analyze, per signal s", au, as, aw,
		100 * acpu / (an / rate)
	printf "monitor CPU per second of signal: %.1f %% of one core (%.1f s of signal, %d bursts, 0 dropped)\n",
		100 * mcpu / sig, sig, b
	printf "monitor / analyze CPU per sample: %.2fx   target: < 15 %% of one core -> %s\n",
		(mcpu / n) / (acpu / an), 100 * mcpu / mw < 15 ? "met" : "NOT met"
}'
