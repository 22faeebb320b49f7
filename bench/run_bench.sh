#!/bin/bash
# run_bench.sh - simsweep's throughput benchmark (issue 6), in one run:
#
#   (1) ref_fftw      minimal FFTW spectrogram: the denominator
#   (2) ref_liquid    liquid-dsp spgramcf on the same data
#   (3) detect_only   libsimsweep's detection stage, no CLI, no JSON
#   (4) analyze       `simsweep analyze` end to end, events to /dev/null
#   (5) analyze x2    `analyze --threads 2`: its JSON must be byte-identical to (4)'s
#   (6) ref_fftw x2   two copies of (1) at once, each on the whole recording: what
#                     two cores of this machine give on independent work, the
#                     ceiling for (5) against (4)
#
# usage: bench/run_bench.sh [BUILD_DIR]          (default: build)
#
# environment:
#   BENCH_MB=512      size of the recording in MiB (>= 512 for the real figures;
#                     smaller for a quick run)
#   BENCH_RUNS=5      timed runs of each program, alternating
#   BENCH_SEED=1      synthesizer seed
#   BENCH_BURSTS=8    transmissions per second in the mixed scene
#   BENCH_RSS=1       0 skips the peak-memory runs
#   BENCH_RSS_MB=4096 size of the long input of the memory run (MiB, streamed
#                     through a pipe, never stored)
#
# The recording is generated once (fixed seed) under BUILD_DIR/bench/data
# and reused. Every program's output is checked before its time is kept:
# checksums equal run to run, the two spectrograms agree on power and shape,
# detect_only and analyze find the same events each run, and roughly the
# synthesizer's truth. Nothing here fails on a time.
set -u -o pipefail

BUILD=${1:-build}
MB=${BENCH_MB:-512}
RUNS=${BENCH_RUNS:-5}
SEED=${BENCH_SEED:-1}
BURSTS=${BENCH_BURSTS:-8}
RSS=${BENCH_RSS:-1}
RSS_MB=${BENCH_RSS_MB:-4096}
RATE=2400000

die() { echo "run_bench: $*" >&2; exit 1; }

[ -f "$BUILD/build.ninja" ] || die "$BUILD is not a meson build directory (make build first)"
BUILD=$(cd "$BUILD" && pwd)
SIMSWEEP=$BUILD/cli/simsweep
REF_FFTW=$BUILD/bench/ref_fftw
REF_LIQUID=$BUILD/bench/ref_liquid
DETECT=$BUILD/bench/detect_only
MAXRSS=$BUILD/bench/maxrss
for p in "$SIMSWEEP" "$REF_FFTW" "$REF_LIQUID" "$DETECT" "$MAXRSS"; do
	[ -x "$p" ] || die "$p is missing: build first (ninja -C $BUILD)"
done
[[ $MB =~ ^[0-9]+$ ]] && [ "$MB" -ge 1 ] || die "BENCH_MB must be a positive integer"
[[ $RUNS =~ ^[0-9]+$ ]] && [ "$RUNS" -ge 1 ] || die "BENCH_RUNS must be a positive integer"

DATA=$BUILD/bench/data
mkdir -p "$DATA" || die "cannot create $DATA"
LOG=$DATA/last-run
mkdir -p "$LOG"

# ---- the recording ---------------------------------------------------------
# cu8 at 2.4 MS/s is 4.8 MB per second: the duration that reaches MB MiB.
DUR=$(( (MB * 1048576 + 2 * RATE - 1) / (2 * RATE) ))
BASE=$DATA/mixed_seed${SEED}_b${BURSTS}_${DUR}s
FILE=$BASE.sigmf-data
TRUTH=$BASE.truth.jsonl
if [ ! -s "$FILE" ] || [ ! -s "$TRUTH" ]; then
	echo "generating $DUR s of 2.4 MS/s cu8 (mixed scene, seed $SEED, $BURSTS tx/s) ..."
	"$SIMSWEEP" synth --scene mixed --duration "$DUR" -s 2.4M --format cu8 \
		--seed "$SEED" --rate-bursts "$BURSTS" -o "$BASE" || die "synth failed"
fi
BYTES=$(stat -c %s "$FILE")
SAMPLES=$(( BYTES / 2 ))

# Truth: every transmission, and those a detector can be asked to find
# (>= 150 us, SNR >= 7 dB: analyze's defaults).
TRUTH_ALL=$(wc -l < "$TRUTH")
TRUTH_DET=$(awk '{
	d = $0; sub(/.*"duration_s":/, "", d); sub(/,.*/, "", d)
	s = $0; sub(/.*"snr_db":/, "", s); sub(/,.*/, "", s)
	if (d + 0 >= 150e-6 && s != "null" && s + 0 >= 7) n++
} END { print n + 0 }' "$TRUTH")

echo "recording: $FILE"
echo "  $BYTES bytes, $SAMPLES samples ($(awk -v s="$SAMPLES" -v r=$RATE 'BEGIN{printf "%.1f", s/r}') s at 2.4 MS/s)," \
	"truth: $TRUTH_ALL transmissions, $TRUTH_DET of them >= 150 us and >= 7 dB SNR"
echo "  machine: $(nproc) cores, $(uname -m), load average $(cut -d' ' -f1-3 /proc/loadavg)"


# Page cache warm: every program reads from memory, not the disk.
cat "$FILE" > /dev/null

# ---- the programs, each checked -------------------------------------------
# Each run_* runs its program once and sets OUT (the checked result line);
# it returns non-zero (after a message) when the output is wrong.
field() { # field KEY LINE
	sed -n "s/.* $1=\([^ ]*\).*/\1/p" <<< " $2"
}

close_rel() { # close_rel A B TOL: |A - B| <= TOL * |B|
	awk -v a="$1" -v b="$2" -v t="$3" 'BEGIN { d = a - b; if (d < 0) d = -d; m = b < 0 ? -b : b; exit !(d <= t * m) }'
}

close_abs() { # close_abs A B TOL
	awk -v a="$1" -v b="$2" -v t="$3" 'BEGIN { d = a - b; if (d < 0) d = -d; exit !(d <= t) }'
}

REF_SUM="" REF_POWER="" REF_CENTROID="" LIQ_SUM="" DET_EVENTS="" DET_SUM="" AN_EVENTS="" AN_SUM=""

run_ref() {
	OUT=$("$REF_FFTW" "$FILE") || { echo "ref_fftw failed" >&2; return 1; }
	local s sum p c
	s=$(field samples "$OUT"); sum=$(field checksum "$OUT"); p=$(field power_dbfs "$OUT"); c=$(field centroid_bin "$OUT")
	[ "$s" = "$SAMPLES" ] || { echo "ref_fftw: $s samples, expected $SAMPLES" >&2; return 1; }
	close_abs "$p" -27 5 || { echo "ref_fftw: mean power $p dBFS, expected about -30 .. -25" >&2; return 1; }
	if [ -z "$REF_SUM" ]; then
		REF_SUM=$sum REF_POWER=$p REF_CENTROID=$c
	elif ! close_rel "$sum" "$REF_SUM" 1e-9; then
		echo "ref_fftw: checksum $sum differs from the first run's $REF_SUM" >&2; return 1
	fi
}

# Two copies of ref_fftw at once, each checked as run_ref checks one.
run_ref2() {
	local o1=$LOG/ref2a.out o2=$LOG/ref2b.out s1 s2
	"$REF_FFTW" "$FILE" > "$o1" & local pid=$!
	"$REF_FFTW" "$FILE" > "$o2" || { wait $pid; echo "ref_fftw (second copy) failed" >&2; return 1; }
	wait $pid || { echo "ref_fftw (first copy) failed" >&2; return 1; }
	s1=$(field checksum "$(cat "$o1")"); s2=$(field checksum "$(cat "$o2")")
	for s in "$s1" "$s2"; do
		[ -n "$s" ] && close_rel "$s" "$REF_SUM" 1e-9 ||
			{ echo "ref_fftw x2: checksum $s, one copy alone $REF_SUM" >&2; return 1; }
	done
	OUT="ref_fftw x2: checksums=$s1,$s2"
}

run_liquid() {
	OUT=$("$REF_LIQUID" "$FILE") || { echo "ref_liquid failed" >&2; return 1; }
	local s sum p c
	s=$(field samples "$OUT"); sum=$(field checksum "$OUT"); p=$(field power_dbfs "$OUT"); c=$(field centroid_bin "$OUT")
	[ "$s" = "$SAMPLES" ] || { echo "ref_liquid: $s samples, expected $SAMPLES" >&2; return 1; }
	close_abs "$p" "$REF_POWER" 0.05 ||
		{ echo "ref_liquid: mean power $p dBFS, ref_fftw $REF_POWER" >&2; return 1; }
	close_abs "$c" "$REF_CENTROID" 0.05 ||
		{ echo "ref_liquid: spectral centroid $c bins, ref_fftw $REF_CENTROID" >&2; return 1; }
	if [ -z "$LIQ_SUM" ]; then
		LIQ_SUM=$sum
	elif ! close_rel "$sum" "$LIQ_SUM" 1e-6; then
		echo "ref_liquid: checksum $sum differs from the first run's $LIQ_SUM" >&2; return 1
	fi
}

# Found events against the truth: at least 80 % of the findable ones, at
# most 120 % of all transmissions.
check_truth() { # check_truth NAME EVENTS
	awk -v n="$2" -v det="$TRUTH_DET" -v all="$TRUTH_ALL" 'BEGIN { exit !(n >= 0.8 * det && n <= 1.2 * all) }' ||
		{ echo "$1: $2 events, truth $TRUTH_ALL ($TRUTH_DET findable)" >&2; return 1; }
}

run_detect() {
	OUT=$("$DETECT" "$FILE") || { echo "detect_only failed" >&2; return 1; }
	local s ev sum
	s=$(field samples "$OUT"); sum=$(field event_checksum "$OUT")
	ev=$(( $(field bursts "$OUT") + $(field carriers "$OUT") ))
	[ "$s" = "$SAMPLES" ] || { echo "detect_only: $s samples, expected $SAMPLES" >&2; return 1; }
	check_truth detect_only "$ev" || return 1
	if [ -z "$DET_EVENTS" ]; then
		DET_EVENTS=$ev DET_SUM=$sum
	elif [ "$ev" != "$DET_EVENTS" ] || [ "$sum" != "$DET_SUM" ]; then
		echo "detect_only: $ev events (checksum $sum), first run $DET_EVENTS ($DET_SUM)" >&2; return 1
	fi
}

# analyze's summary line on stderr: "..., N bursts, M carriers, ...".
summary_events() { # summary_events STDERR_FILE
	sed -n 's/.* \([0-9][0-9]*\) bursts, \([0-9][0-9]*\) carriers.*/\1 \2/p' "$1" |
		awk '{ n += $1 + $2; k++ } END { if (k) printf "%.0f\n", n; else print -1 }'
}

summary_samples() {
	sed -n 's/.*: \([0-9][0-9]*\) samples (.*/\1/p' "$1" | awk '{ n += $1 } END { printf "%.0f\n", n }'
}

run_analyze() {
	"$SIMSWEEP" analyze --threads 1 -o "$LOG/analyze.jsonl" -s 2.4M "cu8:$FILE" 2> "$LOG/analyze.err" ||
		{ echo "analyze failed:" >&2; cat "$LOG/analyze.err" >&2; return 1; }
	local ev s
	ev=$(summary_events "$LOG/analyze.err"); s=$(summary_samples "$LOG/analyze.err")
	OUT="analyze: samples=$s events=$ev"
	[ "$s" = "$SAMPLES" ] || { echo "analyze: $s samples, expected $SAMPLES" >&2; return 1; }
	check_truth analyze "$ev" || return 1
	if [ -n "$DET_EVENTS" ] && [ "$ev" != "$DET_EVENTS" ]; then
		echo "analyze: $ev events, detect_only $DET_EVENTS (same detection, must agree)" >&2; return 1
	fi
	local sum
	sum=$(md5sum < "$LOG/analyze.jsonl")
	if [ -z "$AN_EVENTS" ]; then
		AN_EVENTS=$ev AN_SUM=$sum
	elif [ "$ev" != "$AN_EVENTS" ] || [ "$sum" != "$AN_SUM" ]; then
		echo "analyze: $ev events, first run $AN_EVENTS (or the JSON changed)" >&2; return 1
	fi
}

run_analyze2() {
	local ev s
	"$SIMSWEEP" analyze --threads 2 -o "$LOG/analyze2.jsonl" -s 2.4M "cu8:$FILE" 2> "$LOG/analyze2.err" ||
		{ echo "analyze --threads 2 failed:" >&2; cat "$LOG/analyze2.err" >&2; return 1; }
	ev=$(summary_events "$LOG/analyze2.err"); s=$(summary_samples "$LOG/analyze2.err")
	OUT="analyze2: samples=$s events=$ev"
	[ "$s" = "$SAMPLES" ] || { echo "analyze --threads 2: $s samples, expected $SAMPLES" >&2; return 1; }
	check_truth "analyze --threads 2" "$ev" || return 1
	# Not only as many events: the very same JSON as one thread.
	if [ -n "$AN_SUM" ] && [ "$(md5sum < "$LOG/analyze2.jsonl")" != "$AN_SUM" ]; then
		echo "analyze --threads 2: the JSON differs from one thread's" >&2; return 1
	fi
}

NAMES=(ref detect analyze analyze2 liquid ref2)
declare -A TIMES CPU LABEL
TIMEFORMAT='%R %U %S'
LABEL[ref]="(1) ref_fftw: FFTW minimal"
LABEL[liquid]="(2) liquid-dsp spgramcf"
LABEL[detect]="(3) detect_only (libsimsweep)"
LABEL[analyze]="(4) simsweep analyze"
LABEL[analyze2]="(5) analyze --threads 2"
LABEL[ref2]="(6) ref_fftw x2 at once"

# One untimed pass of each program first: its output is checked (and its
# reference values set) before any time is kept.
echo
echo "checking outputs ..."
for name in "${NAMES[@]}"; do
	"run_$name" || die "${LABEL[$name]}: wrong output, not timed"
	echo "  $OUT"
done

echo "timing $RUNS runs of each, alternating ..."
for ((r = 1; r <= RUNS; r++)); do
	line="  run $r:"
	for name in "${NAMES[@]}"; do
		# Wall time, and the CPU time of the program and its children (user +
		# system): the second is steadier when others share the machine.
		if ! { time "run_$name" 2> "$LOG/err"; } 2> "$LOG/time"; then
			cat "$LOG/err" >&2
			die "${LABEL[$name]}: wrong output in run $r"
		fi
		read -r t u sy < "$LOG/time"
		TIMES[$name]="${TIMES[$name]:-} $t"
		CPU[$name]="${CPU[$name]:-} $(awk -v u="$u" -v s="$sy" 'BEGIN { printf "%.3f", u + s }')"
		line="$line $name ${t}s"
	done
	echo "$line"
done

stats() { # stats "t1 t2 ..." -> "min median max"
	tr ' ' '\n' <<< "$1" | sed '/^$/d' | sort -g |
		awk '{ v[NR] = $1 } END { m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2; print v[1], m, v[NR] }'
}

read -r _ REF_MED _ <<< "$(stats "${TIMES[ref]}")"
echo
printf "%s samples (%.1f s of 2.4 MS/s cu8), %d runs of each\n" \
	"$SAMPLES" "$(awk -v s="$SAMPLES" -v r=$RATE 'BEGIN{print s/r}')" "$RUNS"
printf "%-30s %7s %15s %10s %7s %17s %9s\n" "program" "MS/s" "MS/s min..max" "x realtime" "vs (1)" "wall s min/med/max" "MS/cpu-s"
for name in ref liquid detect analyze analyze2 ref2; do
	# (6) processed the recording twice.
	work=$SAMPLES
	[ "$name" = ref2 ] && work=$(( 2 * SAMPLES ))
	read -r tmin tmed tmax <<< "$(stats "${TIMES[$name]}")"
	read -r _ cmed _ <<< "$(stats "${CPU[$name]}")"
	awk -v l="${LABEL[$name]}" -v s="$work" -v r=$RATE -v a="$tmin" -v m="$tmed" -v b="$tmax" -v ref="$REF_MED" -v one="$SAMPLES" -v c="$cmed" 'BEGIN {
		printf "%-30s %7.1f %7.1f..%-7.1f %9.1fx %6.3fx %5.2f/%5.2f/%5.2f %9.1f\n",
			l, s / m / 1e6, s / b / 1e6, s / a / 1e6, s / r / m, s / one * ref / m, a, m, b, (c > 0 ? s / c / 1e6 : 0) }'
done
echo "MS/s, x realtime and vs (1) from the median wall time; MS/cpu-s from the median CPU time"
echo "(user + system, all processes of the program); (6) counts the samples of both copies."

read -r _ LIQ_MED _ <<< "$(stats "${TIMES[liquid]}")"
read -r _ DET_MED _ <<< "$(stats "${TIMES[detect]}")"
read -r _ AN_MED _ <<< "$(stats "${TIMES[analyze]}")"
read -r _ AN2_MED _ <<< "$(stats "${TIMES[analyze2]}")"
read -r _ REF2_MED _ <<< "$(stats "${TIMES[ref2]}")"
awk -v l="$LIQ_MED" -v d="$DET_MED" -v a="$AN_MED" -v a2="$AN2_MED" -v ref="$REF_MED" 'BEGIN {
	printf "targets (wall): detect/ref %.2f (>= 0.8), detect/liquid %.2f (>= 5), analyze/ref %.2f (>= 0.5), two cores/one %.2f (>= 1.7)\n",
		ref / d, l / d, ref / a, a / a2 }'
# The same ratio per run (the programs of one run ran back to back, so a
# ratio within a run is less exposed to the machine's drift than one of
# medians), and the machine's own two-core figure on independent work.
read -r -a T_AN <<< "${TIMES[analyze]}"; read -r -a T_AN2 <<< "${TIMES[analyze2]}"
read -r -a T_REF <<< "${TIMES[ref]}"; read -r -a T_REF2 <<< "${TIMES[ref2]}"
pair_ratios() { # pair_ratios SCALE A[] B[] -> "r1 r2 ...": SCALE * A[i] / B[i]
	local k=$1; shift
	local -n xa=$1 xb=$2
	for i in "${!xa[@]}"; do awk -v k="$k" -v a="${xa[$i]}" -v b="${xb[$i]}" 'BEGIN { printf "%.3f ", k * a / b }'; done
}
R_AN=$(pair_ratios 1 T_AN T_AN2); R_REF=$(pair_ratios 2 T_REF T_REF2)
read -r a b c <<< "$(stats "$R_AN")"; read -r x y z <<< "$(stats "$R_REF")"
printf "two cores/one per run, median (min..max): analyze %.2f (%.2f..%.2f); two copies of ref_fftw against one: %.2f (%.2f..%.2f), this machine's ceiling\n" \
	"$b" "$a" "$c" "$y" "$x" "$z"
read -r _ C_REF _ <<< "$(stats "${CPU[ref]}")"
read -r _ C_LIQ _ <<< "$(stats "${CPU[liquid]}")"
read -r _ C_DET _ <<< "$(stats "${CPU[detect]}")"
read -r _ C_AN _ <<< "$(stats "${CPU[analyze]}")"
awk -v l="$C_LIQ" -v d="$C_DET" -v a="$C_AN" -v ref="$C_REF" 'BEGIN {
	printf "same by CPU time:    detect/ref %.2f, detect/liquid %.2f, analyze/ref %.2f\n", ref / d, l / d, ref / a }'
echo "events: detect_only $DET_EVENTS, analyze $AN_EVENTS, analyze --threads 2: the same JSON;" \
	"truth $TRUTH_ALL transmissions ($TRUTH_DET >= 150 us and >= 7 dB)"

# ---- peak memory -------------------------------------------------------------
[ "$RSS" = 1 ] || exit 0

# A stream of BYTES bytes: the recording over and over.
stream() { # stream BYTES
	{ while :; do cat "$FILE" || exit 0; done; } | head -c "$1"
}

# peak BYTES: sets PEAK_KB, PEAK_S (wall), PEAK_EVENTS, PEAK_SAMPLES.
peak() {
	local err=$LOG/rss.err t0 t1 kb
	t0=$EPOCHREALTIME
	if [ -x /usr/bin/time ]; then
		stream "$1" | /usr/bin/time -v "$SIMSWEEP" analyze -o /dev/null -s 2.4M cu8:- 2> "$err" ||
			die "analyze on a $1-byte stream failed: $(cat "$err")"
		kb=$(sed -n 's/.*Maximum resident set size (kbytes): *//p' "$err")
	else
		stream "$1" | "$MAXRSS" "$SIMSWEEP" analyze -o /dev/null -s 2.4M cu8:- 2> "$err" ||
			die "analyze on a $1-byte stream failed: $(cat "$err")"
		kb=$(sed -n 's/.*maxrss_kb=\([0-9]*\).*/\1/p' "$err")
	fi
	t1=$EPOCHREALTIME
	PEAK_SAMPLES=$(summary_samples "$err")
	[ "$PEAK_SAMPLES" = $(( $1 / 2 )) ] || die "analyze read $PEAK_SAMPLES samples of a $1-byte stream"
	[ -n "$kb" ] || die "no peak memory figure for analyze"
	PEAK_KB=$kb
	PEAK_S=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }')
	PEAK_EVENTS=$(summary_events "$err")
}

SMALL=40000000
LARGE=$(( RSS_MB * 1048576 ))
echo
echo "peak memory of analyze with its default threads ($(nproc) cores here; cu8:- from a pipe, the recording repeated) ..."
peak $SMALL
kb_s=$PEAK_KB t_s=$PEAK_S ev_s=$PEAK_EVENTS s_s=$PEAK_SAMPLES
peak $LARGE
kb_l=$PEAK_KB t_l=$PEAK_S ev_l=$PEAK_EVENTS s_l=$PEAK_SAMPLES
printf "%-14s %14s %10s %10s %10s\n" "input" "samples" "events" "max RSS" "wall s"
awk -v b=$SMALL -v s="$s_s" -v e="$ev_s" -v k="$kb_s" -v t="$t_s" 'BEGIN { printf "%-14s %14.0f %10d %6.1f MiB %10.1f\n", sprintf("%.0f MB", b / 1e6), s, e, k / 1024, t }'
awk -v b=$LARGE -v s="$s_l" -v e="$ev_l" -v k="$kb_l" -v t="$t_l" 'BEGIN { printf "%-14s %14.0f %10d %6.1f MiB %10.1f\n", sprintf("%.2f GiB", b / 1073741824), s, e, k / 1024, t }'
awk -v a="$kb_s" -v b="$kb_l" 'BEGIN { printf "max RSS ratio long/short: %.3f (target: alike, both under 64 MiB)\n", b / a }'
