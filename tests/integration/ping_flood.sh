#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Flood ping: 10,000 echo requests as fast as replies come back (ping -f),
# bounded to 60 s; every one must be answered.
#
#   netns nlrs-t-ping_flood-PID
#   Linux 192.0.2.1/24 [tflood] <== TAP ==> nlrsd 192.0.2.2/24
source "$(dirname "$0")/lib.sh"
nlrs_setup ping_flood
nlrs_require_cmd ping
TAP=tflood

nlrs_start_nlrsd $TAP
nlrs_linux_side $TAP
# Resolve ARP first so the flood measures the echo path only.
nlrs_ns ping -c 1 -W 2 $STACK_IP >/dev/null || fail "first ping not answered"
before=$(counter icmp_echo_replies)

start=$(date +%s.%N)
out=$(nlrs_ns ping -f -c 10000 -q -w 60 $STACK_IP 2>&1) || true
end=$(date +%s.%N)
echo "$out"
log "flood took $(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.1f", b - a }') s"
assert_contains "ping summary" "10000 packets transmitted" "$out"
assert_eq "replies received" 10000 "$(ping_received "$out")"
assert_eq "packet loss %" 0 "$(ping_loss "$out")"
assert_ge "icmp_echo_replies growth" $(($(counter icmp_echo_replies) - before)) 10000
nlrs_nlrsd_alive
