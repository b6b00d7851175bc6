#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Routing through a SLIP link: a Linux host on a TAP LAN reaches an lwIP
# host behind nlrsd's SLIP device, nlrsd forwarding between the two.
#
#   netns nlrs-t-slip_route-PID
#   Linux 192.0.2.1/24 [tslr] <== TAP ==> nlrsd 192.0.2.2 (tslr)
#                                          nlrsd 203.0.113.1 (sl0, --forward)
#                                              <== pty == socat == pty ==>
#                                          lwIP 203.0.113.2 (slip_lwip_peer)
#
#  1. Linux pings 203.0.113.2: 5 replies; nlrsd forwarded them (TTL 63 seen).
#  2. Linux sends 2 MiB by TCP to lwIP's discard service: lwIP's SHA-256
#     of what arrived = the file's.
#  3. lwIP pings Linux back through nlrsd (the route the other way).
source "$(dirname "$0")/lib.sh"
: "${NLRS_SLIP_LWIP_PEER:=$NLRS_BUILD_DIR/tests/integration/slip_lwip_peer}"
PEER=$NLRS_SLIP_LWIP_PEER

nlrs_setup slip_route
nlrs_require_cmd socat ping sha256sum
[ -x "$PEER" ] || skip "slip_lwip_peer not built (liblwip-dev missing: run tools/bootstrap.sh)"
TAP=tslr
L_IP=203.0.113.2

log_has() { grep -q -- "$2" "$TMPD/$1.log"; }

nlrs_bg socat socat -d -d pty,raw,echo=0,link="$TMPD/p.a" pty,raw,echo=0,link="$TMPD/p.b"
wait_until 5 "socat ptys" test -e "$TMPD/p.a" -a -e "$TMPD/p.b"

nlrs_start_nlrsd $TAP --slip "$TMPD/p.a" --addr 203.0.113.1/24 --peer $L_IP --forward
nlrs_linux_side $TAP
nlrs_ns ip route add 203.0.113.0/24 via $STACK_IP
nlrs_bg lwip "$PEER" "$TMPD/p.b" $L_IP $LINUX_IP 3
wait_until 5 "lwIP up" log_has lwip "up on"

# ------------------------------------------------------------- 1. ping
out=$(nlrs_ns ping -c 5 -i 0.2 -W 2 $L_IP 2>&1) || true
echo "$out"
assert_eq "1. echo replies from lwIP behind SLIP" 5 "$(ping_received "$out")"
assert_eq "1. replies forwarded once (ttl=254 from lwIP's 255)" 5 \
	"$(grep -c "from $L_IP: icmp_seq=.* ttl=254" <<<"$out")"

# ------------------------------------------------------------- 2. TCP
head -c 2M /dev/urandom >"$TMPD/in.bin"
want=$(sha256sum "$TMPD/in.bin" | cut -d' ' -f1)
nlrs_ns timeout 120 socat -u OPEN:"$TMPD/in.bin" TCP:$L_IP:9 || fail "socat to lwIP's discard failed"
wait_until 20 "lwIP's discard report" log_has lwip "discard:"
assert_eq "2. Linux -> lwIP through nlrsd: 2 MiB, lwIP's sha256" \
	"discard: 2097152 bytes sha256 $want" "$(grep 'discard:' "$TMPD/lwip.log" | head -n 1)"

# ------------------------------------------------------- 3. the other way
wait_until 20 "lwIP's ping report" log_has lwip "ping:"
assert_eq "3. lwIP -> Linux through nlrsd" "ping: 3 replies" "$(grep 'ping:' "$TMPD/lwip.log")"
nlrs_nlrsd_alive
