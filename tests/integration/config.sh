#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# A config file (-c) sets up what the options would: interface, address,
# MAC, MTU, a route, pool size, the echo service; an option on the command
# line overrides the file. nlrsctl shows each, and traffic flows.
#
#   netns nlrs-t-config-PID
#   Linux 192.0.2.1/24 [tcfg] <== TAP (mtu 1400) ==> nlrsd 192.0.2.2/24, mac 02:00:00:00:0c:0f
#                                                    route 203.0.113.0/24 via 192.0.2.1
source "$(dirname "$0")/lib.sh"
nlrs_setup config
nlrs_require_cmd ping socat
nlrs_require_prog "$NLRSD" "$NLRSCTL"
TAP=tcfg
MAC=02:00:00:00:0c:0f
CONF=$TMPD/nlrsd.conf
cat >"$CONF" <<CONFEOF
# nlrsd configuration for the config integration test
[daemon]
socket = $SOCK
log-level = info

[stack]
buffers = 512
reasm-timeout = 5000

[interface $TAP]
type = tap
addr = $STACK_IP/$PREFIX   # comment after a value
mac = $MAC
mtu = 1400

[route]
203.0.113.0/24 = $LINUX_IP

[service]
udp-echo = 7
CONFEOF

nlrs_ns_bg nlrsd "$NLRSD" --check-config -c "$CONF"
rc=0
wait "$BG_PID" || rc=$?
assert_eq "--check-config exit status" 0 "$rc"
if nlrs_ns ip link show $TAP >/dev/null 2>&1; then fail "--check-config created $TAP"; fi

# --buffers on the command line overrides the file's 512.
nlrs_ns_bg nlrsd "$NLRSD" -c "$CONF" --buffers 256
NLRSD_PID=$BG_PID
ready() {
	kill -0 "$NLRSD_PID" 2>/dev/null || fail "nlrsd exited during start-up"
	[ -S "$SOCK" ] && nlrs__tap_ready $TAP
}
wait_until 10 "nlrsd to come up from $CONF" ready
nlrs_linux_side $TAP
# One link, one MTU: nlrsd sets the kernel side of its TAP device as well.
assert_eq "kernel-side TAP MTU" 1400 "$(nlrs_ns cat /sys/class/net/$TAP/mtu)"

assert_eq "interface MAC" "$MAC" "$(stack_mac $TAP)"
assert_eq "interface MTU" 1400 "$(nlrs_json interfaces "[i['mtu'] for i in d['interfaces'] if i['name'] == '$TAP'][0]")"
assert_eq "interface addresses" "[\"$STACK_IP/$PREFIX\"]" \
	"$(nlrs_json interfaces "[i['addresses'] for i in d['interfaces'] if i['name'] == '$TAP'][0]")"
assert_eq "route 203.0.113.0/24" "$LINUX_IP $TAP" \
	"$(nlrs_json routes "[r['gateway'] + ' ' + r['interface'] for r in d['routes'] if r['destination'] == '203.0.113.0/24'][0]")"
assert_eq "buffers (256 from the command line, not 512 from the file)" 256 \
	"$(nlrs_json pools "d['pools']['buffers']['count']")"

out=$(nlrs_ns ping -c 2 -i 0.2 -W 2 $STACK_IP 2>&1) || true
assert_eq "pings answered" 2 "$(ping_received "$out")"
# 1448-byte datagrams: one frame at MTU 1500, two fragments at 1400.
fragtx0=$(counter frag_tx)
out=$(nlrs_ns ping -c 2 -i 0.2 -W 2 -s 1420 $STACK_IP 2>&1) || true
assert_eq "1420-byte pings answered" 2 "$(ping_received "$out")"
assert_eq "fragments sent for 2 replies of 1448 bytes at MTU 1400" 4 $(($(counter frag_tx) - fragtx0))
msg="configured by file $$"
got=$(printf '%s' "$msg" | nlrs_ns socat -t 1 -T 5 - UDP4:$STACK_IP:7) || true
assert_eq "UDP echo from [service]" "$msg" "$got"
nlrs_nlrsd_alive
