#!/bin/sh
# --gps: every event carries the receiver's position from gpsd, or says it
# has none. gpsd's own gpsfake replays a small NMEA log (tests/gps/) of a
# receiver parked at 51.50070 N 0.12460 W; `monitor` runs against the rtl_tcp
# test server at real time until an event with that position is written.
# Skipped (77) without gpsfake or without libgps. Waits end as soon as what
# they wait for is there.
set -u
BIN=${SIMSWEEP_BIN:?}
SERVER=${SIMSWEEP_RTLTCP_SERVER:?}
SAMPLE=${SIMSWEEP_SAMPLES_DIR:?}/nbiot-lte-gsm_847M_2.4M.cu8
NMEA=${SIMSWEEP_SOURCE_ROOT:?}/tests/gps/fixed_5130N_00007W.nmea
PATH=$PATH:/usr/sbin:/sbin # gpsfake runs gpsd
command -v gpsfake >/dev/null && command -v gpsd >/dev/null ||
	{ echo "gps: gpsfake/gpsd not installed: skipped" >&2; exit 77; }
command -v python3 >/dev/null || { echo "gps: python3 missing: skipped" >&2; exit 77; }
if "$BIN" analyze -q --gps=127.0.0.1:1 "$SAMPLE" 2>&1 >/dev/null | grep -q "without libgps"; then
	echo "gps: built without libgps: skipped" >&2
	exit 77
fi
T=$(mktemp -d)
GPS_PID= SRV_PID= MON_PID=
cleanup() {
	[ -n "$MON_PID" ] && kill "$MON_PID" 2>/dev/null
	[ -n "$SRV_PID" ] && kill "$SRV_PID" 2>/dev/null
	[ -n "$GPS_PID" ] && kill "$GPS_PID" 2>/dev/null
	wait 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT
. "$(dirname "$0")/lib.sh"
# Every event line has a position or says it has none (and not both).
all_stamped() {
	python3 -c "
import json, sys
n = 0
for l in open(sys.argv[1]):
    e = json.loads(l)
    has = 'lat' in e and 'lon' in e
    assert has != ('gps' in e), e
    assert not has or 'fix_time' in e, e
    assert 'gps' not in e or e['gps'] == 'no fix', e
    n += 1
assert n > 0
" "$1"
}

# --- without --gps, events have no position keys
"$BIN" analyze -q --track "$SAMPLE" >"$T/plain.jsonl"
grep -q '"lat":\|"gps":' "$T/plain.jsonl" && bad "events without --gps carry position keys" || ok

# --- gpsd not there: every event says "no fix", nothing fails
"$BIN" analyze -q --track --gps=127.0.0.1:"$(free_port)" "$SAMPLE" >"$T/nofix.jsonl" &&
	ok || bad "--gps without gpsd failed"
all_stamped "$T/nofix.jsonl" && ok || bad "--gps without gpsd: an event without \"gps\":\"no fix\""
[ "$(grep -c '"gps":"no fix"' "$T/nofix.jsonl")" -eq "$(wc -l <"$T/nofix.jsonl")" ] && ok ||
	bad "--gps without gpsd: a position from nowhere"

# --- gpsfake: the parked receiver's position on live events
GPORT=$(free_port)
gpsfake -q -n -c 0.1 -P "$GPORT" "$NMEA" >"$T/gpsfake.log" 2>&1 &
GPS_PID=$!
"$SERVER" -i "$SAMPLE" -L -r 2400000 >"$T/port" &
SRV_PID=$!
wait_for "$T/port" '^port ' || bad "test server did not start"
PORT=$(sed -n 's/^port //p' "$T/port")
"$BIN" monitor -d "rtltcp:127.0.0.1:$PORT" -f 847M -s 2.4M --track --gps="127.0.0.1:$GPORT" \
	-o "$T/mon.jsonl" 2>"$T/mon.err" &
MON_PID=$!
wait_for "$T/mon.jsonl" '"lat":51.5007000,"lon":-0.1246000,"fix_time":"2024-05-01T12:00:0' &&
	ok || { bad "no event with the replayed position"; cat "$T/mon.err" "$T/gpsfake.log" >&2; }
kill -TERM "$MON_PID"
wait "$MON_PID"
rc=$?
MON_PID=
[ "$rc" -eq 0 ] && ok || { bad "monitor --gps: exit $rc"; cat "$T/mon.err" >&2; }
all_stamped "$T/mon.jsonl" && ok || bad "monitor --gps: an event without a position or \"no fix\""
grep '"lat":' "$T/mon.jsonl" | grep -v -q '"lat":51.5007000,"lon":-0.1246000[,}]' &&
	bad "monitor --gps: a position not in the log" || ok
# the same through a file analysis, once gpsd has a fix: analyze stamps too
"$BIN" analyze -q --gps="127.0.0.1:$GPORT" "$SAMPLE" >"$T/ana.jsonl" && ok || bad "analyze --gps failed"
all_stamped "$T/ana.jsonl" && ok || bad "analyze --gps: an event without a position or \"no fix\""
# ... and the store keeps each burst's position as its event has it
"$BIN" analyze -q --gps="127.0.0.1:$GPORT" --db "$T/g.db" "$SAMPLE" >"$T/anadb.jsonl" && ok ||
	bad "analyze --gps --db failed"
python3 -c "
import json, sqlite3, sys
ev = [json.loads(l) for l in open(sys.argv[2])]
ev = [e for e in ev if e['type'] in ('burst', 'carrier')]
rows = sqlite3.connect(sys.argv[1]).execute('SELECT t_s, lat, lon, fix_time FROM bursts ORDER BY id').fetchall()
assert len(rows) == len(ev) > 0, (len(rows), len(ev))
for e, r in zip(ev, rows):
    assert abs(e['t_s'] - r[0]) < 1e-6, (e, r)
    if 'lat' in e:
        assert abs(r[1] - e['lat']) < 1e-6 and abs(r[2] - e['lon']) < 1e-6 and r[3] == e['fix_time'], (e, r)
    else:
        assert r[1] is None and r[2] is None, (e, r)
" "$T/g.db" "$T/anadb.jsonl" && ok || bad "the store's positions differ from the events'"
# ... and so do the CSV rows (lat, lon, fix_time before the file column)
"$BIN" analyze -q --gps="127.0.0.1:$GPORT" -F csv -o "$T/g.csv" "$SAMPLE" && ok || bad "analyze --gps -F csv failed"
python3 -c "
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], newline='')))
# (rows written while gpsd has no fix, as the JSON events say 'no fix', are
# empty there: gpsfake's short log may be over by now)
assert rows, rows
for r in rows:
    if r['lat'] or r['lon']:
        assert abs(float(r['lat']) - 51.5007) < 1e-6 and abs(float(r['lon']) + 0.1246) < 1e-6 and r['fix_time'], r
    else:
        assert not r['fix_time'], r
" "$T/g.csv" && ok || bad "CSV rows with a position not in the log"

# --- bad addresses are usage errors
"$BIN" analyze -q --gps=127.0.0.1:notaport "$SAMPLE" >/dev/null 2>"$T/err"
rc=$?
[ "$rc" -eq 2 ] && grep -q "bad port" "$T/err" && ok || bad "--gps=HOST:notaport: exit $rc"

echo "gps: $pass passed, $fail failed" >&2
[ "$fail" -eq 0 ]
