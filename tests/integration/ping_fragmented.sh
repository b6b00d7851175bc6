#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Fragmented pings: Linux sends 65000- and 4000-byte echo requests as IPv4
# fragments (MTU 1500); nlrsd reassembles them and answers with replies of
# the same size, which it must fragment itself.
#
#   netns nlrs-t-ping_fragmented-PID
#   Linux 192.0.2.1/24 [tfrag] <== TAP (mtu 1500) ==> nlrsd 192.0.2.2/24
source "$(dirname "$0")/lib.sh"
nlrs_setup ping_fragmented
nlrs_require_cmd ping
TAP=tfrag

nlrs_start_nlrsd $TAP
nlrs_linux_side $TAP
reasm0=$(counter frag_reassembled)
fragtx0=$(counter frag_tx)

# 65000 bytes of ICMP data: 65028-byte datagrams, 44 fragments each way.
out=$(nlrs_ns ping -c 3 -i 0.5 -W 5 -s 65000 $STACK_IP 2>&1) || true
echo "$out"
assert_eq "65000-byte pings answered" 3 "$(ping_received "$out")"
assert_eq "replies of 65008 bytes from $STACK_IP" 3 \
	"$(grep -c "^65008 bytes from $STACK_IP: icmp_seq=" <<<"$out")"
reasm1=$(counter frag_reassembled)
fragtx1=$(counter frag_tx)
assert_ge "frag_reassembled growth" $((reasm1 - reasm0)) 3
# Each reply (65008 bytes of IP payload) leaves as 44 fragments of <= 1480.
assert_ge "frag_tx growth" $((fragtx1 - fragtx0)) $((3 * 44))

out=$(nlrs_ns ping -c 3 -i 0.3 -W 3 -s 4000 $STACK_IP 2>&1) || true
echo "$out"
assert_eq "4000-byte pings answered" 3 "$(ping_received "$out")"
assert_eq "replies of 4008 bytes from $STACK_IP" 3 \
	"$(grep -c "^4008 bytes from $STACK_IP: icmp_seq=" <<<"$out")"
assert_ge "frag_reassembled growth (4000)" $(($(counter frag_reassembled) - reasm1)) 3
assert_ge "frag_tx growth (4000)" $(($(counter frag_tx) - fragtx1)) $((3 * 3))
assert_eq "frag_overlap" 0 "$(counter frag_overlap)"
assert_eq "frag_timeout" 0 "$(counter frag_timeout)"
nlrs_nlrsd_alive
