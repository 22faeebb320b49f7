# lib.sh - what the CLI test scripts share (sourced, not run): the pass/fail
# counters, and waiting for a line in a file written by a background process.
pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*" >&2; }
# free_port: a TCP port on 127.0.0.1 that nothing listens on.
free_port() { python3 -c "import socket; s = socket.socket(); s.bind(('127.0.0.1', 0)); print(s.getsockname()[1])"; }
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
