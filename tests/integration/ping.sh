#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Linux pings nlrsd: 5 echo requests, 5 replies from 192.0.2.2, and nlrsd
# counts each reply it sent.
#
#   netns nlrs-t-ping-PID
#   Linux 192.0.2.1/24 [tping] <== TAP ==> nlrsd 192.0.2.2/24
source "$(dirname "$0")/lib.sh"
nlrs_setup ping
nlrs_require_cmd ping
TAP=tping

nlrs_start_nlrsd $TAP
nlrs_linux_side $TAP
before=$(counter icmp_echo_replies)

out=$(nlrs_ns ping -c 5 -i 0.2 -W 2 $STACK_IP 2>&1) || true
echo "$out"
assert_eq "echo replies received" 5 "$(ping_received "$out")"
assert_eq "packet loss %" 0 "$(ping_loss "$out")"
assert_eq "reply lines from $STACK_IP" 5 "$(grep -c "bytes from $STACK_IP: icmp_seq=" <<<"$out")"
assert_ge "icmp_echo_replies growth" $(($(counter icmp_echo_replies) - before)) 5
