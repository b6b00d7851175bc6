#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Routing through a gateway: a host in another namespace, behind a Linux
# router, reaches nlrsd. nlrsd's only way back is its default gateway
# (--gw), so its replies go to the router's MAC (ARP for the gateway, never
# for the far host).
#
#   netns nlrs-t-gateway_host-PID        netns nlrs-t-gateway-PID (router, ip_forward=1)
#   host 203.0.113.9/24 [vgwh] <== veth ==> [vgwr] 203.0.113.1/24
#   default via 203.0.113.1                 192.0.2.1/24 [tgw] <== TAP ==> nlrsd 192.0.2.2/24
#                                                                           --gw 192.0.2.1
source "$(dirname "$0")/lib.sh"
nlrs_setup gateway
nlrs_require_cmd ping socat
TAP=tgw
HOST_IP=203.0.113.9
ROUTER_FAR_IP=203.0.113.1

nlrs_add_ns host HOST_NS
nlrs_ns ip link add vgwr type veth peer name vgwh netns "$HOST_NS"
nlrs_ns ip addr add $ROUTER_FAR_IP/24 dev vgwr
nlrs_ns ip link set vgwr up
nlrs_ns sysctl -qw net.ipv4.ip_forward=1
ip -n "$HOST_NS" addr add $HOST_IP/24 dev vgwh
ip -n "$HOST_NS" link set vgwh up
ip -n "$HOST_NS" route add default via $ROUTER_FAR_IP
on_host() { ip netns exec "$HOST_NS" "$@"; }

nlrs_start_nlrsd $TAP --gw $LINUX_IP --udp-echo 7
nlrs_linux_side $TAP
assert_eq "nlrsd's default route" "$LINUX_IP $TAP" \
	"$(nlrs_json routes "[(r['gateway'] or '-') + ' ' + r['interface'] for r in d['routes'] if r['destination'] == '0.0.0.0/0'][0]")"

out=$(on_host ping -c 3 -i 0.2 -W 2 $STACK_IP 2>&1) || true
echo "$out"
assert_eq "pings from $HOST_IP answered through the router" 3 "$(ping_received "$out")"
assert_eq "reply lines from $STACK_IP" 3 "$(grep -c "bytes from $STACK_IP: icmp_seq=" <<<"$out")"
out=$(on_host ping -c 2 -i 0.2 -W 2 -s 3000 $STACK_IP 2>&1) || true
assert_eq "fragmented pings from $HOST_IP answered" 2 "$(ping_received "$out")"
msg="from the far side $$"
got=$(printf '%s' "$msg" | on_host socat -t 1 -T 5 - UDP4:$STACK_IP:7) || true
assert_eq "UDP echo to $HOST_IP via the gateway" "$msg" "$got"

arp=$(nlrs_json arp "sorted(e['address'] for e in d['arp'])")
assert_eq "nlrsd's ARP cache (the gateway only, never the far host)" "[\"$LINUX_IP\"]" "$arp"
assert_eq "ip_tx_no_route" 0 "$(counter ip_tx_no_route)"
nlrs_nlrsd_alive
