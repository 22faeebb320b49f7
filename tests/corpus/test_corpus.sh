#!/bin/sh
# test_corpus.sh - analyze over the real recordings in ../shared/corpus, when
# they are there (they are not part of the project): skips otherwise.
#   - the real GSM uplink capture gives its 4 bursts one TDMA frame
#     (4.615 ms) apart, each one timeslot long, classified as GSM normal
#     bursts;
#   - the real LTE downlink (6 PRB, Amarisoft) is one carrier 1.08 MHz wide,
#     and no burst lies inside it;
#   - the RTL-SDR LTE downlinks (band 3 FDD, band 39 and 41 TD-LTE) give one
#     carrier each and no burst at all;
#   - the clipped RTL-SDR capture raises the overload warning.
set -u
bin=${SIMSWEEP_BIN:?}
corpus=${SIMSWEEP_SHARED:-../shared}/corpus
if [ ! -d "$corpus" ]; then
	echo "SKIP: no corpus at $corpus"
	exit 77
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
check() { # check NAME PYTHON-EXPR-ON-events
	if python3 - "$tmp/out.jsonl" "$2" <<'P'
import json, sys
ev = [json.loads(l) for l in open(sys.argv[1])]
bursts = [e for e in ev if e["type"] == "burst"]
carriers = [e for e in ev if e["type"] == "carrier"]
ok = eval(sys.argv[2])
if not ok:
    for e in ev:
        print("  ", e["type"], e["t_s"], e["duration_s"], e["freq_offset_hz"], e["bandwidth_hz"], e["snr_db"])
sys.exit(0 if ok else 1)
P
	then echo "ok - $1"; else echo "FAIL - $1"; fail=1; fi
}

gsm=$corpus/gsm/gsm-uplink-4bursts_1.0833M.cf32
if [ -f "$gsm" ]; then
	"$bin" analyze -q "$gsm" >"$tmp/out.jsonl" 2>"$tmp/err" || { echo "FAIL - analyze $gsm"; fail=1; }
	check "GSM uplink: 4 bursts" 'len(bursts) == 4'
	check "GSM uplink: one TDMA frame (4.615 ms) apart, within 50 us" \
		'all(abs(b["t_s"] - a["t_s"] - 60e-3 / 13) < 50e-6 for a, b in zip(bursts, bursts[1:]))'
	check "GSM uplink: each about a timeslot (0.5-0.6 ms)" \
		'all(0.5e-3 < b["duration_s"] < 0.6e-3 for b in bursts)'
	check "GSM uplink: strong (SNR > 30 dB), 100-200 kHz wide" \
		'all(b["snr_db"] > 30 and 100e3 < b["bandwidth_hz"] < 200e3 for b in bursts)'
	check "GSM uplink: classified gsm / normal-burst" \
		'all(b["class"] == "gsm" and b["kind"] == "normal-burst" for b in bursts)'
fi

for dl in lte-fdd-downlink-b3-rtlsdr_1815M_1.92M.cu8 tdlte-b39-rtlsdr_1890M_1.92M.cu8 \
	tdlte-b41-rtlsdr-clipped-ppm26.2_2645M_1.92M.cu8; do
	f=$corpus/lte/$dl
	[ -f "$f" ] || continue
	"$bin" analyze -q "$f" >"$tmp/out.jsonl" 2>"$tmp/err" || { echo "FAIL - analyze $f"; fail=1; }
	check "$dl: one carrier, no burst" 'len(carriers) == 1 and len(bursts) == 0'
done

lte=$corpus/lte/lte-downlink-6prb-amarisoft_1.92M.cf32
if [ -f "$lte" ]; then
	"$bin" analyze -q "$lte" >"$tmp/out.jsonl" 2>"$tmp/err" || { echo "FAIL - analyze $lte"; fail=1; }
	check "LTE downlink: one carrier of 1.08 MHz (10 %), centred, whole recording" \
		'len([c for c in carriers if abs(c["bandwidth_hz"] - 1.08e6) < 108e3 and abs(c["freq_offset_hz"]) < 20e3 and c["duration_s"] > 9e-3]) == 1'
	check "LTE downlink: no burst inside the carrier" \
		'not any(abs(b["freq_offset_hz"]) < 540e3 for b in bursts)'
fi

clipped=$corpus/lte/tdlte-b41-rtlsdr-clipped-ppm26.2_2645M_1.92M.cu8
if [ -f "$clipped" ]; then
	"$bin" analyze -q "$clipped" >/dev/null 2>"$tmp/err"
	if grep -q 'overload' "$tmp/err"; then echo "ok - clipped capture: overload warning"; else
		echo "FAIL - clipped capture: no overload warning"; cat "$tmp/err"; fail=1; fi
fi
exit $fail
