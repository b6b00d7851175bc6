#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# ARP both ways (RFC 826) and the gratuitous announcement on start.
#  1. nlrsd announces 192.0.2.2 when it starts (seen by tcpdump, and by
#     Linux's neighbour table with arp_accept=1, before any other traffic);
#  2. nlrsd resolves Linux: Linux knows nlrsd's MAC statically, so the only
#     ARP request is nlrsd's; its cache then holds 192.0.2.1 -> tap MAC,
#     reachable;
#  3. Linux resolves nlrsd: the static entry goes, Linux asks, nlrsd replies
#     with the MAC it reports for the interface (--mac).
#
#   netns nlrs-t-arp-PID
#   Linux 192.0.2.1/24 [tarp, made before nlrsd] <== TAP ==> nlrsd 192.0.2.2/24
#                                                           mac 02:00:00:00:02:02
source "$(dirname "$0")/lib.sh"
nlrs_setup arp
nlrs_require_cmd tcpdump ping
TAP=tarp
MAC=02:00:00:00:02:02

# Make the TAP first so tcpdump and Linux see nlrsd's very first frames.
nlrs_ns ip tuntap add dev $TAP mode tap
nlrs_ns sysctl -qw net.ipv4.conf.$TAP.arp_accept=1
nlrs_linux_side $TAP
KMAC=$(kernel_mac $TAP)
log "Linux side of $TAP: $KMAC"
nlrs_ns_bg tcpdump tcpdump -n -e -l -i $TAP arp
TCPDUMP_PID=$BG_PID
wait_until 5 "tcpdump listening" grep -q 'listening on' "$TMPD/tcpdump.log"

nlrs_start_nlrsd $TAP --mac $MAC
assert_eq "MAC nlrsctl reports for $TAP" "$MAC" "$(stack_mac $TAP)"

# 1. gratuitous ARP
wait_until 5 "gratuitous ARP on $TAP" grep -Eq \
	"$MAC > ff:ff:ff:ff:ff:ff.*(Request who-has $STACK_IP tell $STACK_IP|Reply $STACK_IP is-at $MAC)" \
	"$TMPD/tcpdump.log"
log "ok: tcpdump saw the gratuitous ARP: $(grep -m1 "tell $STACK_IP\|is-at $MAC" "$TMPD/tcpdump.log")"
assert_ge "arp_gratuitous_sent" "$(counter arp_gratuitous_sent)" 1
assert_contains "Linux neighbour entry from the announcement alone" \
	"lladdr $MAC" "$(nlrs_ns ip neigh show $STACK_IP dev $TAP)"

# 2. nlrsd resolves Linux
nlrs_ns ip neigh replace $STACK_IP lladdr $MAC nud permanent dev $TAP
req0=$(counter arp_requests_sent)
out=$(nlrs_ns ping -c 2 -i 0.3 -W 3 $STACK_IP 2>&1) || true
assert_eq "pings answered (nlrsd had to ARP for the reply)" 2 "$(ping_received "$out")"
assert_ge "arp_requests_sent growth" $(($(counter arp_requests_sent) - req0)) 1
entry=$(nlrs_json arp "[e for e in d['arp'] if e['address'] == '$LINUX_IP']")
log "nlrsd's ARP entry: $entry"
assert_eq "nlrsd's ARP cache: $LINUX_IP mac" "$KMAC" \
	"$(nlrs_json arp "[e['mac'] for e in d['arp'] if e['address'] == '$LINUX_IP'][0]")"
assert_eq "nlrsd's ARP cache: $LINUX_IP state" reachable \
	"$(nlrs_json arp "[e['state'] for e in d['arp'] if e['address'] == '$LINUX_IP'][0]")"
assert_eq "nlrsd's ARP cache: $LINUX_IP interface" $TAP \
	"$(nlrs_json arp "[e['interface'] for e in d['arp'] if e['address'] == '$LINUX_IP'][0]")"
grep -q "Request who-has $LINUX_IP tell $STACK_IP" "$TMPD/tcpdump.log" ||
	fail "tcpdump did not see nlrsd's request for $LINUX_IP"
log "ok: tcpdump saw nlrsd ask for $LINUX_IP"

# 3. Linux resolves nlrsd
nlrs_ns ip neigh del $STACK_IP dev $TAP
rep0=$(counter arp_replies_sent)
out=$(nlrs_ns ping -c 2 -i 0.3 -W 3 $STACK_IP 2>&1) || true
assert_eq "pings answered (Linux had to ARP)" 2 "$(ping_received "$out")"
neigh=$(nlrs_ns ip neigh show $STACK_IP dev $TAP)
assert_match "Linux neighbour entry for $STACK_IP" "lladdr $MAC (REACHABLE|STALE|DELAY)" "$neigh"
assert_ge "arp_replies_sent growth" $(($(counter arp_replies_sent) - rep0)) 1
sleep 0.3
kill "$TCPDUMP_PID" 2>/dev/null || true
wait "$TCPDUMP_PID" 2>/dev/null || true
grep -q "Reply $STACK_IP is-at $MAC" "$TMPD/tcpdump.log" ||
	fail "tcpdump did not see nlrsd's reply '$STACK_IP is-at $MAC'"
log "ok: tcpdump saw nlrsd reply $STACK_IP is-at $MAC"
nlrs_nlrsd_alive
