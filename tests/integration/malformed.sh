#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Bad input: scapy sends crafted bad frames from the Linux side of the TAP
# (malformed.py: runts, lying IPv4/UDP/ARP length fields, bad checksums,
# bad options, overlapping fragments, too many VLAN tags, ... and 400 random
# frames). nlrsd must count each drop under its own reason, stay up, hand
# every buffer back to its pool, and still answer ping.
#
#   netns nlrs-t-malformed-PID
#   Linux 192.0.2.1/24 [tbad] <== TAP ==> nlrsd 192.0.2.2/24 (udp echo on 7,
#   scapy sends raw frames here)              reassembly timeout 1 s)
source "$(dirname "$0")/lib.sh"
nlrs_setup malformed
nlrs_require_cmd ping
TAP=tbad

nlrs_start_nlrsd $TAP --udp-echo 7 --reasm-timeout 1000
nlrs_linux_side $TAP
nlrs_ns ping -c 2 -i 0.2 -W 2 $STACK_IP >/dev/null || fail "ping before the bad frames not answered"
free0=$(nlrs_json pools "d['pools']['buffers']['available']")
log "free buffers before: $free0"

nlrs_ns "$PY" "$NLRS_ITEST_DIR/malformed.py" $TAP "$(stack_mac $TAP)" \
	"$NLRSCTL" "$SOCK" "$NLRS_REPO/stack/counters.h" || fail "malformed.py reported failures (above)"

nlrs_nlrsd_alive
nlrs_ctl show arp
out=$(nlrs_ns ping -c 3 -i 0.2 -W 2 $STACK_IP 2>&1) || true
assert_eq "pings answered after the bad frames" 3 "$(ping_received "$out")"
got=$(printf 'after the storm\n' | nlrs_ns nc -u -w 1 $STACK_IP 7) || true
assert_eq "UDP echo after the bad frames" "after the storm" "$got"

# Fragments of the random frames wait out the 1 s reassembly timeout; then
# every buffer must be back.
for i in $(seq 50); do
	free=$(nlrs_json pools "d['pools']['buffers']['available']")
	[ "$free" = "$free0" ] && break
	sleep 0.1
done
assert_eq "free buffers after the bad frames (no leak)" "$free0" "$free"
