# SPDX-License-Identifier: BSD-2-Clause
# shellcheck shell=bash
#
# Helpers shared by the TCP interop tests (tcp_*.sh), on top of lib.sh.
# The stack side is nlrs-tcpapp (tests/integration/tcpapp): a Netloom stack
# on a TAP device with a TCP server or client, one process per run. The
# TAP device is made persistent first and given its Linux address, so that
# several runs in one test attach to it in turn and a client's first SYN
# finds Linux ready:
#
#   +---------------------- netns nlrs-t-NAME-PID ------------------------+
#   |  Linux kernel TCP                 |  nlrs-tcpapp (Netloom stack)    |
#   |  192.0.2.1/24 on TAP  <== TAP ==>  192.0.2.2/24                     |
#   |  (socat, nc, curl, iperf3,        |  server PORT --mode ...  or     |
#   |   python3, tcpdump, tshark)       |  client 192.0.2.1 PORT ...      |
#   +---------------------------------------------------------------------+
#
# nlrs-tcpapp prints "CONN {json}" per finished connection and one
# "RESULT {json}" line at exit; tcp_result/tcp_conn read them.

source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

: "${NLRS_TCPAPP:=$NLRS_BUILD_DIR/tests/integration/tcpapp/nlrs-tcpapp}"
TAP=
APP_PID=
APP_LOG=
APP_RC=

# tcp_setup NAME TAP [MTU]: lib.sh's nlrs_setup, then a persistent TAP with
# Linux's side configured.
tcp_setup() {
	nlrs_setup "$1"
	TAP=$2
	nlrs_require_prog "$NLRS_TCPAPP"
	nlrs_ns ip tuntap add dev "$TAP" mode tap
	if [ -n "${3:-}" ]; then
		nlrs_ns ip link set "$TAP" mtu "$3"
	fi
	nlrs_ns ip addr add "$LINUX_IP/$PREFIX" dev "$TAP"
	nlrs_ns ip link set "$TAP" up
}

# tcp_app LOGNAME ARGS...: start nlrs-tcpapp in the namespace on $TAP with
# 192.0.2.2/24 (ARGS follow), wait for its "ready" line. Sets APP_PID and
# APP_LOG.
tcp_app() {
	local name=$1
	shift
	APP_LOG=$TMPD/$name.log
	nlrs_ns_bg "$name" "$NLRS_TCPAPP" --tap "$TAP" --addr "$STACK_IP/$PREFIX" "$@"
	APP_PID=$BG_PID
	log "nlrs-tcpapp ($name) pid $APP_PID: $*"
	local i
	for ((i = 0; i < 100; i++)); do
		grep -q '^nlrs-tcpapp: ready' "$APP_LOG" 2>/dev/null && return 0
		if ! kill -0 "$APP_PID" 2>/dev/null; then
			cat "$APP_LOG" >&2
			fail "nlrs-tcpapp ($name) exited during start-up"
		fi
		sleep 0.05
	done
	fail "nlrs-tcpapp ($name) did not say ready within 5 s"
}

# tcp_wait SECS: wait for the app started last to exit; its status goes to
# APP_RC. After SECS it is killed and the test fails.
tcp_wait() {
	local secs=$1 i
	for ((i = 0; i < secs * 20; i++)); do
		kill -0 "$APP_PID" 2>/dev/null || break
		sleep 0.05
	done
	if kill -0 "$APP_PID" 2>/dev/null; then
		kill -TERM "$APP_PID" 2>/dev/null
		sleep 0.5
		tail -n 30 "$APP_LOG" >&2
		fail "nlrs-tcpapp did not finish within ${secs}s"
	fi
	APP_RC=0
	wait "$APP_PID" || APP_RC=$?
}

# tcp_stop: SIGTERM the app started last and wait (status in APP_RC).
tcp_stop() {
	kill -TERM "$APP_PID" 2>/dev/null || true
	tcp_wait 10
}

# tcp_result EXPR [LOG]: evaluate the python expression EXPR with r = the
# app's RESULT object (dicts and lists print as JSON, strings bare).
tcp_result() {
	local logf=${2:-$APP_LOG} line
	line=$(grep '^RESULT ' "$logf" | tail -n 1) || true
	[ -n "$line" ] || { tail -n 30 "$logf" >&2; fail "no RESULT line in ${logf##*/}"; }
	"$PY" -c '
import json, sys
r = json.loads(sys.argv[2][len("RESULT "):])
v = eval(sys.argv[1], {"r": r})
print(v if isinstance(v, str) else json.dumps(v))
' "$1" "$line" || fail "cannot evaluate $1 on the RESULT line"
}

# tcp_conn EXPR [LOG]: EXPR with c = the list of CONN objects, in order.
tcp_conn() {
	local logf=${2:-$APP_LOG}
	"$PY" -c '
import json, sys
c = [json.loads(l[len("CONN "):]) for l in open(sys.argv[2]) if l.startswith("CONN ")]
v = eval(sys.argv[1], {"c": c})
print(v if isinstance(v, str) else json.dumps(v))
' "$1" "$logf" || fail "cannot evaluate $1 on the CONN lines"
}

# gen_sha BYTES SEED: SHA-256 of the test stream, computed by sha256sum.
gen_sha() {
	"$NLRS_TCPAPP" gen --bytes "$1" --seed "$2" | sha256sum | cut -d' ' -f1
}

# tcp_listening PORT: a Linux socket listens on PORT in the namespace.
tcp_listening() { nlrs_ns ss -Htln "sport = :$1" | grep -q LISTEN; }

file_sha() { sha256sum "$1" | cut -d' ' -f1; }

# py_sink PORT OUT: a Linux (kernel socket) receiver in the background:
# listens on 192.0.2.1:PORT, takes one connection, reads to EOF, and
# writes "<sha256> <bytes>" (or "RESET <bytes>") to OUT. Python's hashlib
# (OpenSSL) hashes ~4x faster than coreutils' sha256sum. Sets SINK_PID.
py_sink() {
	# (a background job's stdin is /dev/null: the script goes in a file)
	cat >"$TMPD/pysink.py" <<'PYEOF'
import hashlib, socket, sys
l = socket.socket()
l.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
l.bind((sys.argv[1], int(sys.argv[2])))
l.listen(1)
l.settimeout(600)
c, _ = l.accept()
c.settimeout(600)
h = hashlib.sha256()
buf = bytearray(1 << 20)
mv = memoryview(buf)
n = 0
res = None
try:
    while True:
        k = c.recv_into(buf)
        if not k:
            break
        h.update(mv[:k])
        n += k
    res = "%s %d" % (h.hexdigest(), n)
except ConnectionResetError:
    res = "RESET %d" % n
except socket.timeout:
    res = "TIMEOUT %d" % n
c.close()
open(sys.argv[3], "w").write(res + "\n")
PYEOF
	nlrs_ns_bg "pysink$1" "$PY" "$TMPD/pysink.py" "$LINUX_IP" "$1" "$2"
	SINK_PID=$BG_PID
	wait_until 5 "python3 listening on $1" tcp_listening "$1"
}

# py_sha_of_stream BYTES SEED: SHA-256 of the test stream by Python's
# hashlib (fast; the generator is nlrs-tcpapp gen).
py_sha_of_stream() {
	"$NLRS_TCPAPP" gen --bytes "$1" --seed "$2" | "$PY" -c '
import hashlib, sys
h = hashlib.sha256()
b = sys.stdin.buffer
while True:
    d = b.read1(1 << 20)
    if not d:
        break
    h.update(d)
print(h.hexdigest())'
}

# tcp_sanitized: the build under test has ASan+UBSan (NLRS_SANITIZE=ON):
# bulk tests then move less data to stay inside CI time.
tcp_sanitized() {
	grep -qs '^NLRS_SANITIZE:BOOL=ON' "$NLRS_BUILD_DIR/CMakeCache.txt"
}
