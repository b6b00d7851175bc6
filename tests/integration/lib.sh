# SPDX-License-Identifier: BSD-2-Clause
# shellcheck shell=bash
#
# Helpers for the integration tests. Each test script sources this file,
# calls nlrs_setup NAME (which makes a network namespace of its own and arms
# a cleanup trap), starts nlrsd in it with nlrs_start_nlrsd, drives Linux
# programs in the namespace with nlrs_ns, and asserts on what they print and
# on nlrsd's counters.
#
# The usual topology (one namespace per test, named nlrs-t-NAME-PID):
#
#   +------------------- netns nlrs-t-NAME-PID ---------------------+
#   |  Linux kernel stack             |  nlrsd (userspace stack)    |
#   |  192.0.2.1/24 on TAP  <== TAP ==>  192.0.2.2/24               |
#   |  (ping, socat, nc, python,      |  --socket TMPDIR/nlrsd.sock |
#   |   scapy, tcpdump run here)      |  (nlrsctl reads it)         |
#   +---------------------------------------------------------------+
#
# Only documentation addresses are used (192.0.2.0/24, 198.51.100.0/24,
# 203.0.113.0/24). Everything the test made (processes, devices, the
# namespace, the temp dir) goes away on every exit path.
#
# Exit status: 0 pass, 1 fail, 77 skipped (not root / no /dev/net/tun);
# CTest maps 77 to "skipped" (SKIP_RETURN_CODE).
#
# Environment (CTest sets these; defaults suit a run by hand):
#   NLRS_BUILD_DIR         build directory            (<repo>/build)
#   NLRSD NLRSCTL NLRS_EXAMPLE_UDP_ECHO  programs     (inside the build dir)
#   NLRS_KEEP=1            keep the temp dir (logs, captures) after the test

set -euo pipefail

NLRS_ITEST_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
NLRS_REPO=$(cd "$NLRS_ITEST_DIR/../.." && pwd)
: "${NLRS_BUILD_DIR:=$NLRS_REPO/build}"
: "${NLRSD:=$NLRS_BUILD_DIR/stack/nlrsd/nlrsd}"
: "${NLRSCTL:=$NLRS_BUILD_DIR/tools/nlrsctl}"
: "${NLRS_EXAMPLE_UDP_ECHO:=$NLRS_BUILD_DIR/tests/examples/example_udp_echo}"
# Debian's python3 carries scapy; a python3 earlier on PATH (pyenv) may not.
if [ -x /usr/bin/python3 ]; then PY=/usr/bin/python3; else PY=python3; fi

STACK_IP=192.0.2.2
LINUX_IP=192.0.2.1
PREFIX=24

TEST=unnamed
NS=
TMPD=
SOCK=
NLRSD_PID=
NLRS_PIDS=()
NLRS_NSES=()

log() { printf '[%s] %s\n' "$TEST" "$*"; }

# Print nlrsd's log, so a failure shows what the stack said.
nlrs__dump_logs() {
	local f
	for f in "$TMPD"/*.log; do
		[ -s "$f" ] || continue
		printf -- '----- %s (last 40 lines) -----\n' "${f##*/}"
		tail -n 40 "$f"
	done
}

# fds 8 and 9: the test's own stdout and stderr, still reachable where a
# caller redirected 1 and 2 (a trap can run inside such a redirection).
exec 8>&1 9>&2

fail() {
	printf 'FAIL [%s]: %s\n' "$TEST" "$*" >&9
	exit 1
}

skip() {
	printf 'SKIP [%s]: %s\n' "$TEST" "$*"
	exit 77
}

# ---------------------------------------------------------------- asserts
# Each prints what it checked; a failure says what was expected and what came.

assert_eq() { # WHAT EXPECTED GOT
	[ "$2" = "$3" ] || fail "$1: expected '$2', got '$3'"
	log "ok: $1 = $3"
}

assert_ne() { # WHAT UNWANTED GOT
	[ "$2" != "$3" ] || fail "$1: expected anything but '$2'"
	log "ok: $1 = $3 (not $2)"
}

assert_int() { # WHAT VALUE: VALUE must be a decimal integer
	[[ "$2" =~ ^-?[0-9]+$ ]] || fail "$1: expected an integer, got '$2'"
}

assert_ge() { # WHAT GOT MIN
	assert_int "$1" "$2"
	[ "$2" -ge "$3" ] || fail "$1: expected >= $3, got $2"
	log "ok: $1 = $2 (>= $3)"
}

assert_le() { # WHAT GOT MAX
	assert_int "$1" "$2"
	[ "$2" -le "$3" ] || fail "$1: expected <= $3, got $2"
	log "ok: $1 = $2 (<= $3)"
}

assert_between() { # WHAT GOT MIN MAX
	assert_int "$1" "$2"
	{ [ "$2" -ge "$3" ] && [ "$2" -le "$4" ]; } ||
		fail "$1: expected between $3 and $4, got $2"
	log "ok: $1 = $2 (in $3..$4)"
}

assert_contains() { # WHAT NEEDLE HAYSTACK
	case "$3" in
	*"$2"*) log "ok: $1 contains '$2'" ;;
	*) fail "$1: expected to contain '$2', got:
$3" ;;
	esac
}

assert_not_contains() { # WHAT NEEDLE HAYSTACK
	case "$3" in
	*"$2"*) fail "$1: expected not to contain '$2', got:
$3" ;;
	*) log "ok: $1 does not contain '$2'" ;;
	esac
}

assert_match() { # WHAT ERE TEXT
	grep -Eq -- "$2" <<<"$3" || fail "$1: expected to match /$2/, got:
$3"
	log "ok: $1 matches /$2/"
}

# wait_until SECONDS WHAT CMD...: poll CMD every 0.1 s until it succeeds.
wait_until() {
	local secs=$1 what=$2
	shift 2
	local i n=$((secs * 10))
	for ((i = 0; i < n; i++)); do
		"$@" >/dev/null 2>&1 && return 0
		sleep 0.1
	done
	fail "timed out after ${secs}s waiting for: $what"
}

# ------------------------------------------------------------ environment

nlrs_require_root() {
	[ "$(id -u)" -eq 0 ] || skip "needs root (network namespaces, TAP devices)"
	[ -c /dev/net/tun ] || skip "no /dev/net/tun"
}

nlrs_require_cmd() { # CMD...
	local c
	for c in "$@"; do
		command -v "$c" >/dev/null 2>&1 || fail "missing program '$c' (run tools/bootstrap.sh)"
	done
}

nlrs_require_prog() { # PATH...: a program the project builds
	local p
	for p in "$@"; do
		[ -x "$p" ] || fail "not built: $p (build dir $NLRS_BUILD_DIR)"
	done
}

nlrs__cleanup() {
	local rc=$?
	set +e
	exec 1>&8 2>&9
	trap - EXIT INT TERM
	local pid i
	for pid in "${NLRS_PIDS[@]}"; do
		kill -TERM "$pid" 2>/dev/null
	done
	for pid in "${NLRS_PIDS[@]}"; do
		for ((i = 0; i < 20; i++)); do
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.1
		done
		kill -KILL "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
	done
	# Under NLRS_SANITIZE=ON a report from nlrsd (or the example) fails
	# the test even when the process was killed at the end.
	if [ -n "$TMPD" ] && grep -qsE 'ERROR: (Address|Leak)Sanitizer|runtime error:' "$TMPD"/*.log; then
		printf 'FAIL [%s]: sanitizer report in %s\n' "$TEST" \
			"$(grep -lsE 'ERROR: (Address|Leak)Sanitizer|runtime error:' "$TMPD"/*.log | xargs -n1 basename | tr '\n' ' ')"
		[ "$rc" -eq 0 ] && rc=1
	fi
	local ns dev
	for ns in "${NLRS_NSES[@]}"; do
		ip netns list | grep -qw -- "$ns" || continue
		# Whatever still runs in the namespace was started by this test
		# (a foreground peer when a signal came).
		for pid in $(ip netns pids "$ns" 2>/dev/null); do
			kill -KILL "$pid" 2>/dev/null
		done
		# TAP devices and veth pairs die with the namespace; delete them
		# first anyway so nothing lingers if a process still holds one.
		for dev in $(ip -n "$ns" -o link show 2>/dev/null | awk -F': ' '{print $2}' | cut -d@ -f1); do
			[ "$dev" = lo ] || ip -n "$ns" link del "$dev" 2>/dev/null
		done
		ip netns del "$ns"
	done
	if [ "$rc" -ne 0 ] && [ "$rc" -ne 77 ] && [ -n "$TMPD" ]; then
		nlrs__dump_logs >&2
	fi
	if [ -n "$TMPD" ]; then
		if [ "${NLRS_KEEP:-0}" = 1 ]; then
			log "kept $TMPD"
		else
			rm -rf -- "$TMPD"
		fi
	fi
	if [ "$rc" -eq 0 ]; then
		log PASS
	elif [ "$rc" -ne 77 ]; then
		log "FAILED (exit $rc)"
	fi
	exit "$rc"
}

# A test killed outright (SIGKILL from a ctest timeout) cannot clean up:
# remove namespaces of earlier tests whose script is gone, with anything
# still running in them.
nlrs__reap_stale() {
	local ns pid p
	for ns in $(ip netns list 2>/dev/null | awk '{print $1}'); do
		[[ "$ns" =~ ^nlrs-t-[a-z0-9_]+-([0-9]+)$ ]] || continue
		pid=${BASH_REMATCH[1]}
		kill -0 "$pid" 2>/dev/null && continue
		for p in $(ip netns pids "$ns" 2>/dev/null); do
			kill -KILL "$p" 2>/dev/null || true
		done
		ip netns del "$ns" 2>/dev/null && log "removed stale namespace $ns"
	done
	return 0
}

# nlrs_setup NAME: skip unless root, make the namespace and temp dir, arm
# the cleanup trap.
nlrs_setup() {
	TEST=$1
	nlrs_require_root
	nlrs_require_cmd ip "$PY"
	nlrs__reap_stale
	NS="nlrs-t-$TEST-$$"
	trap nlrs__cleanup EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM
	TMPD=$(mktemp -d "/tmp/nlrs-t-$TEST.XXXXXX")
	SOCK=$TMPD/nlrsd.sock
	nlrs__add_ns "$NS"
	log "netns $NS, temp dir $TMPD"
}

nlrs__add_ns() { # NAME
	NLRS_NSES+=("$1")
	ip netns add "$1"
	ip -n "$1" link set lo up
	# No IPv6 in the namespace: keeps router solicitations and DAD off the
	# TAP so drop counters move only for what a test sends.
	ip netns exec "$1" sysctl -qw net.ipv6.conf.default.disable_ipv6=1 \
		net.ipv6.conf.all.disable_ipv6=1
}

# nlrs_add_ns ROLE VAR: a further namespace for this test, named
# nlrs-t-TEST_ROLE-PID and removed on exit like the first; the name goes
# to the variable VAR (not $(...): the list of namespaces lives here).
nlrs_add_ns() {
	local name="nlrs-t-${TEST}_$1-$$"
	nlrs__add_ns "$name"
	printf -v "$2" '%s' "$name"
	log "netns $name"
}

# nlrs_ns CMD...: run CMD in the test's namespace.
nlrs_ns() { ip netns exec "$NS" "$@"; }

# nlrs_bg LOGNAME CMD...: start CMD in the background, output to
# TMPD/LOGNAME.log; it is killed on exit. Sets BG_PID.
nlrs_bg() {
	local name=$1
	shift
	"$@" >"$TMPD/$name.log" 2>&1 &
	BG_PID=$!
	NLRS_PIDS+=("$BG_PID")
}

nlrs__tap_ready() { # TAP
	nlrs_ns ip link show "$1" 2>/dev/null | grep -q '[<,]UP[,>]'
}

# nlrs_ns_bg LOGNAME CMD...: nlrs_bg for a command run in the namespace
# (BG_PID is the command itself: ip netns exec execs it).
nlrs_ns_bg() {
	local name=$1
	shift
	nlrs_bg "$name" ip netns exec "$NS" "$@"
}

# nlrs_start_nlrsd TAP [ARGS...]: start nlrsd in the namespace on TAP with
# 192.0.2.2/24 and a control socket in the temp dir (ARGS are appended, so
# they apply to TAP where per-device). Waits for the socket and the TAP.
nlrs_start_nlrsd() {
	local tap=$1
	shift
	nlrs_require_prog "$NLRSD" "$NLRSCTL"
	rm -f -- "$SOCK"
	nlrs_ns_bg nlrsd "$NLRSD" --socket "$SOCK" \
		--tap "$tap" --addr "$STACK_IP/$PREFIX" "$@"
	NLRSD_PID=$BG_PID
	log "nlrsd pid $NLRSD_PID: --tap $tap --addr $STACK_IP/$PREFIX $*"
	local i
	for ((i = 0; i < 100; i++)); do
		kill -0 "$NLRSD_PID" 2>/dev/null || fail "nlrsd exited during start-up"
		if [ -S "$SOCK" ] && nlrs__tap_ready "$tap"; then
			return 0
		fi
		sleep 0.1
	done
	fail "nlrsd did not create $SOCK and bring $tap up within 10 s"
}

# nlrs_linux_side TAP: give the kernel side of TAP 192.0.2.1/24.
nlrs_linux_side() {
	local tap=$1
	nlrs_ns ip addr add "$LINUX_IP/$PREFIX" dev "$tap"
	nlrs_ns ip link set "$tap" up
}

# nlrs_nlrsd_alive: fail unless nlrsd is still running.
nlrs_nlrsd_alive() {
	kill -0 "$NLRSD_PID" 2>/dev/null || fail "nlrsd is no longer running"
	log "ok: nlrsd still running (pid $NLRSD_PID)"
}

# nlrs_stop_nlrsd [SIGNAL]: signal nlrsd (TERM), wait for it; its exit
# status goes to NLRSD_RC. (Not in $(...): wait needs this shell.)
# shellcheck disable=SC2034 # NLRSD_RC is read by the test scripts
nlrs_stop_nlrsd() {
	NLRSD_RC=0
	kill -"${1:-TERM}" "$NLRSD_PID" 2>/dev/null || true
	wait "$NLRSD_PID" || NLRSD_RC=$?
}

nlrs_ctl() { "$NLRSCTL" --socket "$SOCK" "$@"; }

# nlrs_json WHAT EXPR: run `nlrsctl --json show WHAT`, print the python
# expression EXPR evaluated with d = the decoded object (lists and dicts are
# printed as JSON, strings bare).
nlrs_json() {
	local out
	out=$(nlrs_ctl --json show "$1") || fail "nlrsctl --json show $1 failed"
	"$PY" -c '
import json, sys
d = json.loads(sys.argv[2])
v = eval(sys.argv[1], {"d": d})
print(v if isinstance(v, str) else json.dumps(v))
' "$2" "$out" || fail "cannot evaluate $2 on: $out"
}

# counter NAME: the current value of a stack counter.
counter() {
	local out
	out=$(nlrs_ctl --json show counters) || fail "nlrsctl --json show counters failed"
	"$PY" -c '
import json, sys
c = json.loads(sys.argv[2])["counters"]
if sys.argv[1] not in c:
    sys.exit("nlrsctl reports no counter named " + sys.argv[1])
print(c[sys.argv[1]])
' "$1" "$out" || fail "cannot read counter $1"
}

# drop_total: the sum of every drop counter (those stack/counters.h
# describes as "drop: ...").
drop_total() {
	local out
	out=$(nlrs_ctl --json show counters) || fail "nlrsctl --json show counters failed"
	"$PY" -c '
import json, re, sys
drops = set(re.findall(r"X\((\w+),\s*\"drop:", open(sys.argv[1]).read()))
c = json.loads(sys.argv[2])["counters"]
print(sum(v for k, v in c.items() if k in drops))
' "$NLRS_REPO/stack/counters.h" "$out" || fail "cannot sum the drop counters"
}

# kernel_mac DEV: the Linux side's MAC of DEV.
kernel_mac() { nlrs_ns cat "/sys/class/net/$1/address"; }

# stack_mac IFNAME: the MAC nlrsctl reports for nlrsd's interface.
stack_mac() {
	nlrs_json interfaces "[i['mac'] for i in d['interfaces'] if i['name'] == '$1'][0]"
}

# ping_received OUTPUT: the "N received" figure of ping's summary.
ping_received() {
	sed -n 's/.* \([0-9][0-9]*\) received.*/\1/p' <<<"$1" | tail -n 1
}

# ping_loss OUTPUT: the "N% packet loss" figure (integer part).
ping_loss() {
	sed -n 's/.* \([0-9][0-9.]*\)% packet loss.*/\1/p' <<<"$1" | tail -n 1 | cut -d. -f1
}
