#!/bin/sh
# End-to-end checks of the outputs of `simsweep analyze` and of `baseline`,
# `db` and `collect`: CSV parsed back, SigMF annotations beside (never over)
# the input, the SQLite store reopened and queried, baselines and allowlists
# silencing what they explain, --fail-on-alert, --alert-exec without a shell,
# and two sensors collected over a real mosquitto broker into one store.
set -u
BIN=${SIMSWEEP_BIN:?}
SAMPLE=${SIMSWEEP_SAMPLES_DIR:?}/nbiot-lte-gsm_847M_2.4M.cu8
T=$(mktemp -d)
BROKER_PID=
COLLECT_PID=
cleanup() {
	[ -n "$COLLECT_PID" ] && kill "$COLLECT_PID" 2>/dev/null
	[ -n "$BROKER_PID" ] && kill "$BROKER_PID" 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT
. "$(dirname "$0")/lib.sh"
check() { if "$@"; then ok; else bad "$*"; fi; }

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

command -v python3 >/dev/null || { echo "outputs: python3 missing: skipped" >&2; exit 77; }
py() { python3 -c "$@"; }

START=2024-05-01T12:00:00Z
n_bursts=$("$BIN" analyze -q "$SAMPLE" | wc -l)
[ "$n_bursts" -gt 0 ] && ok || bad "the sample gives no events"

# --- CSV: a header, then one row per burst, RFC 4180 (the name has a comma and a quote)
cp "$SAMPLE" "$T/a, \"b\"_847M_2.4M.cu8"
"$BIN" analyze -q -F csv -o "$T/b.csv" "$T/a, \"b\"_847M_2.4M.cu8" && ok || bad "-F csv failed"
check py "
import csv, sys
rows = list(csv.reader(open(sys.argv[1], newline='')))
assert rows[0][:3] == ['type', 't_s', 'time'] and rows[0][-1] == 'file', rows[0]
assert len(rows) == 1 + $n_bursts, len(rows)
for r in rows[1:]:
    assert len(r) == len(rows[0]) and r[-1].endswith('a, \"b\"_847M_2.4M.cu8'), r
    assert r[0] in ('burst', 'carrier') and float(r[5]) > 846e6
" "$T/b.csv"
expect 2 "unknown --output-format" -- "$BIN" analyze -F xml "$SAMPLE"

# --- SigMF: an annotated copy, the input untouched
cp "$SAMPLE" "$T/rec.sigmf-data"
cat >"$T/rec.sigmf-meta" <<EOM
{"global": {"core:datatype": "cu8", "core:sample_rate": 2400000, "core:version": "1.0.0"},
 "captures": [{"core:sample_start": 0, "core:frequency": 847000000, "core:datetime": "$START"}],
 "annotations": []}
EOM
cp "$T/rec.sigmf-meta" "$T/orig.sigmf-meta"
"$BIN" analyze -q --sigmf-annotate "$T/ann.sigmf-meta" "$T/rec.sigmf-meta" >"$T/sig.jsonl" && ok || bad "--sigmf-annotate failed"
cmp -s "$T/rec.sigmf-meta" "$T/orig.sigmf-meta" && ok || bad "the input metadata changed"
check py "
import json, sys
m = json.load(open(sys.argv[1]))
n = sum(1 for _ in open(sys.argv[2]))
a = m['annotations']
assert len(a) == n, (len(a), n)
keys = ['core:sample_start', 'core:sample_count', 'core:freq_lower_edge', 'core:freq_upper_edge', 'core:label', 'core:comment']
for x in a:
    assert all(k in x for k in keys), x
    assert x['core:freq_lower_edge'] < x['core:freq_upper_edge']
assert [x['core:sample_start'] for x in a] == sorted(x['core:sample_start'] for x in a)
assert m['global']['core:dataset'] == 'rec.sigmf-data'
" "$T/ann.sigmf-meta" "$T/sig.jsonl"
expect 1 "is the input itself" -- "$BIN" analyze -q --sigmf-annotate "$T/rec.sigmf-meta" "$T/rec.sigmf-meta"
cmp -s "$T/rec.sigmf-meta" "$T/orig.sigmf-meta" && ok || bad "the input metadata was overwritten"
# a raw recording gets a new metadata file
"$BIN" analyze -q --sigmf-annotate "$T/raw.sigmf-meta" "$SAMPLE" >/dev/null && ok || bad "--sigmf-annotate on raw failed"
check py "
import json, sys
m = json.load(open(sys.argv[1]))
assert m['global']['core:datatype'] == 'cu8' and m['global']['core:sample_rate'] == 2400000
assert len(m['annotations']) == $n_bursts
" "$T/raw.sigmf-meta"

# --clips: one SigMF pair per burst (cf32, centred on the burst, the burst as
# its annotation), named by time and frequency; a clip analysed again gives
# its burst back, at the annotated time and frequency
"$BIN" analyze -q --clips "$T/clips" "$SAMPLE" >"$T/clips.jsonl" && ok || bad "--clips failed"
check py "
import json, os, sys, glob
d, evf = sys.argv[1], sys.argv[2]
ev = [json.loads(l) for l in open(evf)]
bursts = [e for e in ev if e['type'] == 'burst']
metas = sorted(glob.glob(os.path.join(d, '*.sigmf-meta')))
assert len(metas) == len(bursts) > 0, (len(metas), len(bursts))
assert not [f for f in os.listdir(d) if f.endswith('.tmp')], os.listdir(d)
for m in metas:
    t, f = os.path.basename(m)[1:-len('MHz.sigmf-meta')].split('s_')
    e = [e for e in bursts if abs(e['t_s'] - float(t)) < 2e-6 and abs(e['freq_hz'] / 1e6 - float(f)) < 2e-6]
    assert len(e) == 1, (m, e)
    e = e[0]
    j = json.load(open(m))
    g, c, a = j['global'], j['captures'], j['annotations']
    assert g['core:datatype'] == 'cf32_le' and g['core:version'] and g['core:sample_rate'] > 0
    n = os.path.getsize(m[:-5] + '-data')
    assert n > 0 and n % 8 == 0, n
    assert len(c) == 1 and c[0]['core:sample_start'] == 0
    assert abs(c[0]['core:frequency'] - e['freq_hz']) < 1, (c, e)
    assert len(a) == 1
    a = a[0]
    assert 0 <= a['core:sample_start'] and a['core:sample_count'] >= 1
    assert a['core:sample_start'] + a['core:sample_count'] <= n // 8
    assert a['core:freq_lower_edge'] < e['freq_hz'] < a['core:freq_upper_edge']
    assert abs((a['core:freq_upper_edge'] - a['core:freq_lower_edge']) - e['bandwidth_hz']) < 1
    want = e['class'] + ('/' + e['kind'] if e['kind'] else '')
    assert a['core:label'] == want, (a['core:label'], want)
    assert abs(a['core:sample_count'] / g['core:sample_rate'] - e['duration_s']) < 2 / g['core:sample_rate'] + 1e-6
" "$T/clips" "$T/clips.jsonl"
# every clip of an LTE, LTE-M or GSM burst, analysed as a recording of its
# own (short: small FFT frames), gives a burst where its annotation says: one
# overlapping the annotated samples, its centre within 50 kHz
for m in "$T"/clips/*.sigmf-meta; do
	"$BIN" analyze -q --fft-size 32 "$m" >"$m.jsonl" 2>/dev/null || bad "analyze $m failed"
done
check py "
import json, sys, glob
n = 0
for m in glob.glob(sys.argv[1] + '/*.sigmf-meta'):
    j = json.load(open(m))
    a, rate, f = j['annotations'][0], j['global']['core:sample_rate'], j['captures'][0]['core:frequency']
    cls = a['core:label'].split('/')[0]
    if cls not in ('lte', 'lte-m', 'gsm'):
        continue
    t0 = a['core:sample_start'] / rate
    t1 = t0 + a['core:sample_count'] / rate
    ev = [json.loads(l) for l in open(m + '.jsonl')]
    hit = [e for e in ev if e['type'] == 'burst' and e['t_s'] < t1 and
           e['t_s'] + e['duration_s'] > t0 and abs(e['freq_hz'] - f) <= 50e3]
    assert hit, (m, t0, ev)
    n += 1
assert n >= 3, n
" "$T/clips"
# with a start time: UTC names and core:datetime (the clip's first sample,
# the pre margin before the burst)
"$BIN" analyze -q --start-time $START --clips "$T/clips2" "$SAMPLE" >"$T/clips2.jsonl" && ok || bad "--clips with a start time failed"
check py "
import json, os, sys
d = sys.argv[1]
ms = sorted(f for f in os.listdir(d) if f.endswith('.sigmf-meta'))
assert ms and all(f.startswith('20240501T1200') for f in ms), ms
j = json.load(open(os.path.join(d, ms[0])))
assert j['captures'][0]['core:datetime'].startswith('2024-05-01T12:00:00.0'), j['captures']
" "$T/clips2"
# the same name twice: the second pair gets a suffix, nothing is overwritten
"$BIN" analyze -q --clips "$T/clips2" --start-time $START "$SAMPLE" >/dev/null && ok || bad "--clips into a used directory failed"
n=$(ls "$T/clips2" | grep -c '_2\.sigmf-meta$')
[ "$n" -eq "$(grep -c '"type":"burst"' "$T/clips2.jsonl")" ] && ok || bad "--clips: $n suffixed pairs on the second run"
: >"$T/notadir"
expect 1 "notadir" -- "$BIN" analyze -q --clips "$T/notadir" "$SAMPLE"

# --- SQLite: the store reopened and queried
"$BIN" analyze -q --db "$T/a.db" --operator "A. Tester" --location "car park" --vehicle WX-123 \
	--antenna whip --session-note "first run" --start-time $START "$SAMPLE" >"$T/db.jsonl" && ok || bad "--db failed"
check py "
import sqlite3, sys, json
db = sqlite3.connect(sys.argv[1])
assert db.execute('PRAGMA journal_mode').fetchone()[0] == 'wal'
assert db.execute('SELECT COUNT(*) FROM bursts').fetchone()[0] == $n_bursts
op, loc, veh, notes = db.execute('SELECT operator, location, vehicle, notes FROM sessions').fetchone()
assert (op, loc, veh, notes) == ('A. Tester', 'car park', 'WX-123', 'first run')
ev = [json.loads(l) for l in open(sys.argv[2])]
alerts = [e for e in ev if e['type'] == 'alert']
assert alerts and db.execute('SELECT COUNT(*) FROM alerts').fetchone()[0] == len(alerts)
assert db.execute('SELECT COUNT(*) FROM clusters').fetchone()[0] == sum(e['type'] == 'cluster' for e in ev)
assert db.execute('SELECT COUNT(*) FROM coverage').fetchone()[0] == 1
t = sorted(e['t_s'] for e in ev if e['type'] in ('burst', 'carrier'))
assert [round(r[0], 6) for r in db.execute('SELECT t_s FROM bursts ORDER BY t_s')] == [round(x, 6) for x in t]
" "$T/a.db" "$T/db.jsonl"
n=$("$BIN" db "$T/a.db" bursts | wc -l)
[ "$n" -eq "$n_bursts" ] && ok || bad "db bursts gave $n rows, want $n_bursts"
n_range=$(py "
import json, sys
print(sum(1 for l in open(sys.argv[1]) if json.loads(l)['type'] in ('burst', 'carrier') and 0.09 <= json.loads(l)['t_s'] <= 0.2))
" "$T/db.jsonl")
n=$("$BIN" db "$T/a.db" bursts --from 0.09 --to 0.2 | wc -l)
[ "$n" -eq "$n_range" ] && ok || bad "db bursts --from 0.09 --to 0.2 gave $n, want $n_range"
n=$("$BIN" db "$T/a.db" bursts --from 2024-05-01T12:00:00.09Z --to 2024-05-01T12:00:00.2Z | wc -l)
[ "$n" -eq "$n_range" ] && ok || bad "db bursts in a UTC range gave $n, want $n_range"
"$BIN" db "$T/a.db" alerts --session last | grep -q '"reason":' && ok || bad "db alerts has no reason"
"$BIN" db "$T/a.db" emitters | grep -q '"period_s":' && ok || bad "db emitters has no period_s"
expect 1 "none.db: no such store" -- "$BIN" db "$T/none.db" alerts
expect 2 "unknown question" -- "$BIN" db "$T/a.db" frobnicate
expect 1 "cannot open" -- "$BIN" analyze -q --db "$T/nodir/x.db" "$SAMPLE"

# kill -9 in the middle of a long analysis (a stream that stalls): every
# event already printed is in the store, and the store opens cleanly
mkfifo "$T/stream"
( cat "$SAMPLE"; exec sleep 30 ) >"$T/stream" &
WPID=$!
: >"$T/k.jsonl" # exists before the background job opens it
"$BIN" analyze -q -f 847M -s 2.4M --db "$T/k.db" --track cu8:- <"$T/stream" >>"$T/k.jsonl" &
KPID=$!
i=0
while [ "$(wc -l <"$T/k.jsonl")" -lt 3 ] && [ $i -lt 250 ]; do i=$((i + 1)); sleep 0.1; done
kill -9 "$KPID" 2>/dev/null
wait "$KPID" 2>/dev/null
kill "$WPID" 2>/dev/null
wait "$WPID" 2>/dev/null
check py "
import sqlite3, sys, json
ev = [json.loads(l) for l in open(sys.argv[2]) if l.endswith('\\n')]
assert len(ev) >= 3, len(ev)
db = sqlite3.connect(sys.argv[1])
assert db.execute('PRAGMA integrity_check').fetchone()[0] == 'ok'
stored = set(round(r[0], 6) for r in db.execute('SELECT t_s FROM bursts'))
for e in ev:
    if e['type'] in ('burst', 'carrier'):
        assert round(e['t_s'], 6) in stored, e
    if e['type'] == 'alert':
        assert db.execute('SELECT COUNT(*) FROM alerts WHERE alert_id = ?', (e['alert_id'],)).fetchone()[0] == 1
" "$T/k.db" "$T/k.jsonl"

# --- baseline and allowlist: alerts only for what they do not explain
n=$("$BIN" analyze -q --track "$SAMPLE" | grep -c '"type":"alert"')
[ "$n" -gt 0 ] && ok || bad "no alert without a baseline"
"$BIN" baseline -q "$SAMPLE" -o "$T/base.json" && ok || bad "baseline failed"
check py "import json, sys; r = json.load(open(sys.argv[1])); assert r['kind'] == 'baseline' and r['rules'] and all(x['note'] for x in r['rules'])" "$T/base.json"
n=$("$BIN" analyze -q --baseline "$T/base.json" "$SAMPLE" | grep -c '"type":"alert"')
[ "$n" -eq 0 ] && ok || bad "$n alerts with the recording's own baseline"
echo '{"kind": "allowlist", "rules": [{"band": "B20", "note": "lab transmitters"}]}' >"$T/allow.json"
n=$("$BIN" analyze -q --allowlist "$T/allow.json" "$SAMPLE" | grep -c '"type":"alert"')
[ "$n" -eq 0 ] && ok || bad "$n alerts with band 20 allowed"
echo '{"rules": [{"freq_hz": 1800e6, "note": "elsewhere"}]}' >"$T/other.json"
n=$("$BIN" analyze -q --allowlist "$T/other.json" "$SAMPLE" | grep -c '"type":"alert"')
[ "$n" -gt 0 ] && ok || bad "an allowlist for another frequency silenced the alerts"
echo '{"rules": [{"freq_hz": 847e6}]}' >"$T/nonote.json"
expect 1 "nonote.json: rule 1: no \"note\"" -- "$BIN" analyze -q --allowlist "$T/nonote.json" "$SAMPLE"
expect 2 "give the baseline file" -- "$BIN" baseline "$SAMPLE"
"$BIN" analyze -q --fail-on-alert "$SAMPLE" >/dev/null
st=$?
[ "$st" -eq 3 ] && ok || bad "--fail-on-alert with alerts: exit $st, want 3"
"$BIN" analyze -q --fail-on-alert --baseline "$T/base.json" "$SAMPLE" >/dev/null
st=$?
[ "$st" -eq 0 ] && ok || bad "--fail-on-alert without alerts: exit $st, want 0"

# --- --alert-exec: the program runs with the details in its environment,
# without a shell: names with ; and $(...) execute nothing
cat >"$T/alert.sh" <<'EOS'
#!/bin/sh
env | grep '^SIMSWEEP_ALERT_' | sort >>"$ALERT_OUT/alerts.env"
printf '%s|' "$@" >>"$ALERT_OUT/args"
echo >>"$ALERT_OUT/args"
EOS
chmod +x "$T/alert.sh"
mkdir "$T/run"
cp "$SAMPLE" "$T/run/x;touch PWNED;y_847M_2.4M.cu8"
cp "$SAMPLE" "$T/run/\$(touch PWNED2)_847M_2.4M.cu8"
for f in "x;touch PWNED;y_847M_2.4M.cu8" "\$(touch PWNED2)_847M_2.4M.cu8"; do
	(cd "$T/run" && ALERT_OUT="$T" "$BIN" analyze -q --alert-exec "$T/alert.sh first" \
		--alert-arg '$(touch PWNED3)' --alert-arg 'a;touch PWNED4' "$f" >/dev/null) &&
		ok || bad "--alert-exec run on $f failed"
done
for p in PWNED PWNED2 PWNED3 PWNED4; do
	[ -e "$T/run/$p" ] || [ -e "$T/$p" ] && bad "$p exists: something went through a shell" || ok
done
grep -q '^SIMSWEEP_ALERT_FILE=x;touch PWNED;y_847M_2.4M.cu8$' "$T/alerts.env" && ok || bad "SIMSWEEP_ALERT_FILE with ; not passed as is"
grep -q '^SIMSWEEP_ALERT_FILE=\$(touch PWNED2)_847M_2.4M.cu8$' "$T/alerts.env" && ok || bad "SIMSWEEP_ALERT_FILE with \$() not passed as is"
grep -q '^SIMSWEEP_ALERT_SEVERITY=\(medium\|high\)$' "$T/alerts.env" && ok || bad "no SIMSWEEP_ALERT_SEVERITY"
grep -q '^SIMSWEEP_ALERT_REASON=.*not in baseline or allowlist' "$T/alerts.env" && ok || bad "no SIMSWEEP_ALERT_REASON"
grep -q '^SIMSWEEP_ALERT_FREQ_HZ=84[67][0-9.]*$' "$T/alerts.env" && ok || bad "no SIMSWEEP_ALERT_FREQ_HZ"
grep -q '^SIMSWEEP_ALERT_JSON={"type":"alert"' "$T/alerts.env" && ok || bad "no SIMSWEEP_ALERT_JSON"
grep -qx 'first|$(touch PWNED3)|a;touch PWNED4|' "$T/args" && ok || bad "arguments not passed as given: $(head -1 "$T/args")"
expect 1 "nonexistent-program: cannot run it" -- "$BIN" analyze -q --alert-exec "$T/nonexistent-program" "$SAMPLE"

# --- MQTT: two sensors, one collector, one store; a sensor whose broker was
# away delivers its queue on its next run
MOSQ=$(command -v mosquitto || ls /usr/sbin/mosquitto 2>/dev/null)
if [ -z "$MOSQ" ]; then
	echo "outputs: mosquitto not installed: MQTT part skipped" >&2
else
	PORT=$(py "import socket; s = socket.socket(); s.bind(('127.0.0.1', 0)); print(s.getsockname()[1])")
	printf 'listener %s 127.0.0.1\nallow_anonymous true\n' "$PORT" >"$T/mosq.conf"
	[ "$(id -u)" -eq 0 ] && echo "user root" >>"$T/mosq.conf"
	start_broker() {
		"$MOSQ" -c "$T/mosq.conf" >>"$T/broker.log" 2>&1 &
		BROKER_PID=$!
		i=0
		while ! py "import socket; socket.create_connection(('127.0.0.1', $PORT), 1)" 2>/dev/null; do
			i=$((i + 1)); [ $i -gt 50 ] && break; sleep 0.1
		done
	}
	stop_broker() { kill "$BROKER_PID"; wait "$BROKER_PID" 2>/dev/null; BROKER_PID=; }
	URL="mqtt://127.0.0.1:$PORT/site"
	start_broker
	"$BIN" collect -q --mqtt "$URL" --db "$T/site.db" --client-id test-collector --idle 4 &
	COLLECT_PID=$!
	sleep 1
	"$BIN" analyze -q --mqtt "$URL" --sensor north --mqtt-queue "$T/north.q" --start-time $START "$SAMPLE" >/dev/null &&
		"$BIN" analyze -q --mqtt "$URL" --sensor south --mqtt-queue "$T/south.q" "$SAMPLE" >/dev/null && ok || bad "publishing failed"
	wait "$COLLECT_PID" && ok || bad "collect failed"
	COLLECT_PID=
	check py "
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
assert db.execute('PRAGMA journal_mode').fetchone()[0] == 'wal'
s = sorted(r[0] for r in db.execute('SELECT sensor FROM sessions'))
assert s == ['north', 'south'], s
n = db.execute('SELECT COUNT(*) FROM bursts').fetchone()[0]
assert n == 2 * $n_bursts, n
assert db.execute('SELECT COUNT(*) FROM bursts b JOIN sessions s ON b.session = s.id WHERE s.sensor = \"north\" AND b.time IS NOT NULL').fetchone()[0] == $n_bursts
assert db.execute('SELECT COUNT(*) FROM alerts').fetchone()[0] > 0
assert db.execute('SELECT COUNT(*) FROM emitters').fetchone()[0] > 0
" "$T/site.db"
	# the broker stops: the sensor keeps its events; the next run sends them
	stop_broker
	"$BIN" analyze -q --mqtt "$URL" --sensor east --mqtt-queue "$T/east.q" --mqtt-wait 0.5 "$SAMPLE" >/dev/null && ok || bad "a sensor without its broker failed"
	[ -s "$T/east.q" ] && ok || bad "no queue left while the broker was away"
	start_broker
	"$BIN" collect -q --mqtt "$URL" --db "$T/site.db" --client-id test-collector --idle 4 &
	COLLECT_PID=$!
	sleep 1
	"$BIN" analyze -q --mqtt "$URL" --sensor east --mqtt-queue "$T/east.q" "$SAMPLE" >/dev/null && ok || bad "the second east run failed"
	wait "$COLLECT_PID" && ok || bad "the second collect failed"
	COLLECT_PID=
	[ ! -e "$T/east.q" ] && ok || bad "the queue was not emptied"
	check py "
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
n = db.execute('SELECT COUNT(*) FROM bursts b JOIN sessions s ON b.session = s.id WHERE s.sensor = \"east\"').fetchone()[0]
assert n == 2 * $n_bursts, n
assert db.execute('SELECT COUNT(*) FROM sessions WHERE sensor = \"east\"').fetchone()[0] == 2
" "$T/site.db"
	expect 2 "give --mqtt URL and --db FILE" -- "$BIN" collect --db "$T/x.db"
	expect 2 "not an MQTT URL" -- "$BIN" collect --mqtt "http://x" --db "$T/x.db"
	stop_broker
	# two sensors publishing at the same time, the broker stopped in the
	# middle of their run and started again: every event of both is in the
	# collector's store exactly once. Each sensor reads the sample twice
	# through a pipe; the second copy is analysed while the broker is away
	# (the events wait in the sensor's queue file). The broker keeps its
	# sessions on disk, as a site's broker would, so the collector's
	# subscription survives the restart.
	printf 'persistence true\npersistence_location %s/\n' "$T" >>"$T/mosq.conf"
	for l in error warning notice information subscribe; do echo "log_type $l"; done >>"$T/mosq.conf"
	start_broker
	"$BIN" collect -q --mqtt "$URL" --db "$T/two.db" --client-id test-collector-2 &
	COLLECT_PID=$!
	# wait_rows SQL N: until the store answers N or more (60 s at most)
	wait_rows() {
		i=0
		while [ $i -lt 600 ]; do
			n=$(py "
import sqlite3, sys
try:
    print(sqlite3.connect(sys.argv[1]).execute(sys.argv[2]).fetchone()[0])
except Exception:
    print(0)
" "$T/two.db" "$1")
			[ "$n" -ge "$2" ] && return 0
			i=$((i + 1))
			sleep 0.1
		done
		return 1
	}
	wait_lines() { # FILE PATTERN N: until FILE has N lines matching PATTERN (60 s at most)
		i=0
		while [ "$(grep -c -- "$2" "$1" 2>/dev/null)" -lt "$3" ] && [ $i -lt 600 ]; do
			i=$((i + 1))
			sleep 0.1
		done
		[ "$(grep -c -- "$2" "$1")" -ge "$3" ]
	}
	# nobody publishes before the broker has the collector's subscription
	i=0
	while ! grep -q 'test-collector-2 1 site/' "$T/broker.log" && [ $i -lt 600 ]; do
		i=$((i + 1))
		sleep 0.1
	done
	grep -q 'test-collector-2 1 site/' "$T/broker.log" && ok || bad "the collector did not subscribe"
	n_burst_ev=$(grep -c '"type":"burst"' "$T/db.jsonl")
	SENSOR_PIDS=
	for s in A B; do
		mkfifo "$T/fifo.$s"
		(cat "$SAMPLE"; while [ ! -e "$T/go" ]; do sleep 0.05; done; cat "$SAMPLE") >"$T/fifo.$s" &
		: >"$T/sensor.$s.jsonl"
		"$BIN" analyze -q -f 847M -s 2.4M --mqtt "$URL" --sensor "$s" --mqtt-queue "$T/$s.q" \
			--mqtt-wait 120 --track -o "$T/sensor.$s.jsonl" "cu8:-" <"$T/fifo.$s" 2>"$T/sensor.$s.err" &
		SENSOR_PIDS="$SENSOR_PIDS $!"
	done
	# both sensors' first halves reach the store, then the broker stops
	wait_rows "SELECT COUNT(*) FROM bursts b JOIN sessions s ON b.session = s.id WHERE s.sensor = 'A'" "$n_burst_ev" &&
		wait_rows "SELECT COUNT(*) FROM bursts b JOIN sessions s ON b.session = s.id WHERE s.sensor = 'B'" "$n_burst_ev" &&
		ok || bad "the first half of the sensors' events did not reach the store"
	stop_broker
	touch "$T/go"
	# the second halves are analysed while the broker is away
	wait_lines "$T/sensor.A.jsonl" '"type":"burst"' $((2 * n_burst_ev)) &&
		wait_lines "$T/sensor.B.jsonl" '"type":"burst"' $((2 * n_burst_ev)) && ok ||
		bad "the sensors did not analyse the second half"
	[ -s "$T/A.q" ] && [ -s "$T/B.q" ] && ok || bad "no queued events while the broker was away"
	start_broker
	for p in $SENSOR_PIDS; do
		wait "$p" && ok || bad "a sensor failed across the broker restart"
	done
	cat "$T"/sensor.*.err >&2
	# every event of both is there (waits until the collector has them all)
	total=$(cat "$T/sensor.A.jsonl" "$T/sensor.B.jsonl" | grep -c '"type":"\(burst\|carrier\)"')
	wait_rows "SELECT COUNT(*) FROM bursts" "$total" || bad "not every burst reached the store"
	total_alerts=$(cat "$T/sensor.A.jsonl" "$T/sensor.B.jsonl" | grep -c '"type":"alert"')
	wait_rows "SELECT COUNT(*) FROM alerts" "$total_alerts" || bad "not every alert reached the store"
	total_status=$(cat "$T/sensor.A.jsonl" "$T/sensor.B.jsonl" | grep -c '"type":"status"')
	wait_rows "SELECT COUNT(*) FROM coverage" "$total_status" || bad "not every status reached the store"
	kill "$COLLECT_PID"
	wait "$COLLECT_PID" && ok || bad "collect did not stop cleanly"
	COLLECT_PID=
	[ ! -e "$T/A.q" ] && [ ! -e "$T/B.q" ] && ok || bad "a sensor's queue was not emptied"
	check py "
import sqlite3, sys, json
db = sqlite3.connect(sys.argv[1])
assert db.execute('PRAGMA integrity_check').fetchone()[0] == 'ok'
s = sorted(r[0] for r in db.execute('SELECT sensor FROM sessions'))
assert s == ['A', 'B'], s
for sensor in ('A', 'B'):
    ev = [json.loads(l) for l in open(sys.argv[2] + '/sensor.' + sensor + '.jsonl')]
    q = lambda sql: [tuple(r) for r in db.execute(sql + (' AND' if ' WHERE ' in sql else ' WHERE') + ' session = (SELECT id FROM sessions WHERE sensor = ?)', (sensor,))]
    def same(kind, rows, want):
        assert sorted(rows) == sorted(want), (sensor, kind, len(rows), len(want))
    same('bursts', q('SELECT type, round(t_s, 6), sample FROM bursts'),
         [(e['type'], round(e['t_s'], 6), e['sample']) for e in ev if e['type'] in ('burst', 'carrier')])
    same('clusters', q('SELECT cluster_id, round(t_s, 6) FROM clusters'),
         [(e['cluster_id'], round(e['t_s'], 6)) for e in ev if e['type'] == 'cluster'])
    same('alerts', q('SELECT alert_id FROM alerts'), [(e['alert_id'],) for e in ev if e['type'] == 'alert'])
    same('emitters', q('SELECT emitter_id FROM emitters'), sorted(set((e['emitter_id'],) for e in ev if e['type'] == 'emitter')))
    same('coverage', q('SELECT round(covered_s, 3) FROM coverage'), [(round(e['covered_s'], 3),) for e in ev if e['type'] == 'status'])
" "$T/two.db" "$T"
fi

echo "outputs: $pass passed, $fail failed" >&2
[ "$fail" -eq 0 ]
