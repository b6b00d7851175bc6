#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Forwarding and TTL: nlrsd forwards (--forward) and routes 203.0.113.0/24
# back out of the same interface to Linux. Linux sends 203.0.113.0/24 to
# nlrsd. An echo request with TTL 1 must come back as ICMP time exceeded
# (RFC 792, RFC 1812 5.3.1) from 192.0.2.2; one with TTL 2 is forwarded
# (and then dropped by Linux, which does not forward).
# 198.51.100.0/24 goes to a next hop that never answers ARP (192.0.2.77):
# nlrsd queues the packets, asks at most once a second, gives up after its
# retries and sends host unreachable (RFC 1812 4.3.2.2 / 5.2.7.1).
#
#   netns nlrs-t-ttl_exceeded-PID
#   Linux 192.0.2.1/24 [tttl] <== TAP ==> nlrsd 192.0.2.2/24 --forward
#   route 203.0.113.0/24 via 192.0.2.2       route 203.0.113.0/24 via 192.0.2.1
#   route 198.51.100.0/24 via 192.0.2.2      route 198.51.100.0/24 via 192.0.2.77 (absent)
source "$(dirname "$0")/lib.sh"
nlrs_setup ttl_exceeded
nlrs_require_cmd ping
TAP=tttl

nlrs_start_nlrsd $TAP --forward --route 203.0.113.0/24,$LINUX_IP --route 198.51.100.0/24,192.0.2.77
nlrs_linux_side $TAP
nlrs_ns ip route add 203.0.113.0/24 via $STACK_IP dev $TAP
nlrs_ns ip route add 198.51.100.0/24 via $STACK_IP dev $TAP
nlrs_ns ping -c 1 -W 2 $STACK_IP >/dev/null || fail "first ping not answered"
routes=$(nlrs_ctl show routes)
echo "$routes"
assert_contains "nlrsctl show routes" "203.0.113.0/24" "$routes"

ttl0=$(counter ip_fwd_ttl_exceeded)
errs0=$(counter icmp_errors_sent)
out=$(nlrs_ns ping -t 1 -c 1 -W 2 203.0.113.9 2>&1) || true
echo "$out"
assert_match "ping -t 1 203.0.113.9" "From $STACK_IP icmp_seq=1 Time to live exceeded" "$out"
assert_eq "ip_fwd_ttl_exceeded growth" 1 $(($(counter ip_fwd_ttl_exceeded) - ttl0))
assert_ge "icmp_errors_sent growth" $(($(counter icmp_errors_sent) - errs0)) 1

fwd0=$(counter ip_fwd)
out=$(nlrs_ns ping -t 2 -c 1 -W 1 203.0.113.9 2>&1) || true
assert_not_contains "ping -t 2 203.0.113.9" "Time to live exceeded" "$out"
assert_eq "ip_fwd growth (TTL 2 forwarded back to Linux)" 1 $(($(counter ip_fwd) - fwd0))
assert_eq "ip_fwd_ttl_exceeded unchanged by TTL 2" 1 $(($(counter ip_fwd_ttl_exceeded) - ttl0))

# Next hop that never answers ARP.
req0=$(counter arp_requests_sent)
fail0=$(counter arp_resolve_failed)
nlrs_bg ping_unresolved ip netns exec "$NS" ping -c 2 -i 0.2 -W 8 198.51.100.5
PING_PID=$BG_PID
sleep 0.7
entry=$(nlrs_json arp "[e for e in d['arp'] if e['address'] == '192.0.2.77']")
log "nlrsd's ARP entry while resolving: $entry"
assert_eq "ARP state of 192.0.2.77 while resolving" incomplete \
	"$(nlrs_json arp "[e['state'] for e in d['arp'] if e['address'] == '192.0.2.77'][0]")"
assert_eq "packets queued for 192.0.2.77" 2 \
	"$(nlrs_json arp "[e['queued'] for e in d['arp'] if e['address'] == '192.0.2.77'][0]")"
wait "$PING_PID" || true
out=$(cat "$TMPD/ping_unresolved.log")
echo "$out"
assert_match "ping 198.51.100.5" "From $STACK_IP icmp_seq=1 Destination Host Unreachable" "$out"
assert_eq "arp_resolve_failed growth (both queued packets)" 2 $(($(counter arp_resolve_failed) - fail0))
# RFC 1122 2.3.2.1: at most one request per second per destination.
assert_between "ARP requests for 192.0.2.77" $(($(counter arp_requests_sent) - req0)) 2 3
nlrs_nlrsd_alive
