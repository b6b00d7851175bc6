#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Bad options and config files: nlrsd exits 2 with a message naming the
# option (or FILE:LINE) and creates no device; --help shows the synopsis;
# nlrsctl against a missing socket exits 1 naming the path.
#
#   netns nlrs-t-options-PID (only to prove no TAP device appears)
#   nlrsd --tap topt ... (never gets as far as creating it)
source "$(dirname "$0")/lib.sh"
nlrs_setup options
nlrs_require_prog "$NLRSD" "$NLRSCTL"
TAP=topt

# run_nlrsd NAME ARGS...: run nlrsd in the namespace (5 s at most); sets RC
# and ERR (its stderr).
run_nlrsd() {
	local name=$1
	shift
	RC=0
	timeout 5 ip netns exec "$NS" "$NLRSD" --socket "$SOCK" "$@" \
		>"$TMPD/$name.out" 2>"$TMPD/$name.err" || RC=$?
	ERR=$(cat "$TMPD/$name.err")
}

no_tap() {
	if nlrs_ns ip link show $TAP >/dev/null 2>&1; then
		fail "$1: TAP $TAP was created"
	fi
	[ -e "$SOCK" ] && fail "$1: control socket $SOCK was created"
	log "ok: $1: no TAP device, no socket"
}

bad_option() { # NAME NEEDLE ARGS...
	local name=$1 needle=$2
	shift 2
	run_nlrsd "$name" "$@"
	assert_eq "$name: exit status" 2 "$RC"
	assert_contains "$name: message" "$needle" "$ERR"
	no_tap "$name"
}

bad_option unknown-option --no-such-option --tap $TAP --addr $STACK_IP/24 --no-such-option
bad_option bad-cidr --addr --tap $TAP --addr 192.0.2.300/24
bad_option bad-mtu --mtu --tap $TAP --addr $STACK_IP/24 --mtu lots
bad_option bad-drop-chance --drop-chance --tap $TAP --addr $STACK_IP/24 --drop-chance 101
bad_option bad-mac --mac --tap $TAP --mac 02:00:00:zz:00:01
bad_option bad-route --route --tap $TAP --addr $STACK_IP/24 --route 203.0.113.0/33,$LINUX_IP
bad_option missing-argument --tap --tap

CONF=$TMPD/nlrsd.conf
cat >"$CONF" <<CONFEOF
# a good file, then one bad line
[stack]
buffers = 512
[interface $TAP]
type = tap
addr = $STACK_IP/24
mtu = not-a-number
CONFEOF
bad_option config-bad-value "$CONF:7" -c "$CONF"

cat >"$CONF" <<CONFEOF
[interface $TAP]
addr = $STACK_IP/24
[stack]
no-such-key = 1
CONFEOF
bad_option config-unknown-key "$CONF:4" -c "$CONF"

cat >"$CONF" <<CONFEOF
[interface $TAP]
addr = $STACK_IP/24
this line has no equals sign
CONFEOF
bad_option config-syntax "$CONF:3" -c "$CONF"

bad_option config-missing "$TMPD/absent.conf" -c "$TMPD/absent.conf"

run_nlrsd help --help
assert_eq "--help exit status" 0 "$RC"
help=$(cat "$TMPD/help.out" "$TMPD/help.err")
for word in "nlrsd" "--tap IFNAME" "--addr CIDR" "--socket PATH" "--drop-chance PCT" \
	"--size-limit BYTES" "--pcap-file FILE" "--udp-echo PORT"; do
	assert_contains "--help" "$word" "$help"
done
no_tap "--help"

run_nlrsd version --version
assert_eq "--version exit status" 0 "$RC"
assert_contains "--version" "0.1.0" "$(cat "$TMPD/version.out")"

RC=0
ERR=$("$NLRSCTL" --socket "$TMPD/absent.sock" show all 2>&1 >/dev/null) || RC=$?
assert_eq "nlrsctl with no daemon: exit status" 1 "$RC"
assert_contains "nlrsctl with no daemon: message" "cannot connect to $TMPD/absent.sock" "$ERR"
